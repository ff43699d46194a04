package dtxkit.runtime.archive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An archived object kept as its class chain and its fields, with typed accessors added by subclasses (the XCTest
 * classes, whose field sets grow with every Xcode release and are kept whole so that nothing is lost when one is
 * archived again). Fields listed in {@link #inlineKeys()} are archived inline, the others by reference.
 *
 * <p>Equality compares the Java class, the class chain and the fields (byte arrays by content).
 */
public abstract class AbstractArchivedObject implements ArchivedObject {
  private final List<String> classChain;
  private final Map<String, Object> fields;
  private final Set<String> inlineKeys;

  /**
   * @param classChain the {@code $classes} chain, most derived first; not empty
   * @param fields field values by key, in archive order; copied
   * @param inlineKeys the keys whose values are archived inline (plist numbers, booleans, strings, data)
   */
  protected AbstractArchivedObject(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    this.classChain = List.copyOf(classChain);
    if (this.classChain.isEmpty()) {
      throw new IllegalArgumentException("classChain is empty");
    }
    this.fields = new LinkedHashMap<>(fields);
    this.inlineKeys = Collections.unmodifiableSet(new LinkedHashSet<>(inlineKeys));
  }

  /** Decoder side: fields are added after the object is published, so that cycles can refer back to it. */
  void putDecoded(String key, Object value) {
    fields.put(key, value);
  }

  @Override
  public final List<String> classChain() {
    return classChain;
  }

  /** The fields in archive order; unmodifiable. */
  @Override
  public final Map<String, Object> fields() {
    return Collections.unmodifiableMap(fields);
  }

  /** The keys archived inline rather than by reference. */
  public final Set<String> inlineKeys() {
    return inlineKeys;
  }

  /** The value of field {@code key}, or null. */
  public final Object get(String key) {
    return fields.get(key);
  }

  /** The value of field {@code key} if it is a {@code type}, else null. */
  protected final <T> T get(String key, Class<T> type) {
    Object v = fields.get(key);
    return type.isInstance(v) ? type.cast(v) : null;
  }

  @Override
  public final boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o != null
        && o.getClass() == getClass()
        && classChain.equals(((AbstractArchivedObject) o).classChain)
        && ArchiveValues.deepEquals(fields, ((AbstractArchivedObject) o).fields);
  }

  @Override
  public final int hashCode() {
    return Objects.hash(classChain, fields.keySet());
  }

  /** The class name and fields, e.g. {@code XCTIssue{type=0, ...}}; a field that refers back shows as (cycle). */
  @Override
  public String toString() {
    return ArchiveValues.toString(this, Integer.MAX_VALUE);
  }
}
