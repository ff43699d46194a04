package dtxkit.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.server.RsdServer;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.xctest.XcTestDevice;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Finding the mock device as a user finds a device: RSD first, then DTX on the advertised port. */
class InstrumentsRsdTest {

  @Test
  void connectThroughRsdDiscovery() throws Exception {
    try (MockDevice device = MockDevice.start();
        Instruments instruments = Instruments.connect(device.rsdHost(), device.rsdPort())) {
      PeerInfo info = instruments.peerInfo();
      assertEquals(device.udid(), info.udid());
      assertEquals(device.identity().productType(), info.productType());
      assertEquals(device.identity().osVersion(), info.osVersion());
      assertEquals(device.dtxPort(), info.service(MockDevice.DTSERVICEHUB).port());
      assertEquals(Set.of(MockDevice.DTSERVICEHUB, InstallationProxy.SHIM_SERVICE, XcTestDevice.TESTMANAGERD_REMOTE),
          info.services().keySet(), "advertises only what it serves");
      assertFalse(info.service(MockDevice.DTSERVICEHUB).needsCheckin());
      assertEquals(1, instruments.processes().stream().filter(p -> p.name().equals("launchd")).count());
      assertTrue(instruments.connection().isOpen());
    }
  }

  @Test
  void jsonLineForOtherTools() throws Exception {
    try (MockDevice device = MockDevice.start()) {
      assertEquals("{\"rsdHost\": \"127.0.0.1\", \"rsdPort\": " + device.rsdPort() + ", \"udid\": \""
          + device.udid() + "\", \"osVersion\": \"17.4\", \"usbmuxd\": \"" + device.usbmuxdSocket()
          + "\", \"usbmuxdTcp\": \"127.0.0.1:" + device.usbmuxdTcp().getPort()
          + "\", \"services\": {\"com.apple.instruments.dtservicehub\": " + device.dtxPort()
          + ", \"com.apple.mobile.installation_proxy.shim.remote\": "
          + device.peerInfo().service(InstallationProxy.SHIM_SERVICE).port()
          + ", \"com.apple.dt.testmanagerd.remote\": "
          + device.peerInfo().service(XcTestDevice.TESTMANAGERD_REMOTE).port() + "}}",
          device.toJson());
      assertFalse(device.toJson().contains("\n"));
    }
  }

  @Test
  void ipv6Loopback() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    Assumptions.assumeTrue(v6 instanceof Inet6Address && NetworkInterface.getByInetAddress(v6) != null,
        "no IPv6 loopback on this machine");
    try (MockDevice device = MockDevice.builder().host(v6).start();
        Instruments instruments = Instruments.connect(device.rsdHost(), device.rsdPort())) {
      assertEquals("0:0:0:0:0:0:0:1", device.rsdHost());
      assertEquals("/sbin/launchd", instruments.execname(1));
    }
  }

  @Test
  void aDeviceWithoutTheServiceSaysWhatToDo() throws Exception {
    PeerInfo info = PeerInfo.builder().udid("00008030-0000000000000001").productType("iPhone12,1")
        .osVersion("17.0").buildVersion("21A329")
        .service(RsdService.of("com.apple.mobile.lockdown.remote.untrusted", 50_000, false)).build();
    try (RsdServer server = RsdServer.builder(info).start()) {
      IOException e = assertThrows(IOException.class,
          () -> Instruments.connect(server.address().getHostAddress(), server.port()));
      assertTrue(e.getMessage().contains("does not advertise " + Instruments.DTSERVICEHUB), e.getMessage());
      assertTrue(e.getMessage().contains("Developer Disk Image"), e.getMessage());
    }
  }

  @Test
  void nothingListeningIsAnIoException() throws Exception {
    int port;
    try (MockDevice device = MockDevice.start()) {
      port = device.rsdPort();
    }
    assertThrows(IOException.class, () -> Instruments.connect("127.0.0.1", port));
  }
}
