package dtxkit.runtime.rsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dtxkit.runtime.rsd.RsdCheckin;
import dtxkit.runtime.testing.FailingThreads;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

  /** The client side: checks in and reads what the service writes until it closes. */
  private static String checkInAndRead(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      RsdCheckin.perform(s.getInputStream(), s.getOutputStream(), "resilience");
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aServiceThatThrowsAnErrorEndsOnlyItsConnection() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RsdCheckinResponder.Service service = (socket, label) -> {
      if (calls.incrementAndGet() == 1) {
        // What a service that starts a thread per connection meets when the process is out of threads.
        throw new OutOfMemoryError(FailingThreads.MESSAGE);
      }
      socket.getOutputStream().write(("hello " + label).getBytes(StandardCharsets.UTF_8));
    };
    try (RsdCheckinResponder shim = new RsdCheckinResponder(InetAddress.getLoopbackAddress(), service)) {
      assertEquals("", checkInAndRead(shim.port()), "the failed connection is closed, nothing written");
      RsdServerResilienceTest.waitFor(() -> shim.failedConnections() == 1,
          "the failure is counted: " + shim.failedConnections());
      assertEquals("hello resilience", checkInAndRead(shim.port()));
      assertEquals(1, shim.failedConnections());
    }
  }

  @Test
  void noThreadForAConnectionClosesItAndTheNextIsServed() throws Exception {
    // The first thread is the accept loop's, the second the first connection's.
    FailingThreads threads = FailingThreads.onCall(2);
    try (RsdCheckinResponder shim = new RsdCheckinResponder(InetAddress.getLoopbackAddress(),
        (socket, label) -> socket.getOutputStream().write(("hello " + label).getBytes(StandardCharsets.UTF_8)),
        threads)) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), shim.port())) {
        RsdServerResilienceTest.assertClosedByServer(s);
      }
      assertEquals(1, shim.failedConnections());
      assertEquals("hello resilience", checkInAndRead(shim.port()));
      assertEquals(1, shim.failedConnections());
      assertEquals(3, threads.calls(), "one thread per served connection, none left over");
    }
  }
}
