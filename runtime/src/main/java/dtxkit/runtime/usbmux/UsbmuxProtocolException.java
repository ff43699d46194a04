package dtxkit.runtime.usbmux;

import dtxkit.runtime.DtxProtocolException;

/**
 * A usbmuxd peer broke the usbmuxd protocol: a header with a length, version or type that does not fit, a message cut
 * short, a reply that is not a plist dictionary or lacks a key. The message names the field, the expected and actual
 * values and the stream offset.
 */
public class UsbmuxProtocolException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code bad FIELD ACTUAL (expected EXPECTED) at offset OFFSET}.
   *
   * @param field the header field or key
   * @param expected what is allowed
   * @param actual what came
   * @param offset the stream offset, or {@link #UNKNOWN_OFFSET}
   */
  public UsbmuxProtocolException(String field, String expected, String actual, long offset) {
    super("usbmuxd " + field, expected, actual, offset);
  }

  /**
   * A free-form description.
   *
   * @param field the field at fault
   * @param description what is wrong
   * @param offset the stream offset, or {@link #UNKNOWN_OFFSET}
   * @param cause the underlying error, or null
   */
  public UsbmuxProtocolException(String field, String description, long offset, Throwable cause) {
    super("usbmuxd " + field, description, offset, true, cause);
  }
}
