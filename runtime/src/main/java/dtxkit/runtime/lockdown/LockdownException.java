package dtxkit.runtime.lockdown;

import java.io.IOException;

/**
 * The device's lockdownd answered a request with an {@code Error}. Subclasses name the errors a user can act on, and
 * the message says what to do. {@link #error()} is the device's error string.
 */
public class LockdownException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String request;
  private final String error;

  /**
   * @param request the request, e.g. {@code "StartService com.apple.syslog_relay"}
   * @param error the device's {@code Error} string
   * @param advice what to do about it, or null
   */
  public LockdownException(String request, String error, String advice) {
    super("lockdown " + request + " failed: " + error + (advice == null ? "" : " (" + advice + ")"));
    this.request = request;
    this.error = error;
  }

  /** The request that failed. */
  public String request() {
    return request;
  }

  /** The device's error string, e.g. {@code "InvalidService"}. */
  public String error() {
    return error;
  }

  /**
   * The typed exception for a device error.
   *
   * @param request the request
   * @param error the {@code Error} string
   * @return the exception
   */
  public static LockdownException of(String request, String error) {
    return switch (error) {
      case "PasswordProtected" -> new PasswordProtectedException(request);
      case "InvalidHostID" -> new NotPairedException(request, error,
          "this computer is not paired with the device, or the device forgot the pairing: pair it"
              + " (dtxkit pair) and tap Trust on the device");
      case "InvalidService" -> new InvalidServiceException(request);
      case "PairingDialogResponsePending" -> new PairingDialogPendingException(request);
      case "UserDeniedPairing" -> new LockdownException(request, error,
          "the user tapped Don't Trust on the device: pair again and tap Trust");
      case "SessionInactive", "NoRunningSession" -> new LockdownException(request, error,
          "the lockdown session ended: start a new one");
      default -> new LockdownException(request, error, null);
    };
  }

  /** The device is locked with a passcode: unlock it and try again. */
  public static class PasswordProtectedException extends LockdownException {
    private static final long serialVersionUID = 1L;

    /**
     * @param request the request
     */
    public PasswordProtectedException(String request) {
      super(request, "PasswordProtected", "the device is locked: unlock it (enter the passcode) and try again");
    }
  }

  /**
   * This computer is not paired with the device: there is no pair record, or the device rejects its HostID
   * ({@code InvalidHostID}). Pair it: {@code dtxkit pair}, then tap Trust on the device.
   */
  public static class NotPairedException extends LockdownException {
    private static final long serialVersionUID = 1L;

    /**
     * @param request the request
     * @param error the device's error, or a description of the missing record
     * @param advice what to do
     */
    public NotPairedException(String request, String error, String advice) {
      super(request, error, advice);
    }
  }

  /**
   * The service does not exist on this device: for developer services (Instruments, testmanagerd...) the developer
   * disk image is not mounted ({@code dtxkit mount}), or this iOS version does not have the service (iOS 17+ serves
   * Instruments through RSD).
   */
  public static class InvalidServiceException extends LockdownException {
    private static final long serialVersionUID = 1L;

    /**
     * @param request the request
     */
    public InvalidServiceException(String request) {
      super(request, "InvalidService", "the service does not exist: mount the developer disk image (dtxkit mount)"
          + " for developer services, or this iOS version does not have it (iOS 17+: use a tunnel)");
    }
  }

  /** {@code Pair} is waiting for the user to answer the Trust dialog on the device. */
  public static class PairingDialogPendingException extends LockdownException {
    private static final long serialVersionUID = 1L;

    /**
     * @param request the request
     */
    public PairingDialogPendingException(String request) {
      super(request, "PairingDialogResponsePending", "unlock the device and tap Trust on the dialog");
    }
  }
}
