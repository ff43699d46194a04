package dtxkit.runtime.rsd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RemoteXpcConnection;
import dtxkit.runtime.rsd.RsdCheckin;
import dtxkit.runtime.rsd.RsdCheckinException;
import dtxkit.runtime.rsd.RsdProtocolException;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.server.RsdCheckinResponder;
import dtxkit.runtime.rsd.server.RsdServer;
import dtxkit.runtime.xpc.XpcData;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcInt64;
import dtxkit.runtime.xpc.XpcMessage;
import dtxkit.runtime.xpc.XpcString;
import dtxkit.runtime.xpc.XpcUInt64;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dtxkit's RSD client against dtxkit's RSD server over real TCP. */
public class RsdClientServerTest {
  public static final UUID HOST = UUID.fromString("2C1E5B1F-6B71-4F0A-9B3A-5E3D7F1C0A11");
  public static final RsdClient.Options OPTIONS = RsdClient.Options.DEFAULT.withHostUuid(HOST);

  public static PeerInfo.Builder device() {
    return PeerInfo.builder()
        .udid("00008110-001A2B3C4D5E801E").productType("iPhone15,2").osVersion("17.4").buildVersion("21E219")
        .property("UniqueChipID", new XpcUInt64(0x1A2B3C4D5E801EL))
        .service(RsdService.of("com.apple.instruments.dtservicehub", 50001, false))
        .service(RsdService.of("com.apple.dt.testmanagerd.remote", 50002, false));
  }

  void connectsAndReadsPeerInfo(InetAddress bind, String host) throws Exception {
    PeerInfo info = device().build();
    try (RsdServer server = RsdServer.builder(info).bindAddress(bind).start();
        RsdClient client = RsdClient.connect(host, server.port(), OPTIONS)) {
      PeerInfo got = client.peerInfo();
      assertEquals("00008110-001A2B3C4D5E801E", got.udid());
      assertEquals("iPhone15,2", got.productType());
      assertEquals("17.4", got.osVersion());
      assertEquals("21E219", got.buildVersion());
      assertEquals(info.services(), got.services());
      assertEquals(50001, got.service("com.apple.instruments.dtservicehub").port());
      assertEquals(info.toXpc(), got.toXpc());
    }
  }

  @Test
  void clientAndServerOverIpv4() throws Exception {
    connectsAndReadsPeerInfo(InetAddress.getByName("127.0.0.1"), "127.0.0.1");
  }

  @Test
  void clientAndServerOverIpv6LoopbackInBrackets() throws Exception {
    connectsAndReadsPeerInfo(InetAddress.getByName("::1"), "[::1]");
  }

  @Test
  void hostUuidIsSentAndTheServerAcceptsTheHandshakeAfterThePeerInfo() throws Exception {
    List<Object> seen = new ArrayList<>();
    try (RsdServer server = RsdServer.builder(device().build()).resetRootAfterPeerInfo(false)
            .requestHandler(r -> XpcDictionary.empty()).start();
        RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
      // The Handshake went out on stream 1 before this request; the server reads stream 1 in order, so once the
      // reply is here the Handshake (sent after the unsolicited peer info) has been accepted without an answer.
      client.xpc().request(XpcDictionary.builder().put("x", "y").build()).get(20, TimeUnit.SECONDS);
      seen.add(server.clientHandshakes());
      seen.add(server.unhandledMessages());
    }
    assertEquals(List.of(1L, 0L), seen);
  }

  @Test
  void peerInfoLargerThanEveryWindowArrivesInManyFrames() throws Exception {
    byte[] big = new byte[3 << 20];
    new Random(7).nextBytes(big);
    PeerInfo info = device().property("Blob", new XpcData(big)).build();
    RsdClient.Options small = new RsdClient.Options(HOST, Duration.ofSeconds(10), Duration.ofSeconds(30), "dtxkit",
        new RemoteXpcConnection.Options(65_535, 65_535, Duration.ofSeconds(10),
            dtxkit.runtime.xpc.XpcLimits.DEFAULT, 16));
    try (RsdServer server = RsdServer.builder(info).start();
        RsdClient client = RsdClient.connect("127.0.0.1", server.port(), small)) {
      assertEquals(new XpcData(big), client.peerInfo().properties().get("Blob"));
    }
  }

  @Test
  void concurrentRequestsOnOneConnectionAreMatchedById() throws Exception {
    int n = 16;
    CountDownLatch allArrived = new CountDownLatch(n);
    RsdServer.RequestHandler handler = request -> {
      allArrived.countDown();
      // Every request must be in flight at once before any is answered: no lock serialises round trips.
      if (!allArrived.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("requests were not concurrent");
      }
      return XpcDictionary.builder().put("echo", request.dictionary().get("n")).build();
    };
    try (RsdServer server = RsdServer.builder(device().build()).resetRootAfterPeerInfo(false)
            .requestHandler(handler).start();
        RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
      List<CompletableFuture<XpcMessage>> replies = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        XpcDictionary body = XpcDictionary.builder().put("n", new XpcInt64(i)).build();
        CompletableFuture<XpcMessage> f = new CompletableFuture<>();
        replies.add(f);
        Thread t = new Thread(() -> client.xpc().request(body).whenComplete((m, e) -> {
          if (e != null) {
            f.completeExceptionally(e);
          } else {
            f.complete(m);
          }
        }));
        threads.add(t);
        t.start();
      }
      for (int i = 0; i < n; i++) {
        XpcMessage reply = replies.get(i).get(30, TimeUnit.SECONDS);
        assertEquals(new XpcInt64(i), reply.dictionary().get("echo"));
      }
    }
  }

  @Test
  void shimServiceGetsRsdCheckinAndDtxServiceDoesNot() throws Exception {
    try (RsdCheckinResponder shim = new RsdCheckinResponder(InetAddress.getLoopbackAddress(),
            (socket, label) -> socket.getOutputStream().write(("hello " + label).getBytes(StandardCharsets.UTF_8)));
        java.net.ServerSocket dtx = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      PeerInfo info = device()
          .service(RsdService.of("com.apple.instruments.dtservicehub", dtx.getLocalPort(), false))
          .service(RsdService.of("com.apple.accessibility.axAuditDaemon.remoteserver.shim.remote", shim.port(),
              false))
          .build();
      try (RsdServer server = RsdServer.builder(info).start();
          RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
        try (Socket s = client.openService("com.apple.accessibility.axAuditDaemon.remoteserver.shim.remote")) {
          s.setSoTimeout(20_000);
          assertEquals("hello dtxkit", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        try (Socket s = client.openService("com.apple.instruments.dtservicehub"); Socket peer = dtx.accept()) {
          // DTX from the first byte: nothing was written by the client.
          s.getOutputStream().write(0x79);
          peer.setSoTimeout(20_000);
          assertEquals(0x79, peer.getInputStream().read());
        }
        IOException missing = assertThrows(IOException.class, () -> client.openService("com.apple.nope"));
        assertTrue(missing.getMessage().contains("does not advertise com.apple.nope"), missing.getMessage());
      }
    }
  }

  @Test
  void checkinErrorIsReported() throws Exception {
    try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = ss.accept()) {
          RsdCheckin.respond(s.getInputStream(), s.getOutputStream(), "ServiceProhibited");
        } catch (IOException expected) {
          // respond() throws after sending the error.
        }
      });
      t.start();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
        RsdCheckinException e = assertThrows(RsdCheckinException.class,
            () -> RsdCheckin.perform(s.getInputStream(), s.getOutputStream(), "dtxkit"));
        assertEquals("ServiceProhibited", e.error());
      }
      t.join();
    }
  }

  @Test
  void connectingToANonRsdPortFailsWithoutHanging() throws Exception {
    try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = ss.accept()) {
          s.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getInputStream().readAllBytes();
        } catch (IOException ignored) {
          // The client closing is the point.
        }
      });
      t.start();
      IOException e = assertThrows(IOException.class, () -> RsdClient.connect("127.0.0.1", ss.getLocalPort(),
          OPTIONS));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      t.join();
    }
  }

  @Test
  void peerInfoWithoutUdidIsAProtocolError() {
    XpcDictionary d = XpcDictionary.builder().put("Properties", XpcDictionary.builder()
        .put("ProductType", "iPhone15,2").build()).build();
    RsdProtocolException e = assertThrows(RsdProtocolException.class, () -> PeerInfo.fromXpc(d));
    assertEquals("bad Properties.UniqueDeviceID nothing (expected a string)", e.getMessage());
    XpcDictionary badPort = XpcDictionary.builder()
        .put("Properties", XpcDictionary.builder().put("UniqueDeviceID", "u").put("ProductType", "p").build())
        .put("Services", XpcDictionary.builder().put("svc", XpcDictionary.builder()
            .put("Port", new XpcString("http")).build()).build())
        .build();
    assertEquals("bad Services.svc.Port \"http\" (expected a decimal port)",
        assertThrows(RsdProtocolException.class, () -> PeerInfo.fromXpc(badPort)).getMessage());
  }

  @Test
  void hostUuidIsPersistedAndReused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nested/dtxkit/host-uuid");
    UUID first = HostUuidStore.loadOrCreate(file);
    assertEquals(first, HostUuidStore.loadOrCreate(file));
    assertEquals(first.toString().toUpperCase(), Files.readString(file).trim());
    Files.writeString(file, "not a uuid");
    IOException e = assertThrows(IOException.class, () -> HostUuidStore.loadOrCreate(file));
    assertTrue(e.getMessage().contains("does not hold a UUID"));
  }

  @Test
  void manyClientsAtOnceThenTheServerStopsCleanly() throws Exception {
    PeerInfo info = device().build();
    RsdServer server = RsdServer.builder(info).resetRootAfterPeerInfo(false).start();
    int n = 8;
    List<CompletableFuture<RsdClient>> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<RsdClient> f = new CompletableFuture<>();
      clients.add(f);
      new Thread(() -> {
        try {
          f.complete(RsdClient.connect("127.0.0.1", server.port(), OPTIONS));
        } catch (Throwable e) {
          f.completeExceptionally(e);
        }
      }).start();
    }
    List<RsdClient> connected = new ArrayList<>();
    for (CompletableFuture<RsdClient> f : clients) {
      RsdClient c = f.get(30, TimeUnit.SECONDS);
      connected.add(c);
      assertEquals(info.toXpc(), c.peerInfo().toXpc());
    }
    assertEquals(n, server.acceptedConnections());
    // close() joins the accept thread and every connection's threads, with all eight clients still connected.
    server.close();
    for (RsdClient c : connected) {
      IOException e = assertThrows(IOException.class, () -> c.xpc().awaitMessage(m -> true, Duration.ofSeconds(20)));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      assertTrue(c.xpc().isClosed());
      c.close();
    }
    assertThrows(IOException.class, () -> RsdClient.connect("127.0.0.1", server.port(), OPTIONS));
  }

  @Test
  void hostsMayBeIpv6LiteralsWithScopeOrBrackets() throws Exception {
    java.net.Inet6Address scoped = (java.net.Inet6Address) RsdClient.resolve("fe80::1%1");
    assertEquals(1, scoped.getScopeId());
    assertEquals("fd35:d15c:6a3e:0:0:0:0:1", RsdClient.resolve("[fd35:d15c:6a3e::1]").getHostAddress());
    assertEquals("[::1]:58783".replace("::1", "0:0:0:0:0:0:0:1"),
        RsdClient.format(RsdClient.resolve("::1"), 58783));
  }

  @Test
  void serverHostsACheckinServiceAndAdvertisesItsPort() throws Exception {
    String name = "com.apple.instruments.dtservicehub.shim.remote";
    try (RsdServer server = RsdServer.builder(device().build())
            .checkinService(name, (socket, label) -> socket.getOutputStream().write(label.length()))
            .start();
        RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
      RsdService advertised = client.peerInfo().service(name);
      assertEquals(server.peerInfo().service(name), advertised);
      assertTrue(advertised.needsCheckin());
      try (Socket s = client.openService(name)) {
        s.setSoTimeout(20_000);
        assertEquals("dtxkit".length(), s.getInputStream().read());
      }
    }
  }

  /**
   * A request handler that throws an Error (a StackOverflowError) is answered like one that throws an exception: the
   * client's request fails at once (GOAWAY INTERNAL_ERROR, the connection closes) instead of waiting for ever, and the
   * server serves the next client (issue 10).
   */
  @Test
  void aRequestHandlersStackOverflowFailsTheRequestAndTheServerServesOn() throws Exception {
    try (RsdServer server = RsdServer.builder(device().build()).resetRootAfterPeerInfo(false).requestHandler(r -> {
      if (r.dictionary().get("overflow") != null) {
        throw new StackOverflowError("handler recursed");
      }
      return XpcDictionary.builder().put("ok", "yes").build();
    }).start()) {
      try (RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
        CompletableFuture<XpcMessage> reply =
            client.xpc().request(XpcDictionary.builder().put("overflow", "1").build());
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> reply.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
      }
      try (RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
        XpcMessage ok = client.xpc().request(XpcDictionary.builder().put("fine", "1").build())
            .get(20, TimeUnit.SECONDS);
        assertEquals(new dtxkit.runtime.xpc.XpcString("yes"), ok.dictionary().get("ok"));
      }
    }
  }

  @Test
  void pendingRequestsFailWhenTheConnectionDrops() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RsdServer server = RsdServer.builder(device().build()).resetRootAfterPeerInfo(false).requestHandler(r -> {
      received.countDown();
      release.await();
      return XpcDictionary.empty();
    }).start();
    try (RsdClient client = RsdClient.connect("127.0.0.1", server.port(), OPTIONS)) {
      CompletableFuture<XpcMessage> reply = client.xpc().request(XpcDictionary.builder().put("q", "1").build());
      assertTrue(received.await(20, TimeUnit.SECONDS));
      server.close();
      java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> reply.get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof IOException, e.getCause().toString());
      CompletableFuture<XpcMessage> late = client.xpc().request(XpcDictionary.empty());
      assertThrows(java.util.concurrent.ExecutionException.class, () -> late.get(20, TimeUnit.SECONDS));
    } finally {
      release.countDown();
      server.close();
    }
  }
}
