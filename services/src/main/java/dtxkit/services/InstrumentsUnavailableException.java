package dtxkit.services;

import java.io.IOException;

/**
 * The device has no Instruments service this way: the developer disk image is not mounted (iOS 16 and earlier), or
 * the iOS version offers Instruments only through a tunnel (17 and later). The message says what to do.
 */
public final class InstrumentsUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String udid;
  private final String osVersion;

  /**
   * @param udid the device
   * @param osVersion its iOS version
   * @param message what is missing and what to do
   */
  public InstrumentsUnavailableException(String udid, String osVersion, String message) {
    this(udid, osVersion, message, null);
  }

  /**
   * @param udid the device
   * @param osVersion its iOS version
   * @param message what is missing and what to do
   * @param cause the lockdown error, or null
   */
  public InstrumentsUnavailableException(String udid, String osVersion, String message, Throwable cause) {
    super(message, cause);
    this.udid = udid;
    this.osVersion = osVersion;
  }

  /** The device's UDID. */
  public String udid() {
    return udid;
  }

  /** The device's iOS version. */
  public String osVersion() {
    return osVersion;
  }
}
