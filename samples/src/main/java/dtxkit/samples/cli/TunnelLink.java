package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.LockdownException;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.tunnel.CoreDeviceTunnel;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.xctest.XcTestDevice;
import java.io.IOException;

/**
 * An iOS 17.4+ phone on a cable reached with nothing else installed: usbmuxd, lockdown, the CoreDeviceProxy tunnel,
 * dtxkit's userspace TCP, then RSD and DTX through it. The tunnel is opened when first needed (lockdown services
 * such as syslog_relay go through usbmuxd directly and do not need it).
 */
final class TunnelLink implements DeviceLink {
  private final UsbmuxClient usbmux;
  private final UsbmuxDevice device;
  private final UsbLink usb;
  private final LockdownClient.Options options;
  private CoreDeviceTunnel tunnel;
  private RsdLink rsd;

  TunnelLink(UsbmuxClient usbmux, UsbmuxDevice device, UsbLink usb, LockdownClient.Options options) {
    this.usbmux = usbmux;
    this.device = device;
    this.usb = usb;
    this.options = options;
  }

  /** Whether a device on this iOS offers CoreDeviceProxy through lockdown: 17.4 and later. */
  static boolean offersTunnel(String iosVersion) {
    String[] parts = iosVersion.strip().split("\\.");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return major > 17 || (major == 17 && minor >= 4);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The tunnel, opened now if it is not yet, with RSD through it. */
  synchronized CoreDeviceTunnel tunnel() {
    if (tunnel == null) {
      CoreDeviceTunnel t;
      try {
        t = CoreDeviceTunnel.connect(usbmux, device, usb.record(), options, CoreDeviceTunnel.Options.DEFAULT);
      } catch (LockdownException.InvalidServiceException e) {
        throw new CliException("the device " + device.udid() + " (iOS " + usb.osVersion() + ") does not offer "
            + CoreDeviceTunnel.SERVICE + ": " + e.getMessage() + "; " + DeviceOptions.START_A_TUNNEL, e);
      } catch (IOException e) {
        throw new CliException("cannot open the CoreDeviceProxy tunnel to " + device.udid() + ": "
            + DeviceOptions.rootMessage(e), e);
      }
      RsdClient client;
      try {
        client = t.connectRsd(RsdClient.Options.DEFAULT);
      } catch (IOException e) {
        t.close();
        throw new CliException("cannot talk RSD to " + device.udid() + " through its tunnel ("
            + t.parameters() + "): " + DeviceOptions.rootMessage(e), e);
      }
      tunnel = t;
      rsd = new RsdLink(client, t.parameters().serverRsdPort(), usb::startService);
    }
    return tunnel;
  }

  private synchronized RsdLink rsdLink() {
    tunnel();
    return rsd;
  }

  @Override
  public String udid() {
    return usb.udid();
  }

  @Override
  public String productType() {
    return usb.productType();
  }

  @Override
  public String osVersion() {
    return usb.osVersion();
  }

  @Override
  public String description() {
    return "CoreDeviceProxy tunnel over " + usb.description();
  }

  @Override
  public DtxConnection openInstruments() {
    return rsdLink().openInstruments();
  }

  @Override
  public ServiceConnection startService(String service) {
    return usb.startService(service);
  }

  @Override
  public RsdClient rsd() {
    return rsdLink().rsd();
  }

  @Override
  public XcTestDevice xcTestDevice() {
    return new RsdXcTestDevice(rsd(), this);
  }

  @Override
  public int rsdPort() {
    return rsdLink().rsdPort();
  }

  @Override
  public synchronized void close() {
    if (rsd != null) {
      rsd.close();
    }
    if (tunnel != null) {
      tunnel.close();
    }
    usb.close();
  }
}
