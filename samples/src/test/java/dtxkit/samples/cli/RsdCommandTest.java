package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.server.RsdServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dtxkit rsd info} against dtxkit's RSD server. */
class RsdCommandTest {
  RsdServer server;
  @TempDir Path config;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
    server = RsdServer.builder(PeerInfo.builder()
            .udid("00008110-001A2B3C4D5E801E").productType("iPhone15,2").osVersion("17.4").buildVersion("21E219")
            .service(RsdService.of("com.apple.instruments.dtservicehub", 50001, false))
            .service(RsdService.of("com.apple.mobile.lockdown.remote.untrusted", 50002, true))
            .build())
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
    System.clearProperty("dtxkit.hostUuidFile");
  }

  String run(String... args) {
    CommandLine cli = DtxkitCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  @Test
  void infoPrintsPeerInfoAndServiceTable() {
    String out = run("rsd", "info", "--rsd", "127.0.0.1", Integer.toString(server.port()));
    assertTrue(out.contains("UDID:          00008110-001A2B3C4D5E801E"), out);
    assertTrue(out.contains("Product type:  iPhone15,2"), out);
    assertTrue(out.contains("OS version:    17.4"), out);
    assertTrue(out.contains("Build:         21E219"), out);
    assertTrue(out.matches("(?s).*com\\.apple\\.instruments\\.dtservicehub\\s+50001  raw.*"), out);
    assertTrue(out.matches("(?s).*com\\.apple\\.mobile\\.lockdown\\.remote\\.untrusted\\s+50002  RemoteXPC.*"), out);
  }

  @Test
  void infoAsJson() {
    String out = run("rsd", "info", "--rsd", "127.0.0.1", Integer.toString(server.port()), "--json");
    assertTrue(out.contains("\"udid\" : \"00008110-001A2B3C4D5E801E\""), out);
    assertTrue(out.matches("(?s).*\"com\\.apple\\.instruments\\.dtservicehub\" : \\{\\s*\"port\" : 50001.*"), out);
    assertTrue(out.contains("\"usesRemoteXPC\" : true"), out);
  }

  @Test
  void unreachableRsdIsAnErrorExit() {
    CommandLine cli = DtxkitCli.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code = cli.execute("rsd", "info", "--rsd", "127.0.0.1", "1");
    assertEquals(1, code);
    assertTrue(err.toString().contains("connection refused by 127.0.0.1:1"), err.toString());
  }

  @Test
  void infoThroughTunneldAndGoIosAgentListings() throws Exception {
    com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    String tunneld = "{\"00008030-000000000000002E\": [{\"tunnel-address\": \"127.0.0.2\", \"tunnel-port\": 1,"
        + " \"interface\": \"utun9\"}], \"00008110-001A2B3C4D5E801E\": [{\"tunnel-address\": \"127.0.0.1\","
        + " \"tunnel-port\": " + server.port() + ", \"interface\": \"utun4\"}]}";
    String goIos = "[{\"address\": \"::1\", \"rsdPort\": 1, \"udid\": \"other\"}, {\"address\": \"127.0.0.1\","
        + " \"rsdPort\": " + server.port() + ", \"udid\": \"00008110-001A2B3C4D5E801E\", \"userspaceTun\": false}]";
    http.createContext("/", exchange -> {
      byte[] body = (exchange.getRequestURI().getPath().equals("/tunnels") ? goIos : tunneld)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
      String viaTunneld = run("rsd", "info", "--tunneld", url, "--udid", "00008110-001A2B3C4D5E801E");
      assertTrue(viaTunneld.contains("UDID:          00008110-001A2B3C4D5E801E"), viaTunneld);
      String viaGoIos = run("rsd", "info", "--go-ios", url, "--udid", "00008110-001A2B3C4D5E801E", "--json");
      assertTrue(viaGoIos.contains("\"productType\" : \"iPhone15,2\""), viaGoIos);
    } finally {
      http.stop(0);
    }
  }
}
