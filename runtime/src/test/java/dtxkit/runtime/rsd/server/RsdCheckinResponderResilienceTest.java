package dtxkit.runtime.rsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dtxkit.runtime.rsd.RsdCheckin;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 item 1 for a {@code *.shim.remote} port: an {@link RsdCheckinResponder} that cannot serve one connection
 * (no thread for it, or a service that throws {@code OutOfMemoryError}) closes that socket, counts it and keeps
 * accepting.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RsdCheckinResponderResilienceTest {

  private static final String OOM = "unable to create native thread: possibly out of memory or process/resource"
      + " limits reached";

  /** The client side: checks in and reads what the service writes until it closes. */
  private static String checkInAndRead(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      RsdCheckin.perform(s.getInputStream(), s.getOutputStream(), "resilience");
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertClosedByServer(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    try {
      assertEquals(-1, in.read(), "a connection that cannot be served is closed");
    } catch (java.net.SocketException reset) {
      // Closed by the server as well.
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void aServiceThatThrowsAnErrorEndsOnlyItsConnection() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RsdCheckinResponder.Service service = (socket, label) -> {
      if (calls.incrementAndGet() == 1) {
        // What a service that starts a thread per connection meets when the process is out of threads.
        throw new OutOfMemoryError(OOM);
      }
      socket.getOutputStream().write(("hello " + label).getBytes(StandardCharsets.UTF_8));
    };
    try (RsdCheckinResponder shim = new RsdCheckinResponder(InetAddress.getLoopbackAddress(), service)) {
      assertEquals("", checkInAndRead(shim.port()), "the failed connection is closed, nothing written");
      waitFor(() -> shim.failedConnections() == 1, "the failure is counted: " + shim.failedConnections());
      assertEquals("hello resilience", checkInAndRead(shim.port()));
      assertEquals(1, shim.failedConnections());
    }
  }

  @Test
  void noThreadForAConnectionClosesItAndTheNextIsServed() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory threads = r -> {
      // The first thread is the accept loop's, the second the first connection's.
      if (made.incrementAndGet() == 2) {
        throw new OutOfMemoryError(OOM);
      }
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
    try (RsdCheckinResponder shim = new RsdCheckinResponder(InetAddress.getLoopbackAddress(),
        (socket, label) -> socket.getOutputStream().write(("hello " + label).getBytes(StandardCharsets.UTF_8)),
        threads)) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), shim.port())) {
        assertClosedByServer(s);
      }
      assertEquals(1, shim.failedConnections());
      assertEquals("hello resilience", checkInAndRead(shim.port()));
      assertEquals(1, shim.failedConnections());
      assertEquals(3, made.get(), "one thread per served connection, none left over");
    }
  }
}
