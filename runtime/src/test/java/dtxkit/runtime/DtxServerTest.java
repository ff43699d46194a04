package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link DtxServer}: many clients at once over TCP, any-address and scoped IPv6 binding, clean stop. */
class DtxServerTest {

  private static DtxServiceRegistry registry() {
    return new DtxServiceRegistry().register(TestService.ID, TestService::new);
  }

  @Test
  void servesManyClientsAtOnceAndStopsCleanly() throws Exception {
    DtxServer server = DtxServer.builder(registry())
        .configureConnections(b -> b.capabilities(Map.of("com.apple.instruments.server.services.deviceinfo", 1)))
        .start();
    assertTrue(server.address().getAddress().isLoopbackAddress());
    List<CompletableFuture<Object>> clients = new ArrayList<>();
    List<DtxConnection> connections = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      int n = i;
      clients.add(CompletableFuture.supplyAsync(() -> {
        try {
          DtxConnection c = DtxConnection.connect("127.0.0.1", server.port());
          connections.add(c);
          assertEquals(1, c.peerCapabilities().get("com.apple.instruments.server.services.deviceinfo"));
          DtxChannel channel = c.openChannel(TestService.ID);
          return channel.invoke("echo:", DtxArgument.object("client " + n));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));
    }
    for (int i = 0; i < clients.size(); i++) {
      assertEquals("client " + i, clients.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(8, server.connections().size());
    server.close();
    for (DtxConnection c : connections) {
      c.closeFuture().get(10, TimeUnit.SECONDS);
      assertFalse(c.isOpen());
    }
    assertTrue(server.connections().isEmpty());
    assertThrows(IOException.class, () -> DtxTransport.tcp("127.0.0.1", server.port()).close());
  }

  @Test
  void anyAddressAcceptsIpv4AndIpv6() throws Exception {
    try (DtxServer server = DtxServer.builder(registry()).anyAddress().start()) {
      assertTrue(server.address().getAddress().isAnyLocalAddress());
      for (String host : List.of("127.0.0.1", "::1")) {
        try (DtxConnection c = DtxConnection.connect(host, server.port())) {
          assertEquals(host, c.openChannel(TestService.ID).invoke("echo:", DtxArgument.object(host)));
        }
      }
    }
  }

  @Test
  void scopedLinkLocalIpv6() throws Exception {
    Inet6Address linkLocal = null;
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet6Address v6 && v6.isLinkLocalAddress() && nif.isUp()) {
          linkLocal = v6;
        }
      }
    }
    // This machine has fe80::...%eth0; a machine without any link-local address cannot run this check.
    org.junit.jupiter.api.Assumptions.assumeTrue(linkLocal != null, "no link-local IPv6 address on this host");
    try (DtxServer server = DtxServer.builder(registry()).bindAddress(linkLocal).start()) {
      String host = linkLocal.getHostAddress();
      assertTrue(host.contains("%"), "scoped literal: " + host);
      try (DtxConnection c = DtxConnection.connect(host, server.port())) {
        assertEquals("scoped", c.openChannel(TestService.ID).invoke("echo:", DtxArgument.object("scoped")));
      }
    }
  }
}
