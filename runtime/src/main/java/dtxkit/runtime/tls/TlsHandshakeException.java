package dtxkit.runtime.tls;

import java.io.IOException;

/**
 * A TLS handshake with a device (or a client, on the server side) failed: the peer closed mid-handshake, sent an
 * alert, presented a certificate that does not match, or spoke no TLS at all. The message names the step (e.g.
 * {@code "lockdown StartSession TLS handshake"}) and what went wrong.
 */
public class TlsHandshakeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String step;

  /**
   * @param step the step, e.g. {@code "lockdown StartSession TLS handshake"}
   * @param message what went wrong
   * @param cause the underlying error, or null
   */
  public TlsHandshakeException(String step, String message, Throwable cause) {
    super(step + ": " + message, cause);
    this.step = step;
  }

  /** The step that failed. */
  public String step() {
    return step;
  }
}
