package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dtxkit.runtime.rsd.discovery.TunnelDiscovery;
import dtxkit.runtime.rsd.discovery.TunnelInfo;
import dtxkit.runtime.tunnel.TunDevice;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.services.mock.MockDevice;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code dtxkit tunneld} against an iOS 17.4 mock device: its CoreDeviceProxy tunnel joined to a kernel TUN device,
 * listed in pymobiledevice3's tunneld format, and {@code dtxkit ps --tunneld} through the kernel's TCP to the mock's
 * device-side userspace TCP. Skipped, saying why, where no TUN device can be made.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TunneldTest {
  @Test
  void otherProgramsReachTheDeviceThroughTheKernelsTcp() throws Exception {
    String reason = TunDevice.unavailableReason();
    assumeTrue(reason == null, "skipped: dtxkit tunneld needs a TUN device: " + reason);
    List<String> events = new CopyOnWriteArrayList<>();
    try (MockDevice mock = MockDevice.builder().ios("17.4").start();
        Tunneld tunneld = new Tunneld(start(mock), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            Duration.ofMillis(200), events::add)) {
      for (int i = 0; i < 600 && !tunneld.tunnels().containsKey(mock.udid()); i++) {
        Thread.sleep(50);
      }
      assertTrue(tunneld.tunnels().containsKey(mock.udid()), "events: " + events);
      String url = "http://127.0.0.1:" + tunneld.address().getPort() + "/";
      List<TunnelInfo> listed = new TunnelDiscovery(Duration.ofSeconds(5)).tunneld(URI.create(url));
      assertEquals(1, listed.size());
      assertEquals(mock.udid(), listed.get(0).udid());
      assertEquals(mock.rsdPort(), listed.get(0).rsdPort());
      assertTrue(listed.get(0).address().startsWith("fd"), listed.get(0).address());
      HttpResponse<String> hello = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url + "hello")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, hello.statusCode());
      CliRunner.Result ps = CliRunner.run("ps", "--tunneld=" + url);
      assertEquals(0, ps.exitCode(), ps.err());
      assertTrue(ps.out().contains("SpringBoard"), ps.out());
      assertTrue(events.get(0).startsWith("tunnel to " + mock.udid()), events.toString());
    }
  }

  @Test
  void withoutATunDeviceItSaysWhyAndWhatStillWorks() {
    assumeTrue(TunDevice.unavailableReason() != null, "a TUN device can be made here: the other test runs instead");
    CliRunner.Result r = CliRunner.run("tunneld", "--port", "0", "--duration", "1");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("needs a TUN device") && r.err().contains("--usb"), r.err());
  }

  static UsbmuxClient start(MockDevice mock) {
    mock.pairRecord();
    return UsbmuxClient.create(UsbmuxAddress.unix(mock.usbmuxdSocket()), UsbmuxClient.Options.DEFAULT);
  }
}
