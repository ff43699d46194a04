package dtxkit.services.lockdown;

import java.io.IOException;

/**
 * A lockdown service answered with an {@code Error}: e.g. installation_proxy's {@code APIInternalError}, the image
 * mounter's {@code ImageMountFailed}. The message carries the service, the command, the error and the device's
 * description.
 */
public class LockdownServiceException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final String detail;

  /**
   * @param service the service that answered
   * @param command the command that failed
   * @param error the device's {@code Error} value
   * @param detail the device's {@code ErrorDescription} or {@code DetailedError}, or null
   */
  public LockdownServiceException(String service, String command, String error, String detail) {
    super(service + " " + command + " failed: " + error + (detail == null ? "" : " (" + detail + ")"));
    this.error = error;
    this.detail = detail;
  }

  /** The device's {@code Error} value, e.g. {@code ApplicationLookupFailed}. */
  public String error() {
    return error;
  }

  /** The device's longer description, or null. */
  public String detail() {
    return detail;
  }
}
