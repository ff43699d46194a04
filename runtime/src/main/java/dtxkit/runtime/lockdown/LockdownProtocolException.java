package dtxkit.runtime.lockdown;

import dtxkit.runtime.DtxProtocolException;

/**
 * A lockdown peer broke the framing or sent a reply that does not fit the request: a length that is too large, a
 * body that is not a plist dictionary, a reply to another request. Names the field, expected and actual values and
 * the stream offset.
 */
public class LockdownProtocolException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code bad lockdown FIELD ACTUAL (expected EXPECTED) at offset OFFSET}.
   *
   * @param field the field or key
   * @param expected what is allowed
   * @param actual what came
   * @param offset the stream offset, or {@link #UNKNOWN_OFFSET}
   */
  public LockdownProtocolException(String field, String expected, String actual, long offset) {
    super("lockdown " + field, expected, actual, offset);
  }
}
