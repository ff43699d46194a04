package dtxkit.runtime.rsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.client.RsdClientServerTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 items 1 and 4 for RSD: a server that cannot create a connection's threads refuses that client cleanly
 * (socket closed, nothing left running) and keeps serving; clients beyond the cap are refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RsdServerResilienceTest {

  /** Makes daemon threads, or throws what the JVM throws when the process is out of threads. */
  private static final class FailingThreads implements ThreadFactory {
    final AtomicInteger failures = new AtomicInteger();
    /** While set, every call fails, as when the process is at its thread limit. */
    volatile boolean exhausted;

    @Override
    public Thread newThread(Runnable r) {
      if (exhausted) {
        failures.incrementAndGet();
        throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
            + " limits reached");
      }
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    }
  }

  private static long h2Threads(int port) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("dtxkit-h2-") && t.getName().contains("rsd-server-" + port + "#"))
        .count();
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what);
      }
      Thread.sleep(5);
    }
  }

  static void assertClosedByServer(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    try {
      assertEquals(-1, in.read(), "end of stream: the server closed its side (no CLOSE_WAIT left behind)");
    } catch (java.net.SocketException reset) {
      // Closed by the server as well.
    }
  }

  @Test
  void outOfThreadsForSomeClientsDoesNotStopTheServerNorLeakThreads() throws Exception {
    FailingThreads threads = new FailingThreads();
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build()).threadFactory(threads).start()) {
      try (RsdClient c = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
        assertEquals("iPhone15,2", c.peerInfo().productType());
      }
      threads.exhausted = true;
      for (int i = 0; i < 3; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
          assertClosedByServer(s);
        }
      }
      threads.exhausted = false;
      assertTrue(threads.failures.get() >= 3, "the seam was hit: " + threads.failures);
      waitFor(() -> server.failedConnections() == 3, "three connections failed, not " + server.failedConnections());
      try (RsdClient c = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
        assertEquals("iPhone15,2", c.peerInfo().productType());
      }
      waitFor(() -> server.openConnections() == 0, "every connection ended");
      waitFor(() -> h2Threads(server.port()) == 0, "no HTTP/2 thread left running");
    }
  }

  @Test
  void refusesClientsBeyondTheCap() throws Exception {
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build()).maxConnections(2).start();
        RsdClient a = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
      RsdClient b = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS);
      assertThrows(IOException.class,
          () -> RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS).close());
      assertEquals(1, server.refusedConnections());
      b.close();
      waitFor(() -> server.openConnections() < 2, "the closed client's slot is free");
      try (RsdClient c = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
        assertEquals("iPhone15,2", c.peerInfo().productType());
      }
      assertEquals(1, server.refusedConnections());
      assertTrue(server.acceptedConnections() >= 3);
    }
  }
}
