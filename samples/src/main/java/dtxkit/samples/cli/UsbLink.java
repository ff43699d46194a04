package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.LockdownException;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import dtxkit.services.InstrumentsUnavailableException;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.xctest.XcTestDevice;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** A device reached through usbmuxd and lockdown: a phone on a cable (or on the network, as usbmuxd lists it). */
final class UsbLink implements DeviceLink {
  private final UsbmuxClient usbmux;
  private final UsbmuxDevice device;
  private final PairRecord record;
  private final String productType;
  private final String osVersion;
  private final LockdownClient.Options options;

  private UsbLink(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record, String productType,
      String osVersion, LockdownClient.Options options) {
    this.usbmux = usbmux;
    this.device = device;
    this.record = record;
    this.productType = productType;
    this.osVersion = osVersion;
    this.options = options;
  }

  /** What usbmuxd lists, turning "nothing listens" into advice. */
  static List<UsbmuxDevice> devices(UsbmuxClient usbmux) {
    try {
      return usbmux.devices();
    } catch (IOException e) {
      throw new CliException("cannot reach usbmuxd at " + usbmux.address() + ": " + DeviceOptions.rootMessage(e)
          + " (is the device plugged in and usbmuxd running? Set USBMUXD_SOCKET_ADDRESS for another address)", e);
    }
  }

  /** The one device to use: the one with {@code udid}, or the only one. */
  static UsbmuxDevice pick(UsbmuxClient usbmux, List<UsbmuxDevice> devices, String udid) {
    List<UsbmuxDevice> matching = devices.stream().filter(d -> udid == null || d.udid().equals(udid)).toList();
    if (matching.isEmpty()) {
      if (udid != null && !devices.isEmpty()) {
        throw new CliException("no device " + udid + " on usbmuxd at " + usbmux.address() + "; it lists "
            + devices.stream().map(UsbmuxDevice::udid).distinct().collect(Collectors.joining(", ")));
      }
      throw new CliException("usbmuxd at " + usbmux.address() + " lists no device: plug the phone in, unlock it and"
          + " tap Trust (dtxkit devices lists what it sees)");
    }
    List<String> udids = matching.stream().map(UsbmuxDevice::udid).distinct().toList();
    if (udids.size() > 1) {
      throw new CliException("usbmuxd at " + usbmux.address() + " lists " + udids.size() + " devices ("
          + String.join(", ", udids) + "); pick one with --udid");
    }
    return matching.stream().filter(UsbmuxDevice::isUsb).findFirst().orElse(matching.get(0));
  }

  /**
   * Reads the device's type and version through lockdown (no session needed) and finds its pair record.
   *
   * @throws CliException with advice when lockdown cannot be reached or the device is not paired
   */
  static UsbLink open(UsbmuxClient usbmux, UsbmuxDevice device, LockdownClient.Options options) {
    String[] values = values(usbmux, device, options);
    PairRecord record;
    try {
      record = PairRecordStore.defaults().require(usbmux, device.udid());
    } catch (LockdownException e) {
      throw new CliException("the device " + device.udid() + " is not paired with this computer: run dtxkit pair"
          + " --usb, unlock the phone and tap Trust (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new CliException("cannot read the pair record of " + device.udid() + ": " + DeviceOptions.rootMessage(e),
          e);
    }
    return new UsbLink(usbmux, device, record, values[0], values[1], options);
  }

  /** ProductType and ProductVersion, read without a session. */
  static String[] values(UsbmuxClient usbmux, UsbmuxDevice device, LockdownClient.Options options) {
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, options)) {
      return new String[] {lockdown.getString(null, "ProductType"), lockdown.getString(null, "ProductVersion")};
    } catch (IOException e) {
      throw new CliException("cannot talk to lockdown on " + device.udid() + " through usbmuxd at "
          + usbmux.address() + ": " + DeviceOptions.rootMessage(e), e);
    }
  }

  /** The pair record found for the device. */
  PairRecord record() {
    return record;
  }

  @Override
  public String udid() {
    return device.udid();
  }

  @Override
  public String productType() {
    return productType;
  }

  @Override
  public String osVersion() {
    return osVersion;
  }

  @Override
  public String description() {
    return "usbmuxd " + usbmux.address() + " (" + device.connectionType() + ", iOS " + osVersion + ")";
  }

  @Override
  public DtxConnection openInstruments() {
    try {
      return Instruments.openLockdownConnection(usbmux, device, record, options);
    } catch (InstrumentsUnavailableException e) {
      throw new CliException(e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException("cannot open Instruments on " + device.udid() + " through lockdown: "
          + DeviceOptions.rootMessage(e), e);
    }
  }

  @Override
  public ServiceConnection startService(String service) {
    DtxTransport stream;
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, options)) {
      lockdown.startSession(record);
      stream = lockdown.openService(usbmux, device, service, record);
    } catch (LockdownException.InvalidServiceException e) {
      throw new CliException("the device " + device.udid() + " (iOS " + osVersion + ") does not offer " + service
          + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException("cannot start " + service + " on " + device.udid() + ": "
          + DeviceOptions.rootMessage(e), e);
    }
    try {
      return ServiceConnection.over(stream);
    } catch (IOException e) {
      try {
        stream.close();
      } catch (IOException ignored) {
        // Failing anyway.
      }
      throw new CliException("cannot use " + service + "'s stream: " + DeviceOptions.rootMessage(e), e);
    }
  }

  @Override
  public RsdClient rsd() {
    return null;
  }

  @Override
  public XcTestDevice xcTestDevice() {
    return XcTestDevice.lockdown(usbmux, device, record, options);
  }

  @Override
  public int rsdPort() {
    return 0;
  }

  @Override
  public void close() {
    // Each use opened and closed its own usbmuxd connections.
  }
}
