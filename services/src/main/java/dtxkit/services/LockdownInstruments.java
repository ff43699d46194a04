package dtxkit.services;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.LockdownException;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import java.io.IOException;

/**
 * Instruments through usbmuxd and lockdown (iOS 16 and earlier): {@code StartService} of the Instruments service of
 * the device's iOS version, then DTX on its stream, TLS kept ({@code DVTSecureSocketProxy}, iOS 14-16) or dropped
 * after the handshake ({@code remoteserver}, iOS 13 and earlier).
 */
final class LockdownInstruments {
  private LockdownInstruments() {}

  static DtxConnection open(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record,
      LockdownClient.Options options) throws IOException {
    String version;
    String service;
    DtxTransport stream;
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, options)) {
      version = lockdown.getString(null, "ProductVersion");
      service = Instruments.lockdownServiceFor(version);
      if (service == null) {
        throw new InstrumentsUnavailableException(device.udid(), version, "iOS " + version
            + " offers Instruments only through a tunnel (RSD), not through lockdown: start one (sudo"
            + " pymobiledevice3 remote tunneld) and use --tunneld, or --rsd HOST PORT");
      }
      lockdown.startSession(record);
      try {
        stream = lockdown.openService(usbmux, device, service, record);
      } catch (LockdownException.InvalidServiceException e) {
        throw new InstrumentsUnavailableException(device.udid(), version, "the device " + device.udid()
            + " (iOS " + version + ") has no " + service + ": the developer disk image is not mounted. Mount the"
            + " one for iOS " + version + " from Xcode's DeviceSupport folder: dtxkit mount"
            + " DeviceSupport/" + version + "/DeveloperDiskImage.dmg DeviceSupport/" + version
            + "/DeveloperDiskImage.dmg.signature --usb", e);
      }
    }
    try {
      return DtxConnection.builder(stream).name(service + "-" + device.udid()).connect();
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }
}
