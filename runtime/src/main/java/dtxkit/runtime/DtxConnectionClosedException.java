package dtxkit.runtime;

/**
 * The connection closed (by {@link DtxConnection#close()}) or dropped (the peer closed the stream, a read or write
 * failed, or the peer broke the protocol) before a call completed. The message says why; when the connection dropped
 * because of an error, that error is the cause (a {@link DtxProtocolException} for peer protocol errors, an
 * {@link java.io.IOException} for transport failures).
 */
public class DtxConnectionClosedException extends DtxException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message why the connection closed
   * @param cause the error that closed it, or null for an orderly close
   */
  public DtxConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
