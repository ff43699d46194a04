package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.server.RsdServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared device options: discovery through a tunnel daemon, and the advice printed when there is no tunnel, the
 * port refuses, or the device does not advertise Instruments.
 */
class DeviceSelectionTest {
  static final String UDID = "00008110-001A2B3C4D5E801E";

  @TempDir Path config;
  RsdServer server;
  HttpServer tunneld;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (tunneld != null) {
      tunneld.stop(0);
    }
    System.clearProperty("dtxkit.hostUuidFile");
  }

  /** A local port nothing listens on (bound, then closed). */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  RsdServer startRsd(RsdService... services) throws IOException {
    PeerInfo.Builder info = PeerInfo.builder().udid(UDID).productType("iPhone15,2").osVersion("17.4")
        .buildVersion("21E219");
    for (RsdService s : services) {
      info.service(s);
    }
    server = RsdServer.builder(info.build()).start();
    return server;
  }

  /** A tunneld answering {@code GET /} with {@code body}. */
  String startTunneld(String body) throws IOException {
    tunneld = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tunneld.createContext("/", exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    tunneld.start();
    return "http://127.0.0.1:" + tunneld.getAddress().getPort();
  }

  static void assertAdvice(CliRunner.Result r, String... fragments) {
    assertEquals(1, r.exitCode(), r.err());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), r.err());
    }
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    assertEquals(1, r.err().lines().count(), "one line of advice: " + r.err());
  }

  @Test
  void noTunnelSaysHowToStartOne() throws IOException {
    int port = closedPort();
    CliRunner.Result r = CliRunner.run("rsd", "info", "--tunneld", "http://127.0.0.1:" + port);
    assertAdvice(r, "dtxkit: no tunnel found: no tunneld answers at http://127.0.0.1:" + port + " (connection refused)",
        "start a tunnel: sudo pymobiledevice3 remote tunneld, or pass --rsd HOST PORT, or try --mock");
    assertEquals("", r.out());
  }

  @Test
  void verbosePrintsTheStackTrace() throws IOException {
    CliRunner.Result r = CliRunner.run("rsd", "info", "--verbose", "--tunneld", "http://127.0.0.1:" + closedPort());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("dtxkit: no tunnel found"), r.err());
    assertTrue(r.err().contains("\tat dtxkit.samples.cli.DeviceOptions"), r.err());
  }

  @Test
  void tunneldListingNoDeviceSaysSo() throws IOException {
    String url = startTunneld("{}");
    assertAdvice(CliRunner.run("rsd", "info", "--tunneld", url),
        "no tunnel found: the tunneld at " + url + " lists no device", "sudo pymobiledevice3 remote tunneld");
  }

  @Test
  void tunneldDiscoveryFindsTheDeviceAndUdidPicksIt() throws IOException {
    startRsd(RsdService.of(DeviceSession.DTSERVICEHUB, 50001, false));
    String url = startTunneld("{\"" + UDID + "\": [{\"tunnel-address\": \"127.0.0.1\", \"tunnel-port\": "
        + server.port() + ", \"interface\": \"utun4\"}]}");
    CliRunner.Result r = CliRunner.run("rsd", "info", "--tunneld", url, "--udid", UDID);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("UDID:          " + UDID), r.out());

    assertAdvice(CliRunner.run("rsd", "info", "--tunneld", url, "--udid", "other"),
        "no tunnel found for other: the tunneld at " + url + " lists only " + UDID);
  }

  @Test
  void connectionRefusedNamesTheAddress() throws IOException {
    int port = closedPort();
    assertAdvice(CliRunner.run("rsd", "info", "--rsd", "127.0.0.1", Integer.toString(port)),
        "dtxkit: connection refused by 127.0.0.1:" + port + ": nothing listens there for RSD",
        "sudo pymobiledevice3 remote tunneld");
  }

  @Test
  void serviceNotAdvertisedPointsAtTheDeveloperDiskImage() throws IOException {
    startRsd(RsdService.of("com.apple.mobile.lockdown.remote.untrusted", 50002, true));
    assertAdvice(CliRunner.run("ps", "--rsd", "127.0.0.1", Integer.toString(server.port())),
        "dtxkit: the device " + UDID + " does not advertise com.apple.instruments.dtservicehub: the developer disk"
            + " image is not mounted, or Developer Mode is off",
        "sudo pymobiledevice3 mounter auto-mount");
  }

  @Test
  void advertisedServiceRefusingTheConnection() throws IOException {
    int port = closedPort();
    startRsd(RsdService.of(DeviceSession.DTSERVICEHUB, port, false));
    assertAdvice(CliRunner.run("ps", "--json", "--rsd", "127.0.0.1", Integer.toString(server.port())),
        "dtxkit: connection refused by 127.0.0.1:" + port + " (com.apple.instruments.dtservicehub)");
  }

  @Test
  void rsdPortMustBeANumber() {
    CliRunner.Result r = CliRunner.run("rsd", "info", "--rsd", "127.0.0.1", "http");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--rsd PORT must be a number, not 'http'"), r.err());
  }

  @Test
  void sourcesAreExclusive() {
    CliRunner.Result r = CliRunner.run("rsd", "info", "--mock", "--tunneld");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--tunneld and --mock each pick the device; choose one of"), r.err());
  }
}
