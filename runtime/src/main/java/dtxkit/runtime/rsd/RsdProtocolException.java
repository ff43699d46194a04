package dtxkit.runtime.rsd;

import dtxkit.runtime.DtxProtocolException;

/**
 * A well-formed XPC or plist message whose content breaks RSD: a peer info without {@code UniqueDeviceID}, a service
 * port that is not a number, a checkin reply with the wrong {@code Request}.
 */
public class RsdProtocolException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code bad FIELD ACTUAL (expected EXPECTED)}.
   *
   * @param field the key at fault, e.g. {@code "Services.com.apple.x.Port"}
   * @param expected what is allowed
   * @param actual what was found
   */
  public RsdProtocolException(String field, String expected, String actual) {
    super(field, expected, actual, UNKNOWN_OFFSET);
  }
}
