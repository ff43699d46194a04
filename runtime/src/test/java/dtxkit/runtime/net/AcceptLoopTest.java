package dtxkit.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link AcceptLoop}: survives any handler failure, caps connections, fails its start cleanly. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AcceptLoopTest {

  /** Reads until end of stream: what a refused or failed client sees (never a hang: the socket has a timeout). */
  static void assertClosedByServer(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    try {
      assertEquals(-1, in.read(), "the server closes a connection it does not serve");
    } catch (java.net.SocketException reset) {
      // A reset is also a clean refusal: the server closed its side.
    }
  }

  @Test
  void anyThrowableFromTheHandlerClosesThatSocketAndTheLoopKeepsAccepting() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CopyOnWriteArrayList<Socket> served = new CopyOnWriteArrayList<>();
    AcceptLoop.Handler handler = (socket, slot, n) -> {
      switch (calls.incrementAndGet()) {
        case 1 -> throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
        case 2 -> throw new StackOverflowError();
        case 3 -> throw new IllegalStateException("boom");
        default -> {
          served.add(socket);
          return socket;
        }
      }
    };
    try (AcceptLoop loop = AcceptLoop.builder("test", handler).bind().start()) {
      for (int i = 0; i < 3; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), loop.port())) {
          assertClosedByServer(s);
        }
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), loop.port())) {
        s.getOutputStream().write(42);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (served.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertEquals(42, served.get(0).getInputStream().read());
      }
      assertEquals(3, loop.failedConnections());
      assertEquals(4, loop.acceptedConnections());
      assertEquals(1, loop.openConnections(), "failed connections gave their slot back");
    }
    assertTrue(served.get(0).isClosed(), "close() closes what the handler returned");
  }

  @Test
  void refusesBeyondTheCapAndAcceptsAgainOnceASlotIsFree() throws Exception {
    CopyOnWriteArrayList<AcceptLoop.Slot> slots = new CopyOnWriteArrayList<>();
    AcceptLoop.Handler handler = (socket, slot, n) -> {
      slots.add(slot);
      return socket;
    };
    try (AcceptLoop loop = AcceptLoop.builder("capped", handler).maxConnections(2).bind().start();
        Socket a = new Socket(InetAddress.getLoopbackAddress(), loop.port());
        Socket b = new Socket(InetAddress.getLoopbackAddress(), loop.port())) {
      waitFor(() -> loop.openConnections() == 2);
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), loop.port())) {
        assertClosedByServer(c);
      }
      assertEquals(1, loop.refusedConnections());
      slots.get(0).release();
      slots.get(0).release(); // idempotent
      try (Socket d = new Socket(InetAddress.getLoopbackAddress(), loop.port())) {
        waitFor(() -> loop.acceptedConnections() == 3);
      }
      assertEquals(1, loop.refusedConnections());
      assertEquals(2, loop.openConnections());
    }
  }

  @Test
  void aThreadFactoryThatFailsAtStartReleasesThePort() throws Exception {
    AcceptLoop loop = AcceptLoop.builder("nothread", (s, slot, n) -> s)
        .threadFactory(r -> {
          throw new OutOfMemoryError("unable to create native thread");
        })
        .bind();
    int port = loop.port();
    IOException e = assertThrows(IOException.class, loop::start);
    assertTrue(e.getMessage().contains("unable to create native thread"), e.getMessage());
    assertThrows(java.net.ConnectException.class,
        () -> new Socket(InetAddress.getLoopbackAddress(), port).close(), "nothing listens any more");
    loop.close();
  }

  static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
