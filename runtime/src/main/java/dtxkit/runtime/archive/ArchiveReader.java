package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;
import java.util.List;
import java.util.Set;

/**
 * The fields of one archived object, as an {@link ArchiveClassCodec} sees them while decoding. Values are decoded
 * on demand: references ({@code UID}s) are followed, arrays of references become Lists, inline plist values (an
 * {@code encodeInt:}/{@code encodeBool:} value) are returned as they are ({@code Integer}/{@code Long}/
 * {@code Double}/{@code Boolean}/{@code String}/{@code byte[]}).
 *
 * <p>Decoding a field may throw {@link DtxProtocolException}s of the referenced objects: an
 * {@link ArchiveFormatException}, or a {@link dtxkit.runtime.DtxLimitExceededException} for the depth limit. They are
 * passed on unchanged.
 */
public interface ArchiveReader {
  /** The object's {@code $classname}. */
  String className();

  /** The object's {@code $classes} chain, most derived first. */
  List<String> classChain();

  /** Where the object is, e.g. {@code "$objects[12]"}, for error messages. */
  String location();

  /** The archived keys except {@code $class}, in archive order. */
  Set<String> keys();

  /** Whether {@code key} was archived (with any value, {@code $null} included). */
  boolean contains(String key);

  /** Whether {@code key} holds an inline value rather than a reference. */
  boolean isInline(String key);

  /**
   * The decoded value of {@code key}: the referenced object, a List for an array of references, the inline value, or
   * null when the key is absent or refers to {@code $null}.
   */
  Object decode(String key) throws DtxProtocolException;

  /**
   * {@link #decode(String)} checked against {@code type}; null when absent or {@code $null}.
   *
   * @throws ArchiveFormatException naming {@code location().key} when the value is of another type
   */
  <T> T decode(String key, Class<T> type) throws DtxProtocolException;

  /**
   * {@link #decode(String, Class)} that must not be null.
   *
   * @throws ArchiveFormatException naming {@code location().key} when absent, null or of another type
   */
  <T> T require(String key, Class<T> type) throws DtxProtocolException;

  /**
   * An array of references ({@code NS.objects}, {@code NS.keys}), each decoded. {@code $null} entries become null.
   *
   * @param key the key holding the array
   * @param asKeys true when the elements become Set elements or Map keys: such elements must not be objects still
   *     being decoded (a container that contains itself as a key cannot be built)
   * @throws ArchiveFormatException when absent or not an array of references
   */
  List<Object> decodeReferences(String key, boolean asKeys) throws DtxProtocolException;

  /**
   * Makes {@code instance} the value of this object before its fields are decoded, so that fields referring back to
   * this object (a cycle) decode to {@code instance} itself. Only mutable containers can do this; a reference back
   * to an object that did not publish itself is an {@link ArchiveFormatException} ("cycle").
   */
  void publish(Object instance);

  /** An {@link ArchiveFormatException} naming {@code location().key}. */
  ArchiveFormatException error(String key, String description);
}
