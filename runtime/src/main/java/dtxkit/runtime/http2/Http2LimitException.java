package dtxkit.runtime.http2;

import dtxkit.runtime.DtxLimitExceededException;

/** The peer opened more streams than {@link Http2Connection.Options#maxStreams()} allows. */
public class Http2LimitException extends DtxLimitExceededException {
  private static final long serialVersionUID = 1L;

  /**
   * @param max the limit
   * @param actual the stream count the peer asked for
   * @param offset stream offset of the frame
   */
  public Http2LimitException(long max, long actual, long offset) {
    super("HTTP/2 streams", max, actual, offset);
  }
}
