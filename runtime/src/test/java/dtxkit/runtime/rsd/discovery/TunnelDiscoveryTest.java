package dtxkit.runtime.rsd.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tunnel discovery against a local HTTP server serving tunneld's and go-ios's JSON shapes. */
class TunnelDiscoveryTest {
  HttpServer http;
  URI base;
  final TunnelDiscovery discovery = new TunnelDiscovery(Duration.ofSeconds(10));

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serve("/", "{\"00008110-001A2B3C4D5E801E\": [{\"tunnel-address\": \"fd35:d15c:6a3e::1\", \"tunnel-port\": 60123,"
        + " \"interface\": \"utun4\", \"extra\": {\"nested\": [1, 2]}}],"
        + " \"00008030-000A11112222802E\": [{\"tunnel-address\": \"fdb1::1\", \"tunnel-port\": 51000,"
        + " \"interface\": \"pytun-1\"}]}");
    serve("/tunnels", "[{\"address\": \"fd12:3456::1\", \"rsdPort\": 58783, \"udid\": \"00008110-001A2B3C4D5E801E\","
        + " \"userspaceTun\": false, \"userspaceTunPort\": 0}]");
    http.start();
    base = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
  }

  void serve(String path, String body) {
    http.createContext(path, exchange -> {
      byte[] bytes = (exchange.getRequestURI().getPath().equals(path) ? body : "{}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  @Test
  void tunneldListing() throws Exception {
    List<TunnelInfo> tunnels = discovery.tunneld(base);
    assertEquals(List.of(
        new TunnelInfo("00008110-001A2B3C4D5E801E", "fd35:d15c:6a3e::1", 60123, "utun4", "tunneld"),
        new TunnelInfo("00008030-000A11112222802E", "fdb1::1", 51000, "pytun-1", "tunneld")), tunnels);
  }

  @Test
  void goIosAgentListing() throws Exception {
    assertEquals(List.of(new TunnelInfo("00008110-001A2B3C4D5E801E", "fd12:3456::1", 58783, null, "go-ios")),
        discovery.goIosAgent(base));
  }

  @Test
  void malformedListingsNameTheMissingField() {
    IOException e = assertThrows(IOException.class,
        () -> TunnelDiscovery.parseTunneld("{\"u\": [{\"tunnel-address\": \"::1\"}]}"));
    assertEquals("tunnel daemon listing has no u.tunnel-port", e.getMessage());
    e = assertThrows(IOException.class, () -> TunnelDiscovery.parseGoIos("{\"address\": 1}"));
    assertTrue(e.getMessage().startsWith("unexpected JSON for go-ios tunnel list"), e.getMessage());
    assertEquals(List.of(), assertDoesNotThrowList("null"));
  }

  static List<TunnelInfo> assertDoesNotThrowList(String json) {
    try {
      return TunnelDiscovery.parseGoIos(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void noDaemonIsAClearError() throws Exception {
    int port;
    try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }
    IOException e = assertThrows(IOException.class,
        () -> discovery.tunneld(URI.create("http://127.0.0.1:" + port + "/")));
    assertTrue(e.getMessage().startsWith("no tunnel daemon answers at http://127.0.0.1:" + port), e.getMessage());
  }
}
