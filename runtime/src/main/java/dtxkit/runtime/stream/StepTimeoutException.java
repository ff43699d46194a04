package dtxkit.runtime.stream;

import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A step of a protocol exchange (connecting to usbmuxd, one lockdown request and its reply, a TLS handshake) did not
 * finish within its timeout. The stream it ran on has been closed: the exchange cannot continue.
 */
public class StepTimeoutException extends InterruptedIOException {
  private static final long serialVersionUID = 1L;

  private final String step;
  private final Duration timeout;

  /**
   * @param step the step that timed out, e.g. {@code "lockdown StartSession"}
   * @param timeout the timeout it had
   */
  public StepTimeoutException(String step, Duration timeout) {
    super(step + " did not complete within " + timeout.toMillis() + " ms"
        + " (the peer stopped answering; raise the timeout if the device is slow)");
    this.step = step;
    this.timeout = timeout;
  }

  /** The step that timed out. */
  public String step() {
    return step;
  }

  /** The timeout the step had. */
  public Duration timeout() {
    return timeout;
  }
}
