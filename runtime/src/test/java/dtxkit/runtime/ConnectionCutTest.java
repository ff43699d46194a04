package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A connection cut at every stage fails what is pending instead of hanging, within a second (issue 3): every wait
 * below is bounded by {@link #GUARD}, against call and handshake timeouts of 20 s and more, so a pass means the cut,
 * not a timeout, ended the wait. (The whole of each case takes some 10-50 ms; the bound is the requirement, not a
 * speed claim.)
 */
class ConnectionCutTest {

  private static final long GUARD = 1;

  private static DtxConnectionClosedException closedCause(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(GUARD, TimeUnit.SECONDS));
    return assertInstanceOf(DtxConnectionClosedException.class, e.getCause());
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void cutDuringHandshake(Mode mode) throws Exception {
    Loopback.Pair pair = Loopback.transports(mode);
    // The peer never sends its capabilities; the client would wait 60 s. Cutting ends the wait at once.
    CompletableFuture<DtxConnection> connecting = CompletableFuture.supplyAsync(() -> {
      try {
        return DtxConnection.builder(pair.client()).handshakeTimeout(Duration.ofSeconds(60)).connect();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Thread.sleep(50);
    pair.server().cut();
    DtxConnectionClosedException closed = closedCause(connecting);
    assertTrue(closed.getMessage().contains("handshake failed"), closed.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void cutWhileOpeningAChannel(Mode mode) throws Exception {
    CountDownLatch factoryEntered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    DtxServiceRegistry registry = new DtxServiceRegistry().register("slow", channel -> {
      factoryEntered.countDown();
      try {
        never.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return invocation -> null;
    });
    try (Loopback l = Loopback.open(mode, registry)) {
      CompletableFuture<DtxChannel> opening = l.client.openChannelAsync("slow");
      assertTrue(factoryEntered.await(GUARD, TimeUnit.SECONDS));
      l.serverTransport.cut();
      DtxConnectionClosedException closed = closedCause(opening);
      assertTrue(closed.getMessage().contains("dropped"), closed.getMessage());
      never.countDown();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void cutWithCallsPendingOnBothSidesFailsThemAllAndTellsListeners(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService s = new TestService(channel);
      services.add(s);
      return s;
    });
    LinkedBlockingQueue<Throwable> closedWith = new LinkedBlockingQueue<>();
    try (Loopback l = Loopback.open(mode, registry)) {
      DtxChannel channel = l.client.openChannel(TestService.ID, new DtxChannelListener() {
        @Override
        public void onClosed(Throwable causeOrNull) {
          closedWith.add(causeOrNull == null ? new AssertionError("null cause") : causeOrNull);
        }
      });
      CompletableFuture<Object> blocked = channel.invokeAsync("block");
      assertTrue(services.get(0).blocked.await(GUARD, TimeUnit.SECONDS));
      List<CompletableFuture<Object>> more = List.of(channel.invokeAsync("block"), channel.invokeAsync("nothing"));
      l.clientTransport.cut();
      closedCause(blocked);
      for (CompletableFuture<Object> f : more) {
        closedCause(f);
      }
      assertFalse(l.client.isOpen());
      assertTrue(l.client.closeCause().getMessage().contains("dropped"), l.client.closeCause().getMessage());
      assertTrue(closedWith.poll(GUARD, TimeUnit.SECONDS) != null);
      // Calls after the drop fail at once, saying why.
      DtxConnectionClosedException late = assertThrows(DtxConnectionClosedException.class,
          () -> channel.invoke("nothing"));
      assertTrue(late.getMessage().contains("dropped"), late.getMessage());
      assertThrows(DtxConnectionClosedException.class, () -> channel.send("killPid:", DtxArgument.object(1)));
      services.get(0).unblock.countDown();
      l.server.closeFuture().get(GUARD, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void cutInTheMiddleOfA64MiBMessage(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService s = new TestService(channel);
      services.add(s);
      return s;
    });
    try (Loopback l = Loopback.open(mode, registry)) {
      DtxChannel bulk = l.client.openChannel(TestService.ID);
      DtxChannel small = l.client.openChannel(TestService.ID);
      CompletableFuture<Object> blocked = small.invokeAsync("block");
      assertTrue(services.get(1).blocked.await(GUARD, TimeUnit.SECONDS));
      bulk.sendData(new byte[64 << 20]);
      CompletableFuture<Object> behind = bulk.invokeAsync("nothing");
      l.serverTransport.cut();
      closedCause(blocked);
      closedCause(behind);
      services.get(1).unblock.countDown();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void closeFailsPendingCallsSayingSo(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService s = new TestService(channel);
      services.add(s);
      return s;
    });
    try (Loopback l = Loopback.open(mode, registry)) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      CompletableFuture<Object> blocked = channel.invokeAsync("block");
      assertTrue(services.get(0).blocked.await(GUARD, TimeUnit.SECONDS));
      l.client.close();
      DtxConnectionClosedException closed = closedCause(blocked);
      assertEquals("connection client closed by close()", closed.getMessage());
      services.get(0).unblock.countDown();
    }
  }
}
