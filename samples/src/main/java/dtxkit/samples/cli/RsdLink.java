package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.xctest.XcTestDevice;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A device reached through RSD: a tunnel's address (iOS 17+), or the mock device's RSD port. */
final class RsdLink implements DeviceLink {
  private static final Logger log = LoggerFactory.getLogger(RsdLink.class);

  private final RsdClient rsd;
  private final int rsdPort;
  private final Function<String, ServiceConnection> lockdownServices;

  /**
   * @param rsd the connected client; the link owns it
   * @param rsdPort its port
   * @param lockdownServices opens lockdown services another way (the in-process mock), or null when there is none
   */
  RsdLink(RsdClient rsd, int rsdPort, Function<String, ServiceConnection> lockdownServices) {
    this.rsd = rsd;
    this.rsdPort = rsdPort;
    this.lockdownServices = lockdownServices;
  }

  @Override
  public String udid() {
    return rsd.peerInfo().udid();
  }

  @Override
  public String productType() {
    return rsd.peerInfo().productType();
  }

  @Override
  public String osVersion() {
    return rsd.peerInfo().osVersion();
  }

  @Override
  public String description() {
    return "RSD " + rsd.address().getHostAddress() + ":" + rsdPort;
  }

  @Override
  public RsdClient rsd() {
    return rsd;
  }

  @Override
  public XcTestDevice xcTestDevice() {
    return new RsdXcTestDevice(rsd, this);
  }

  @Override
  public int rsdPort() {
    return rsdPort;
  }

  @Override
  public DtxConnection openInstruments() {
    String service = DeviceSession.DTSERVICEHUB;
    PeerInfo info = rsd.peerInfo();
    if (info.service(service) == null) {
      throw new CliException("the device " + info.udid() + " does not advertise " + service
          + ": the developer disk image is not mounted, or Developer Mode is off. Enable Developer Mode"
          + " (Settings > Privacy & Security), mount the image (sudo pymobiledevice3 mounter auto-mount),"
          + " then try again");
    }
    String where = rsd.address().getHostAddress() + ":" + info.service(service).port();
    Socket socket;
    try {
      socket = rsd.openService(service);
    } catch (IOException e) {
      if (DeviceOptions.hasCause(e, ConnectException.class)) {
        throw new CliException("connection refused by " + where + " (" + service + "): the device advertises it"
            + " but nothing listens; reconnect the device or restart the tunnel", e);
      }
      throw new CliException("cannot open " + service + " at " + where + ": " + DeviceOptions.rootMessage(e), e);
    }
    try {
      log.debug("connected to {} at {}", service, where);
      return DtxConnection.builder(DtxTransport.of(socket)).name(service).connect();
    } catch (IOException | DtxException e) {
      throw new CliException("the DTX handshake with " + service + " at " + where + " failed: "
          + DeviceOptions.rootMessage(e), e);
    }
  }

  @Override
  public ServiceConnection startService(String service) {
    if (lockdownServices == null) {
      throw new CliException(service + " is a lockdown service, which dtxkit reaches through usbmuxd: connect"
          + " the device by USB and use --usb (a tunnel reaches only the RSD services)");
    }
    return lockdownServices.apply(service);
  }

  @Override
  public void close() {
    rsd.close();
  }
}
