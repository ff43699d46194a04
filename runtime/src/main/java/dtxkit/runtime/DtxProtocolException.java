package dtxkit.runtime;

import java.io.IOException;

/**
 * A peer sent bytes that break the protocol: a bad magic, a length that does not add up, an unknown tag, a malformed
 * archive. The message names the field, the expected and actual values and the stream offset, for example
 * {@code bad magic 0x00000000 (expected 0x1F3D5B79) at offset 4096}.
 *
 * <p>Whether the error is fatal to the whole connection or only to one message is said by {@link #isConnectionFatal()}:
 * framing errors (the byte stream can no longer be trusted) are fatal; an undecodable payload inside a well-framed
 * message is not.
 *
 * <p>Subclasses mark the layer: {@link DtxLimitExceededException} for configured limits; the archive, XPC and HTTP/2
 * packages have their own.
 */
public class DtxProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Offset is not known (for example, a value decoded outside any stream). */
  public static final long UNKNOWN_OFFSET = -1;

  private final String field;
  private final long offset;
  private final boolean connectionFatal;

  /**
   * A field with a wrong value: {@code bad FIELD ACTUAL (expected EXPECTED) at offset OFFSET}.
   *
   * @param field what was read, e.g. {@code "magic"} or {@code "fragment index"}
   * @param expected what is allowed, e.g. {@code "0x1F3D5B79"} or {@code "< 3"}
   * @param actual what was found
   * @param offset the stream offset of the field, or {@link #UNKNOWN_OFFSET}
   */
  public DtxProtocolException(String field, String expected, String actual, long offset) {
    this(field, "bad " + field + " " + actual + " (expected " + expected + ")", offset, true, null);
  }

  /**
   * A free-form description of what is wrong; {@code at offset N} is appended when the offset is known.
   *
   * @param field the field or structure at fault
   * @param description what is wrong
   * @param offset the stream offset, or {@link #UNKNOWN_OFFSET}
   * @param connectionFatal whether the connection can no longer be used
   * @param cause the underlying error, or null
   */
  public DtxProtocolException(
      String field, String description, long offset, boolean connectionFatal, Throwable cause) {
    super(offset == UNKNOWN_OFFSET ? description : description + " at offset " + offset, cause);
    this.field = field;
    this.offset = offset;
    this.connectionFatal = connectionFatal;
  }

  /** The field or structure at fault, e.g. {@code "magic"}, {@code "aux tag"}, {@code "$objects"}. */
  public String field() {
    return field;
  }

  /** The stream offset of the bad field, or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }

  /** True when the byte stream can no longer be trusted and the connection must close. */
  public boolean isConnectionFatal() {
    return connectionFatal;
  }

  /** Formats an unsigned 32-bit value as {@code 0x1F3D5B79}. */
  public static String hex32(long value) {
    return String.format("0x%08X", value & 0xFFFFFFFFL);
  }

  /** Formats a 16-bit value as {@code 0x0707}. */
  public static String hex16(int value) {
    return String.format("0x%04X", value & 0xFFFF);
  }
}
