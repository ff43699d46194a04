package dtxkit.runtime;

/**
 * A blocking call ({@link DtxChannel#invoke}, {@link DtxConnection#openChannel}) or the capabilities handshake did
 * not complete in time. A timed-out call is abandoned: its reply, should it still arrive, is counted and logged but
 * not delivered.
 */
public class DtxTimeoutException extends DtxException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what timed out and after how long
   */
  public DtxTimeoutException(String message) {
    super(message);
  }
}
