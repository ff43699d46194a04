package dtxkit.runtime.http2;

import dtxkit.runtime.DtxProtocolException;

/**
 * The peer broke HTTP/2 framing: a bad preface, a frame of the wrong length, a window overflow. Carries the HTTP/2
 * error code the connection is closed with (sent in GOAWAY) and the stream offset of the offending frame.
 */
public class Http2ProtocolException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;
  private final int errorCode;

  /**
   * @param errorCode the HTTP/2 error code, e.g. {@link Http2#PROTOCOL_ERROR}
   * @param field the frame or field at fault, e.g. {@code "SETTINGS length"}
   * @param description what is wrong
   * @param offset the stream offset of the frame
   */
  public Http2ProtocolException(int errorCode, String field, String description, long offset) {
    super(field, field + ": " + description + " (" + Http2.errorName(errorCode) + ")", offset, true, null);
    this.errorCode = errorCode;
  }

  /** The HTTP/2 error code to send in GOAWAY. */
  public int errorCode() {
    return errorCode;
  }
}
