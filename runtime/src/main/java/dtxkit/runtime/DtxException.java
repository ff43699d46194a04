package dtxkit.runtime;

/**
 * Base of everything a DTX call can fail with. Unchecked, because the methods of a declared service interface cannot
 * declare checked exceptions.
 *
 * <p>Subtypes: {@link DtxRemoteException} (the peer answered ERROR), {@link DtxConnectionClosedException} (the
 * connection closed or dropped), {@link DtxTimeoutException} (a blocking call or the handshake timed out).
 */
public class DtxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   */
  public DtxException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying error, or null
   */
  public DtxException(String message, Throwable cause) {
    super(message, cause);
  }
}
