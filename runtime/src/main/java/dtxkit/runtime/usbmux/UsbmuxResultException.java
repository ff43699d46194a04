package dtxkit.runtime.usbmux;

import java.io.IOException;

/**
 * usbmuxd answered a request with a non-zero {@code Result}: the message says what the number means and what to do.
 */
public class UsbmuxResultException extends IOException {
  private static final long serialVersionUID = 1L;

  /** {@code Result} 1: usbmuxd did not understand the request. */
  public static final int BAD_COMMAND = 1;
  /** {@code Result} 2: no such device (it detached, or the number is stale), or no pair record for it. */
  public static final int BAD_DEVICE = 2;
  /** {@code Result} 3: the device refused the connection: nothing listens on that port. */
  public static final int CONNECTION_REFUSED = 3;
  /** {@code Result} 6: usbmuxd does not speak this protocol version. */
  public static final int BAD_VERSION = 6;

  private final String request;
  private final int result;

  /**
   * @param request the request, e.g. {@code "Connect"}
   * @param result the {@code Number} usbmuxd answered
   * @param detail what the request was about, e.g. {@code "device 3 port 62078"}
   */
  public UsbmuxResultException(String request, int result, String detail) {
    super("usbmuxd " + request + " (" + detail + ") failed: " + meaning(result));
    this.request = request;
    this.result = result;
  }

  /** The request that failed. */
  public String request() {
    return request;
  }

  /** usbmuxd's result number. */
  public int result() {
    return result;
  }

  /**
   * What a result number means, with what to do.
   *
   * @param result the number
   * @return the explanation
   */
  public static String meaning(int result) {
    return switch (result) {
      case BAD_COMMAND -> "result 1, bad command (usbmuxd does not know this request)";
      case BAD_DEVICE -> "result 2, bad device (it is no longer attached, or usbmuxd has nothing for it:"
          + " list the devices again)";
      case CONNECTION_REFUSED -> "result 3, connection refused (nothing listens on that port of the device)";
      case BAD_VERSION -> "result 6, bad version (usbmuxd does not speak the plist protocol)";
      default -> "result " + result;
    };
  }
}
