package dtxkit.runtime.archive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An object of a class no codec is registered for: its {@code $classes} chain and its fields, decoded. Archiving it
 * again writes the same class chain and fields, inline fields inline.
 *
 * <p>Equality compares the class chain and the fields (byte arrays by content).
 */
public final class GenericArchivedObject implements ArchivedObject {
  private final List<String> classChain;
  private final Map<String, Object> fields;
  private final Set<String> inlineKeys;

  /**
   * An object to archive or a decoded one.
   *
   * @param classChain the {@code $classes} chain, most derived first; not empty
   * @param fields field values by key, archived by reference unless the key is in {@code inlineKeys}
   * @param inlineKeys the keys whose values are archived inline (plist numbers, booleans, strings, data)
   */
  public GenericArchivedObject(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    this.classChain = List.copyOf(classChain);
    if (this.classChain.isEmpty()) {
      throw new IllegalArgumentException("classChain is empty");
    }
    this.fields = new LinkedHashMap<>(fields);
    this.inlineKeys = Collections.unmodifiableSet(new LinkedHashSet<>(inlineKeys));
  }

  /** Decoder side: fields are filled in after the object is published, so that cycles can refer to it. */
  GenericArchivedObject(List<String> classChain, Set<String> inlineKeys) {
    this.classChain = List.copyOf(classChain);
    this.fields = new LinkedHashMap<>();
    this.inlineKeys = Collections.unmodifiableSet(new LinkedHashSet<>(inlineKeys));
  }

  void putDecoded(String key, Object value) {
    fields.put(key, value);
  }

  @Override
  public List<String> classChain() {
    return classChain;
  }

  /** The fields, in archive order; unmodifiable. */
  @Override
  public Map<String, Object> fields() {
    return Collections.unmodifiableMap(fields);
  }

  /** The keys archived inline rather than by reference. */
  public Set<String> inlineKeys() {
    return inlineKeys;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof GenericArchivedObject g
        && classChain.equals(g.classChain)
        && ArchiveValues.deepEquals(fields, g.fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(classChain, fields.keySet());
  }

  @Override
  public String toString() {
    return className() + fields;
  }
}
