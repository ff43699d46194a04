package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.wire.DtxFragmentEncoder;
import dtxkit.runtime.wire.DtxMemoryBudget;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 items 3 and 4 at the server: a {@link DtxServer} bounds what all its clients together make it hold (one
 * memory budget shared by its connections, by default) and closes clients that send nothing (an idle timeout, by
 * default); and issue 9: its thread factory makes its connections' threads too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DtxServerHostileClientsTest {

  private static final int FRAGMENT = 128 << 10;

  private static DtxServiceRegistry registry() {
    return new DtxServiceRegistry().register(TestService.ID, TestService::new);
  }

  /** The fragments of a DATA message of {@code size} bytes on channel 0: a header-only first, then 128 KiB ones. */
  private static List<byte[]> fragments(int identifier, int size) {
    List<byte[]> out = new ArrayList<>();
    var message = new DtxFragmentEncoder().encode(DtxMessage.builder(DtxMessageType.DATA).identifier(identifier)
        .channelCode(0).payload(new byte[size]).build());
    while (message.hasNextFragment()) {
      ByteBuf f = message.nextFragment();
      byte[] bytes = new byte[f.readableBytes()];
      f.readBytes(bytes);
      f.release();
      out.add(bytes);
    }
    return out;
  }

  /** A raw client: its socket, and a future completed when the server closes it (end of stream or reset). */
  private record RawClient(Socket socket, CompletableFuture<Void> closedByServer) {
    static RawClient connect(int port) throws Exception {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (InputStream in = s.getInputStream()) {
          byte[] sink = new byte[8192];
          while (in.read(sink) >= 0) {
            // The server's capabilities; nothing else is expected.
          }
        } catch (java.io.IOException e) {
          // A reset, or our own close: closed either way.
        }
        closed.complete(null);
      }, "raw-client-reader");
      reader.setDaemon(true);
      reader.start();
      return new RawClient(s, closed);
    }
  }

  /**
   * Twelve clients each send 384 KiB of a 1 MiB message and stop, as the 48 connections with their bombs
   * did: the server's connections share its budget (5 MiB here), which is never passed (the clients that do not fit
   * are closed or not read), and is free again once they leave; a proper client is then served.
   */
  @Test
  void clientsHoldingPartialBigMessagesShareTheServersBudget() throws Exception {
    DtxMemoryBudget budget = DtxMemoryBudget.of(5 << 20);
    List<RawClient> clients = new ArrayList<>();
    try (DtxServer server = DtxServer.builder(registry()).memoryBudget(budget).start()) {
      assertEquals(budget, server.memoryBudget());
      List<byte[]> message = fragments(7, 1 << 20);
      for (int i = 0; i < 12; i++) {
        long before = budget.used();
        RawClient c = RawClient.connect(server.port());
        clients.add(c);
        OutputStream out = c.socket().getOutputStream();
        try {
          for (int f = 0; f < 4; f++) {
            out.write(message.get(f));
          }
          out.flush();
        } catch (java.io.IOException closedWhileWriting) {
          // Closed by the server as its budget would have been passed.
        }
        // Until the server holds this client's bytes or has closed it (bounded; not a timing assertion).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (budget.used() == before && !c.closedByServer().isDone() && System.nanoTime() < deadline) {
          assertTrue(budget.used() <= budget.limit(), "budget passed: " + budget.used());
          Thread.sleep(2);
        }
        assertTrue(budget.used() <= budget.limit(), "budget passed: " + budget.used());
      }
      assertTrue(budget.used() > 0 && budget.used() <= budget.limit(), "held: " + budget.used());
      // The clients that do not fit are closed, or not read until the budget has room (the decoder's choice): either
      // way what they made the server hold stays within the budget, checked after every client above.
      for (RawClient c : clients) {
        c.socket().close();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((budget.used() != 0 || !server.connections().isEmpty()) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(0, budget.used(), "every reservation given back");
      try (DtxConnection proper = DtxConnection.connect("127.0.0.1", server.port())) {
        assertEquals("served", proper.openChannel(TestService.ID).invoke("echo:", DtxArgument.object("served")));
      }
    } finally {
      for (RawClient c : clients) {
        c.socket().close();
      }
    }
  }

  /** Clients that connect and send nothing (or went away half-open) are closed after the server's idle timeout. */
  @Test
  void silentClientsAreClosedAfterTheIdleTimeout() throws Exception {
    try (DtxServer server = DtxServer.builder(registry()).idleTimeout(Duration.ofMillis(500)).start()) {
      List<RawClient> clients = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        clients.add(RawClient.connect(server.port()));
      }
      for (RawClient c : clients) {
        c.closedByServer().get(20, TimeUnit.SECONDS);
        c.socket().close();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(List.of(), server.connections());
      // A client that talks is not idle.
      try (DtxConnection talking = DtxConnection.connect("127.0.0.1", server.port())) {
        DtxChannel channel = talking.openChannel(TestService.ID);
        for (int i = 0; i < 5; i++) {
          assertEquals("still here", channel.invoke("echo:", DtxArgument.object("still here")));
          Thread.sleep(100);
        }
      }
    }
  }

  /** A client that only listens to what the server streams to it sends nothing, and is not idle for that. */
  @Test
  void aClientListeningToAStreamIsNotIdle() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<Object> samples = new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.ScheduledExecutorService pusher = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor();
    DtxServiceRegistry registry = new DtxServiceRegistry().register("stream", channel -> invocation -> {
      AtomicInteger n = new AtomicInteger();
      pusher.scheduleAtFixedRate(() -> {
        if (channel.isOpen()) {
          channel.sendNotification("sample " + n.incrementAndGet());
        }
      }, 0, 50, TimeUnit.MILLISECONDS);
      return null;
    });
    try (DtxServer server = DtxServer.builder(registry).idleTimeout(Duration.ofSeconds(1)).start();
        DtxConnection client = DtxConnection.connect("127.0.0.1", server.port())) {
      DtxChannel channel = client.openChannel("stream", new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          samples.add(value);
        }
      });
      channel.invoke("start");
      // Three idle timeouts of listening, and nothing sent: the stream goes on.
      for (int i = 1; i <= 60; i++) {
        assertEquals("sample " + i, samples.poll(10, TimeUnit.SECONDS));
      }
      assertTrue(client.isOpen());
    } finally {
      pusher.shutdownNow();
    }
  }

  /** By default a server has both: a bounded budget of its own, and an idle timeout. */
  @Test
  void aServerHasABudgetAndAnIdleTimeoutByDefault() throws Exception {
    try (DtxServer first = DtxServer.builder(registry()).start();
        DtxServer second = DtxServer.builder(registry()).start()) {
      long expected = Math.min(DtxServer.Builder.DEFAULT_MEMORY_BUDGET_BYTES,
          Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 2));
      assertEquals(expected, first.memoryBudget().limit());
      assertNotEquals(first.memoryBudget(), second.memoryBudget(), "each server has its own budget");
      assertEquals(DtxServer.Builder.DEFAULT_IDLE_TIMEOUT, first.idleTimeout());
      assertEquals(Duration.ofMinutes(10), first.idleTimeout());
      // A connection reserves in the server's budget: one partial message shows in it.
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), first.port())) {
        List<byte[]> message = fragments(3, 1 << 20);
        OutputStream out = s.getOutputStream();
        out.write(message.get(0));
        out.write(message.get(1));
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (first.memoryBudget().used() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        assertTrue(first.memoryBudget().used() >= FRAGMENT, "held: " + first.memoryBudget().used());
        assertEquals(0, second.memoryBudget().used());
      }
    }
  }

  /** Issue 9: the server's thread factory makes its connections' threads, not only its accept thread. */
  @Test
  void theServersThreadFactoryMakesItsConnectionsThreads() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CompletableFuture<String> handlerThread = new CompletableFuture<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register("where", channel -> invocation -> {
      handlerThread.complete(Thread.currentThread().getName());
      return "here";
    });
    try (DtxServer server = DtxServer.builder(registry).threadFactory(r -> {
      Thread t = new Thread(r, "custom-" + made.incrementAndGet());
      t.setDaemon(true);
      return t;
    }).start();
        DtxConnection client = DtxConnection.connect("127.0.0.1", server.port())) {
      assertEquals("here", client.openChannel("where").invoke("answer"));
      assertTrue(handlerThread.get(10, TimeUnit.SECONDS).startsWith("custom-"), handlerThread.get());
      assertTrue(made.get() >= 3, "accept thread, reader and delivery thread from the factory: " + made.get());
    }
  }
}
