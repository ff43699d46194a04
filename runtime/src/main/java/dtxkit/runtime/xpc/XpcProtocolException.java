package dtxkit.runtime.xpc;

import dtxkit.runtime.DtxProtocolException;

/**
 * A peer sent XPC bytes that break the format: a bad magic, an unknown type code, a length that overruns its
 * container, a string without its NUL. The message names the field, the expected and actual values and the offset.
 * Always fatal to the connection: the message boundaries after a bad XPC body can no longer be trusted.
 */
public class XpcProtocolException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code bad FIELD ACTUAL (expected EXPECTED) at offset OFFSET}.
   *
   * @param field the field, e.g. {@code "wrapper magic"}
   * @param expected what is allowed
   * @param actual what was found
   * @param offset the stream offset of the field
   */
  public XpcProtocolException(String field, String expected, String actual, long offset) {
    super(field, expected, actual, offset);
  }

  /**
   * A free-form description: {@code FIELD: DESCRIPTION at offset N}.
   *
   * @param field the field or structure at fault
   * @param description what is wrong
   * @param offset the stream offset
   */
  public XpcProtocolException(String field, String description, long offset) {
    super(field, field + ": " + description, offset, true, null);
  }
}
