package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two dtxkit endpoints, client and server role, talking over memory and loopback TCP (IPv4 and IPv6). */
class DtxConnectionLoopbackTest {

  private static final long WAIT = 10;

  private static DtxServiceRegistry registry(List<TestService> services) {
    return new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService service = new TestService(channel);
      services.add(service);
      return service;
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void capabilitiesTravelBothWays(Mode mode) throws Exception {
    Map<String, Object> serverCaps = new LinkedHashMap<>();
    serverCaps.put("com.apple.instruments.server.services.deviceinfo", 113);
    serverCaps.put("com.apple.private.DTXConnection", 1);
    try (Loopback l = Loopback.open(mode, b -> b.capabilities(serverCaps), b -> {})) {
      assertEquals(serverCaps, l.client.peerCapabilities());
      Map<String, Object> clientSeen = l.server.peerCapabilitiesFuture().get(WAIT, TimeUnit.SECONDS);
      assertEquals(DtxConnection.defaultCapabilities(), clientSeen);
      assertEquals(List.of("com.apple.private.DTXBlockCompression", "com.apple.private.DTXConnection",
          "com.apple.instruments.client.processcontrol.capability.terminationCallback"),
          new ArrayList<>(clientSeen.keySet()));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void openInvokeCancel(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel first = l.client.openChannel(TestService.ID);
      DtxChannel second = l.client.openChannel(TestService.ID);
      assertEquals(1, first.code());
      assertEquals(2, second.code());
      assertTrue(first.isOpen());
      assertEquals(TestService.ID, first.identifier());
      // The server keeps peer-opened channels under the negated code.
      assertEquals(-1, second.invoke("echo:", DtxArgument.int32(-1)) == null ? 0 : services.get(0).channel.code());
      assertEquals(-2, services.get(1).channel.code());
      assertEquals(-2, second.invoke("channelCode"));

      first.cancel();
      assertFalse(first.isOpen());
      assertThrows(DtxException.class, () -> first.invoke("nothing"));
      // The server dropped its side: it no longer routes code -1.
      waitUntil(() -> l.server.channels().stream().noneMatch(c -> c.code() == -1));
      assertNull(second.invoke("nothing"));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void everyArgumentEncodingArrivesDecoded(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      byte[] raw = {1, 2, 3, (byte) 0xFF};
      Object reply = channel.invoke("arguments:::::::",
          DtxArgument.object(Map.of("k", List.of(1, "two"))),
          DtxArgument.int32(-7),
          DtxArgument.int64(1L << 40),
          DtxArgument.float64(2.5),
          DtxArgument.string("plain"),
          DtxArgument.raw(raw),
          DtxArgument.object(null));
      DtxInvocation seen = services.get(0).received.poll(WAIT, TimeUnit.SECONDS);
      List<Object> args = seen.arguments();
      assertEquals(Map.of("k", List.of(1, "two")), args.get(0));
      assertEquals(-7, args.get(1));
      assertEquals(1L << 40, args.get(2));
      assertEquals(2.5, args.get(3));
      assertEquals("plain", args.get(4));
      assertArrayEquals(raw, (byte[]) args.get(5));
      assertNull(args.get(6));
      assertTrue(seen.expectsReply());
      // And back, archived as one NSArray.
      List<?> echoed = (List<?>) reply;
      assertEquals(7, echoed.size());
      assertEquals(-7, echoed.get(1));
      assertArrayEquals(raw, (byte[]) echoed.get(5));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void eachReplyKind(Mode mode) throws Exception {
    try (Loopback l = Loopback.open(mode, registry(new CopyOnWriteArrayList<>()))) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      assertNull(channel.invoke("nothing"));
      assertEquals("hello", channel.invoke("echo:", DtxArgument.object("hello")));
      assertEquals("hello", channel.invokeAsync("echo:", DtxArgument.object("hello")).get(WAIT, TimeUnit.SECONDS));

      DtxRemoteException remote = assertThrows(DtxRemoteException.class, () -> channel.invoke("fail"));
      assertEquals("TestDomain", remote.domain());
      assertEquals(42, remote.code());
      assertEquals(Map.of("NSLocalizedDescription", "it failed on purpose"), remote.userInfo());
      assertEquals("TestDomain", remote.nsError().domain());

      DtxRemoteException bug = assertThrows(DtxRemoteException.class, () -> channel.invoke("boom"));
      assertEquals("DTXMessage", bug.domain());
      assertEquals(1, bug.code());
      assertTrue(bug.getMessage().contains("handler bug"), bug.getMessage());

      ExecutionException async = assertThrows(ExecutionException.class,
          () -> channel.invokeAsync("fail").get(WAIT, TimeUnit.SECONDS));
      assertInstanceOf(DtxRemoteException.class, async.getCause());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void unknownIdentifierAndSelector(Mode mode) throws Exception {
    try (Loopback l = Loopback.open(mode, registry(new CopyOnWriteArrayList<>()))) {
      DtxRemoteException refused = assertThrows(DtxRemoteException.class,
          () -> l.client.openChannel("com.example.nosuchservice"));
      assertTrue(refused.getMessage().contains("com.example.nosuchservice"), refused.getMessage());
      assertEquals(List.of(0), l.client.channels().stream().map(DtxChannel::code).toList());

      DtxChannel channel = l.client.openChannel(TestService.ID);
      DtxUnrecognizedSelectorException unknown = assertThrows(DtxUnrecognizedSelectorException.class,
          () -> channel.invoke("noSuchSelector:", DtxArgument.int32(1)));
      assertEquals("DTXMessage", unknown.domain());
      assertTrue(unknown.getMessage().endsWith("- it does not respond to the selector"), unknown.getMessage());
      assertTrue(unknown.getMessage().contains("noSuchSelector:"), unknown.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void notificationsAndDataBothWays(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    LinkedBlockingQueue<Object> clientGot = new LinkedBlockingQueue<>();
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel channel = l.client.openChannel(TestService.ID, new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          clientGot.add(value);
        }

        @Override
        public void onData(byte[] data) {
          clientGot.add(data);
        }
      });
      // Server → client, pushed by the handler.
      channel.invoke("pushNotification:", DtxArgument.object(Map.of("cpu", 12.5)));
      channel.invoke("pushData:", DtxArgument.object(new byte[] {9, 8, 7}));
      assertEquals(Map.of("cpu", 12.5), clientGot.poll(WAIT, TimeUnit.SECONDS));
      assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) clientGot.poll(WAIT, TimeUnit.SECONDS));

      // Client → server: the server-side channel's listener sees them.
      LinkedBlockingQueue<Object> serverGot = new LinkedBlockingQueue<>();
      services.get(0).channel.setListener(new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          serverGot.add(value);
        }

        @Override
        public void onData(byte[] data) {
          serverGot.add(data);
        }
      });
      channel.sendNotification(List.of("sample", 1));
      channel.sendData(new byte[] {4, 5});
      assertEquals(List.of("sample", 1), serverGot.poll(WAIT, TimeUnit.SECONDS));
      assertArrayEquals(new byte[] {4, 5}, (byte[]) serverGot.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void peerOpenedChannelIsAcceptedAndRouted(Mode mode) throws Exception {
    // The XCTest runner opens dtxproxy: channels back to the client: here the "server" opens one on the "client".
    String proxy = "dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface";
    List<TestService> clientSide = new CopyOnWriteArrayList<>();
    DtxServiceRegistry clientRegistry = new DtxServiceRegistry().register(proxy, channel -> {
      TestService service = new TestService(channel);
      clientSide.add(service);
      return service;
    });
    try (Loopback l = Loopback.open(mode, b -> {}, b -> b.registry(clientRegistry))) {
      DtxChannel back = l.server.openChannel(proxy);
      assertEquals(1, back.code());
      assertEquals("ping", back.invoke("echo:", DtxArgument.object("ping")));
      assertEquals(-1, clientSide.get(0).channel.code());
      // And the client initiates on the peer-opened channel (negative local code on the wire).
      LinkedBlockingQueue<DtxInvocation> atServer = new LinkedBlockingQueue<>();
      back.setHandler(invocation -> {
        atServer.add(invocation);
        return 7;
      });
      assertEquals(7, clientSide.get(0).channel.invoke("_IDE_startExecutingTestPlanWithProtocolVersion:",
          DtxArgument.object(36)));
      DtxInvocation inv = atServer.poll(WAIT, TimeUnit.SECONDS);
      assertEquals(List.of(36), inv.arguments());
      assertEquals(back, inv.channel());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void barrierArrivesInOrder(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
      services.get(0).channel.setListener(new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          events.add("notification " + value);
        }

        @Override
        public void onBarrier() {
          events.add("barrier");
        }
      });
      channel.sendNotification("a");
      channel.sendBarrier();
      channel.sendNotification("b");
      assertEquals("notification a", events.poll(WAIT, TimeUnit.SECONDS));
      assertEquals("barrier", events.poll(WAIT, TimeUnit.SECONDS));
      assertEquals("notification b", events.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void hundredChannelsTimesHundredConcurrentCalls(Mode mode) throws Exception {
    try (Loopback l = Loopback.open(mode, registry(new CopyOnWriteArrayList<>()))) {
      List<CompletableFuture<DtxChannel>> opening = new ArrayList<>();
      for (int c = 0; c < 100; c++) {
        opening.add(l.client.openChannelAsync(TestService.ID));
      }
      List<DtxChannel> channels = new ArrayList<>();
      for (CompletableFuture<DtxChannel> f : opening) {
        channels.add(f.get(WAIT, TimeUnit.SECONDS));
      }
      List<CompletableFuture<Object>> calls = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        for (DtxChannel channel : channels) {
          String token = channel.code() + "/" + i;
          expected.add(channel.code() + ":" + token);
          calls.add(channel.invokeAsync("whoami:", DtxArgument.string(token))
              .thenApply(reply -> -(Integer) ((List<?>) reply).get(0) + ":" + ((List<?>) reply).get(1)));
        }
      }
      List<String> got = new ArrayList<>();
      for (CompletableFuture<Object> call : calls) {
        got.add((String) call.get(30, TimeUnit.SECONDS));
      }
      // Every reply came back on its own call: the server-side channel code matches the channel it was sent on.
      assertEquals(expected, got);
      assertEquals(0, l.client.unmatchedReplyCount());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void bigMessagesEachWayDoNotHoldBackSmallCalls(Mode mode) throws Exception {
    int size = 64 << 20;
    List<TestService> services = new CopyOnWriteArrayList<>();
    CountDownLatch bigAtClient = new CountDownLatch(1);
    AtomicReference<byte[]> clientGot = new AtomicReference<>();
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel bulk = l.client.openChannel(TestService.ID, new DtxChannelListener() {
        @Override
        public void onData(byte[] data) {
          clientGot.set(data);
          bigAtClient.countDown();
        }
      });
      DtxChannel small = l.client.openChannel(TestService.ID);
      CountDownLatch bigAtServer = new CountDownLatch(1);
      AtomicReference<byte[]> serverGot = new AtomicReference<>();
      services.get(0).channel.setListener(new DtxChannelListener() {
        @Override
        public void onData(byte[] data) {
          serverGot.set(data);
          bigAtServer.countDown();
        }
      });
      byte[] big = new byte[size];
      for (int i = 0; i < size; i += 4096) {
        big[i] = (byte) (i >>> 12);
      }
      big[size - 1] = 42;
      // Client → server 64 MiB, and the server pushes 64 MiB back, while small calls run on another channel.
      bulk.sendData(big);
      bulk.invokeAsync("pushBytes:", DtxArgument.int32(size));
      int completedDuring = 0;
      while (bigAtServer.getCount() > 0 || bigAtClient.getCount() > 0) {
        assertEquals("x", small.invoke("echo:", DtxArgument.object("x")));
        if (bigAtServer.getCount() > 0 || bigAtClient.getCount() > 0) {
          completedDuring++;
        }
      }
      assertTrue(bigAtServer.await(WAIT, TimeUnit.SECONDS));
      assertTrue(bigAtClient.await(WAIT, TimeUnit.SECONDS));
      assertTrue(Arrays.equals(big, serverGot.get()), "64 MiB arrived intact at the server");
      assertEquals(size, clientGot.get().length);
      // Not a speed claim: the small calls were interleaved with the transfers instead of waiting behind them.
      assertTrue(completedDuring > 0, "small calls completed while 64 MiB were in flight: " + completedDuring);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void closeAfterFireAndForgetDeliversIt(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    Loopback l = Loopback.open(mode, registry(services));
    try {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      channel.send("killPid:", DtxArgument.object(1234));
      l.client.close();
      DtxInvocation kill = services.get(0).received.poll(WAIT, TimeUnit.SECONDS);
      assertEquals("killPid:", kill.selector());
      assertEquals(List.of(1234), kill.arguments());
      assertFalse(kill.expectsReply());
      // close() also cancelled our channel on the server.
      waitUntil(() -> l.server.channels().stream().noneMatch(c -> c.code() == -1) || !l.server.isOpen());
    } finally {
      l.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void cancelledFutureAbandonsItsReply(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      CompletableFuture<Object> blocked = channel.invokeAsync("block");
      assertTrue(services.get(0).blocked.await(WAIT, TimeUnit.SECONDS));
      assertTrue(blocked.cancel(false));
      services.get(0).unblock.countDown();
      // The late reply is counted, not delivered; the channel keeps working.
      assertNull(channel.invoke("nothing"));
      waitUntil(() -> l.client.abandonedReplyCount() == 1);
      assertEquals(0, l.client.unmatchedReplyCount());
    }
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
  }
}
