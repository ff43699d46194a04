package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.xctest.XcTestDevice;

/**
 * How one command reached its device: through RSD (a tunnel, iOS 17+) or through usbmuxd and lockdown (a cable,
 * any iOS). Everything a command needs from the device goes through here; {@link DeviceSession} owns it.
 */
interface DeviceLink extends AutoCloseable {
  /** The device's UDID. */
  String udid();

  /** e.g. {@code iPhone15,4}. */
  String productType();

  /** e.g. {@code 17.4}. */
  String osVersion();

  /** How the device was reached, for the note on standard error, e.g. {@code usbmuxd /var/run/usbmuxd (USB)}. */
  String description();

  /**
   * Opens a new DTX connection to Instruments.
   *
   * @throws CliException with advice (developer disk image, tunnel, ...)
   */
  DtxConnection openInstruments();

  /**
   * Starts a lockdown service ({@code installation_proxy}, {@code syslog_relay}, ...) and returns its stream.
   *
   * @throws CliException with advice when the service cannot be had this way
   */
  ServiceConnection startService(String service);

  /** The RSD client when the device was reached through RSD, else null. */
  RsdClient rsd();

  /** The RSD port when reached through RSD, else 0. */
  int rsdPort();

  /** The device as an XCTest run needs it (testmanagerd, Instruments, installation_proxy, house_arrest). */
  XcTestDevice xcTestDevice();

  @Override
  void close();
}
