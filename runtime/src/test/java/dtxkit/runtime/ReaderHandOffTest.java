package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With {@link DtxConnection.Builder#readerHandOff(boolean)}, the two reading threads of a connection with the default
 * delivery executor take turns (the one that read a request
 * for an idle channel passes reading on and runs the handler): handlers and listeners still never run on the thread
 * that reads, a blocked handler stalls neither reading nor other channels, order within a channel holds, and both
 * threads end with the connection.
 */
class ReaderHandOffTest {

  private static final long WAIT = 10;

  @ParameterizedTest
  @EnumSource(Mode.class)
  void handlersAndListenersNeverRunOnTheReader(Mode mode) throws Exception {
    AtomicInteger onReader = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();
    java.util.Set<String> handlerThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Object> notified = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      channel.setListener(new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          if (channel.connection().core.isReader(Thread.currentThread())) {
            onReader.incrementAndGet();
          }
          notified.add(value);
        }
      });
      return invocation -> {
        if (channel.connection().core.isReader(Thread.currentThread())) {
          onReader.incrementAndGet();
        }
        handled.incrementAndGet();
        handlerThreads.add(Thread.currentThread().getName());
        return invocation.arguments().get(0);
      };
    });
    try (Loopback l = Loopback.open(mode, b -> b.registry(registry).readerHandOff(true),
        b -> b.readerHandOff(true))) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      for (int i = 0; i < 2000; i++) {
        assertEquals(i, channel.invoke("echo:", DtxArgument.object(i)));
        if (i % 10 == 0) {
          channel.sendNotification(i);
        }
      }
      DtxConnectionLoopbackTest.waitUntil(() -> notified.size() == 200);
      assertEquals(2000, handled.get());
      assertEquals(0, onReader.get(), "deliveries that ran on the thread holding the reader role");
      // The hand-off was taken: some calls ran on a reading thread of the server after it had passed reading on.
      assertTrue(handlerThreads.stream().anyMatch(n -> n.startsWith("server-reader")), handlerThreads::toString);
      List<Object> expected = new ArrayList<>();
      for (int i = 0; i < 2000; i += 10) {
        expected.add(i);
      }
      assertEquals(expected, notified, "notifications in order");
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void aBlockedHandlerStallsNeitherReadingNorOtherChannels(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService service = new TestService(channel);
      services.add(service);
      return service;
    });
    try (Loopback l = Loopback.open(mode, b -> b.registry(registry).readerHandOff(true),
        b -> b.readerHandOff(true))) {
      DtxChannel first = l.client.openChannel(TestService.ID);
      DtxChannel second = l.client.openChannel(TestService.ID);
      // Warm both channels up so that each has been run by a reading thread at least once.
      for (int i = 0; i < 50; i++) {
        first.invoke("echo:", DtxArgument.int32(i));
        second.invoke("echo:", DtxArgument.int32(i));
      }
      CompletableFuture<Object> blocked = first.invokeAsync("block");
      assertTrue(services.get(0).blocked.await(WAIT, TimeUnit.SECONDS));
      // The first channel's handler holds a thread; reading, the second channel and the control channel go on.
      for (int i = 0; i < 200; i++) {
        assertEquals(i, second.invoke("echo:", DtxArgument.int32(i)));
      }
      DtxChannel third = l.client.openChannel(TestService.ID);
      assertEquals("x", third.invoke("echo:", DtxArgument.object("x")));
      // Calls queued behind the blocked one on its own channel wait their turn, in order.
      List<CompletableFuture<Object>> queued = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        queued.add(first.invokeAsync("echo:", DtxArgument.int32(i)));
      }
      assertFalse(blocked.isDone());
      services.get(0).unblock.countDown();
      assertEquals("unblocked", blocked.get(WAIT, TimeUnit.SECONDS));
      for (int i = 0; i < 20; i++) {
        assertEquals(i, queued.get(i).get(WAIT, TimeUnit.SECONDS));
      }
      List<Object> order = new ArrayList<>();
      for (DtxInvocation invocation : services.get(0).received) {
        order.add(invocation.selector().equals("echo:") ? invocation.arguments().get(0) : invocation.selector());
      }
      assertEquals("block", order.get(50));
      for (int i = 0; i < 20; i++) {
        assertEquals(i, order.get(51 + i));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void bothReadingThreadsEndWithTheConnection(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService service = new TestService(channel);
      services.add(service);
      return service;
    });
    String serverName = "handoff-server-" + mode;
    String clientName = "handoff-client-" + mode;
    Loopback.Pair pair = Loopback.transports(mode);
    DtxConnection server = DtxConnection.builder(pair.server()).awaitPeerCapabilities(false).name(serverName)
        .registry(registry).readerHandOff(true).connect();
    DtxConnection client = DtxConnection.builder(pair.client()).name(clientName).readerHandOff(true).connect();
    DtxChannel channel = client.openChannel(TestService.ID);
    for (int i = 0; i < 100; i++) {
      channel.invoke("echo:", DtxArgument.int32(i));
    }
    assertEquals(2, readingThreads(serverName));
    client.close();
    server.closeFuture().get(WAIT, TimeUnit.SECONDS);
    DtxConnectionLoopbackTest.waitUntil(() -> readingThreads(serverName) == 0 && readingThreads(clientName) == 0);
  }

  private static long readingThreads(String connectionName) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(connectionName + "-reader"))
        .count();
  }
}
