package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the two {@link ArchiveReader}s of {@link NSKeyedUnarchiver} (the binary one reading in place, the one over a
 * dd-plist tree for XML archives) share: the object's class and location, the typed accessors built on
 * {@link #decode(String)}, the generic object, and the texts of their errors, so that both readers report a bad
 * field in the same words.
 */
abstract class KeyedReader implements ArchiveReader {
  /** The object's index in {@code $objects}. */
  final int index;
  private final String className;
  private final List<String> chain;
  private String location;

  KeyedReader(int index, String className, List<String> chain) {
    this.index = index;
    this.className = className;
    this.chain = chain;
  }

  @Override
  public final String className() {
    return className;
  }

  @Override
  public final List<String> classChain() {
    return chain;
  }

  @Override
  public final String location() {
    if (location == null) {
      location = "$objects[" + index + "]";
    }
    return location;
  }

  /** {@code location().key}, the name errors give a field. */
  final String field(String key) {
    return location() + "." + key;
  }

  @Override
  public final <T> T decode(String key, Class<T> type) throws DtxProtocolException {
    Object v = decode(key);
    if (v != null && !type.isInstance(v)) {
      String shown = String.valueOf(v instanceof String ? v : ArchiveValues.toString(v, 80));
      throw new ArchiveFormatException(field(key), "expected a " + type.getSimpleName()
          + ", found " + v.getClass().getSimpleName() + " "
          + (shown.length() > 64 ? shown.substring(0, 64) + "..." : shown), null);
    }
    return type.cast(v);
  }

  @Override
  public final <T> T require(String key, Class<T> type) throws DtxProtocolException {
    if (!contains(key)) {
      throw ArchiveFormatException.missing(field(key), "a " + type.getSimpleName());
    }
    T v = decode(key, type);
    if (v == null) {
      throw ArchiveFormatException.wrongValue(field(key), "a " + type.getSimpleName(), "null");
    }
    return v;
  }

  @Override
  public final ArchiveFormatException error(String key, String description) {
    return new ArchiveFormatException(field(key), description, null);
  }

  /** The field {@code key} is neither a reference, nor an array of them, nor a plain value, but {@code found}. */
  final ArchiveFormatException notAValue(String key, String found) {
    return error(key, "expected a UID, an array of UIDs or a plist value, found " + found);
  }

  /** The field {@code key}, which should be an array of references, is missing. */
  final ArchiveFormatException missingReferences(String key) {
    return ArchiveFormatException.missing(field(key), "an array of UIDs");
  }

  /** The field {@code key}, which should be an array of references, is {@code found}. */
  final ArchiveFormatException notReferences(String key, String found) {
    return ArchiveFormatException.wrongValue(field(key), "an array of UIDs", found);
  }

  /**
   * The object as a {@link GenericArchivedObject} (no codec for its class): published before its fields are decoded,
   * so that fields referring back to it find it.
   */
  final GenericArchivedObject decodeGeneric() throws DtxProtocolException {
    Set<String> keys = keys();
    Set<String> inline = new LinkedHashSet<>();
    for (String key : keys) {
      if (isInline(key)) {
        inline.add(key);
      }
    }
    GenericArchivedObject g = new GenericArchivedObject(chain, Map.of(), inline);
    publish(g);
    for (String key : keys) {
      g.putDecoded(key, decode(key));
    }
    return g;
  }
}
