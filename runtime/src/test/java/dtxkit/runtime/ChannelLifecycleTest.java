package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Channels ended by the side that did not open them, big archived replies, and abandoned channel requests. */
class ChannelLifecycleTest {

  private static final long WAIT = 10;

  private static DtxServiceRegistry registry(List<TestService> services) {
    return new DtxServiceRegistry().register(TestService.ID, channel -> {
      TestService service = new TestService(channel);
      services.add(service);
      return service;
    });
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void serverCancelsAChannelThePeerOpened(Mode mode) throws Exception {
    List<TestService> services = new CopyOnWriteArrayList<>();
    CountDownLatch clientSawClose = new CountDownLatch(1);
    try (Loopback l = Loopback.open(mode, registry(services))) {
      DtxChannel channel = l.client.openChannel(TestService.ID, new DtxChannelListener() {
        @Override
        public void onClosed(Throwable cause) {
          assertNull(cause);
          clientSawClose.countDown();
        }
      });
      assertEquals("up", channel.invoke("echo:", DtxArgument.object("up")));
      DtxChannel atServer = services.get(0).channel;
      assertEquals(-1, atServer.code());

      // The server cancels the channel the client opened: _channelCanceled: 1, answered by the client.
      atServer.cancel();

      assertFalse(atServer.isOpen());
      assertTrue(l.server.channels().stream().noneMatch(c -> c.code() == -1), "gone at the server");
      assertTrue(clientSawClose.await(WAIT, TimeUnit.SECONDS), "the client's listener heard of it");
      assertFalse(channel.isOpen());
      assertTrue(l.client.channels().stream().noneMatch(c -> c.code() == 1), "gone at the client");
      DtxException e = assertThrows(DtxException.class, () -> channel.invoke("echo:", DtxArgument.object("x")));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
      atServer.cancel(); // idempotent: nothing more is sent
      // The connection itself is untouched: a new channel works.
      assertEquals("again", l.client.openChannel(TestService.ID).invoke("echo:", DtxArgument.object("again")));
      assertEquals(0, l.client.unhandledCount());
      assertEquals(0, l.server.unhandledCount());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void a64MibArchivedReplyDoesNotHoldBackSmallCalls(Mode mode) throws Exception {
    int size = 64 << 20;
    CountDownLatch release = new CountDownLatch(1);
    DtxServiceRegistry registry = new DtxServiceRegistry()
        .register(TestService.ID, TestService::new)
        .register("dtxkit.test.big", channel -> invocation -> {
          byte[] big = new byte[size];
          for (int i = 0; i < size; i += 4096) {
            big[i] = (byte) (i >>> 12);
          }
          big[size - 1] = 42;
          release.countDown();
          return big; // archived as NSData: one OBJECT reply of 64 MiB and a little
        });
    try (Loopback l = Loopback.open(mode, registry)) {
      DtxChannel bulk = l.client.openChannel("dtxkit.test.big");
      DtxChannel small = l.client.openChannel(TestService.ID);
      CompletableFuture<Object> reply = bulk.invokeAsync("bigData");
      assertTrue(release.await(WAIT, TimeUnit.SECONDS));
      int completedDuring = 0;
      while (!reply.isDone()) {
        assertEquals("x", small.invoke("echo:", DtxArgument.object("x")));
        if (!reply.isDone()) {
          completedDuring++;
        }
      }
      byte[] got = assertInstanceOf(byte[].class, reply.get(WAIT, TimeUnit.SECONDS));
      assertEquals(size, got.length);
      for (int i = 0; i < size; i += 4096) {
        assertEquals((byte) (i >>> 12), got[i], "byte " + i);
      }
      assertEquals(42, got[size - 1]);
      // Not a speed claim: small calls were answered while the big reply was on its way.
      assertTrue(completedDuring > 0, "small calls completed while the 64 MiB reply was in flight");
      assertEquals(0, l.client.unhandledCount());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY", "TCP_IPV4"})
  void cancellingOpenChannelAsyncCancelsTheChannelALateOkOpens(Mode mode) throws Exception {
    CountDownLatch requested = new CountDownLatch(1);
    CountDownLatch accept = new CountDownLatch(1);
    List<TestService> services = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      requested.countDown();
      try {
        assertTrue(accept.await(WAIT, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      TestService service = new TestService(channel);
      services.add(service);
      return service;
    });
    CountDownLatch closed = new CountDownLatch(1);
    try (Loopback l = Loopback.open(mode, registry)) {
      CompletableFuture<DtxChannel> opening = l.client.openChannelAsync(TestService.ID, new DtxChannelListener() {
        @Override
        public void onClosed(Throwable cause) {
          closed.countDown();
        }
      });
      assertTrue(requested.await(WAIT, TimeUnit.SECONDS));
      assertTrue(opening.cancel(false));
      // Forgotten at once on this side.
      assertTrue(l.client.channels().stream().noneMatch(c -> c.code() == 1), "no half-open channel here");
      assertTrue(closed.await(WAIT, TimeUnit.SECONDS), "the listener given for the channel hears it closed");
      accept.countDown();
      // The peer's late OK is answered with _channelCanceled: so the peer does not keep the channel either.
      DtxConnectionLoopbackTest.waitUntil(() -> l.client.abandonedReplyCount() == 1);
      DtxConnectionLoopbackTest.waitUntil(() -> l.server.channels().stream().noneMatch(c -> c.code() == -1));
      assertEquals(0, l.client.unmatchedReplyCount());
      // The next request gets a fresh code and works.
      DtxChannel next = l.client.openChannel(TestService.ID);
      assertEquals(2, next.code());
      assertEquals("y", next.invoke("echo:", DtxArgument.object("y")));
      assertEquals(List.of(0, 2), l.client.channels().stream().map(DtxChannel::code).toList());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"MEMORY"})
  void anOpenChannelThatTimesOutLeavesNoHalfOpenChannel(Mode mode) throws Exception {
    CountDownLatch requested = new CountDownLatch(1);
    CountDownLatch accept = new CountDownLatch(1);
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> {
      requested.countDown();
      try {
        assertTrue(accept.await(WAIT, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return new TestService(channel);
    });
    try (Loopback l = Loopback.open(mode, b -> b.registry(registry),
        b -> b.callTimeout(java.time.Duration.ofMillis(200)))) {
      assertThrows(DtxTimeoutException.class, () -> l.client.openChannel(TestService.ID));
      assertTrue(requested.await(WAIT, TimeUnit.SECONDS));
      assertTrue(l.client.channels().stream().noneMatch(c -> c.code() == 1), "no half-open channel here");
      accept.countDown();
      DtxConnectionLoopbackTest.waitUntil(() -> l.client.abandonedReplyCount() == 1);
      DtxConnectionLoopbackTest.waitUntil(() -> l.server.channels().stream().noneMatch(c -> c.code() == -1));
    }
  }
}
