package dtxkit.runtime.archive;

import dtxkit.runtime.DtxProtocolException;

/**
 * An NSKeyedArchiver archive is malformed: not a property list, a missing or wrong {@code $archiver},
 * {@code $version}, {@code $top} or {@code $objects}, a UID out of range, a value of the wrong type, a reference
 * cycle that cannot be represented. {@link #field()} names the key or object at fault, e.g. {@code "$version"} or
 * {@code "$objects[7].NS.objects[2]"}.
 *
 * <p>Not fatal to a connection: the message that carried the archive was framed correctly, only its payload cannot be
 * decoded.
 */
public class ArchiveFormatException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * A free-form description of what is wrong with {@code field}.
   *
   * @param field the key or {@code $objects[i]} location at fault
   * @param description what is wrong, including expected and actual values
   * @param cause the underlying parser error, or null
   */
  public ArchiveFormatException(String field, String description, Throwable cause) {
    super(field, field + ": " + description, UNKNOWN_OFFSET, false, cause);
  }

  /**
   * A free-form description of what is wrong with {@code field} at a byte offset in the archive (the binary plist's
   * structure: trailer, offset table, markers, counts).
   *
   * @param field the plist part at fault, e.g. {@code "plist.offsetTable[3]"}
   * @param description what is wrong, including expected and actual values
   * @param cause the underlying error, or null
   * @param offset the byte offset in the archive
   */
  public ArchiveFormatException(String field, String description, Throwable cause, long offset) {
    super(field, field + ": " + description, offset, false, cause);
  }

  /**
   * A field with a wrong value: {@code FIELD: bad value ACTUAL (expected EXPECTED)}.
   *
   * @param field the key or {@code $objects[i]} location at fault
   * @param expected what is allowed
   * @param actual what was found
   */
  public static ArchiveFormatException wrongValue(String field, String expected, String actual) {
    return new ArchiveFormatException(field, "bad value " + actual + " (expected " + expected + ")", null);
  }

  /** The key {@code field} is absent: {@code FIELD: missing (expected WHAT)}. */
  public static ArchiveFormatException missing(String field, String expected) {
    return new ArchiveFormatException(field, "missing (expected " + expected + ")", null);
  }
}
