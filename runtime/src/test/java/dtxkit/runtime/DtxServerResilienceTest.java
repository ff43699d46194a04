package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 item 1 and 4: a {@link DtxServer} survives a client it cannot serve (as when the process is out of
 * threads and {@code new Thread().start()} throws {@code OutOfMemoryError}) and refuses clients beyond its cap.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DtxServerResilienceTest {

  private static DtxServiceRegistry registry() {
    return new DtxServiceRegistry().register(TestService.ID, TestService::new);
  }

  private static void assertClosedByServer(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    try {
      // A served client would get the server's capabilities message first; a refused one gets end of stream.
      assertEquals(-1, in.read());
    } catch (java.net.SocketException reset) {
      // Closed by the server as well.
    }
  }

  private static Object echo(int port, String text) throws Exception {
    try (DtxConnection c = DtxConnection.connect("127.0.0.1", port)) {
      return c.openChannel(TestService.ID).invoke("echo:", DtxArgument.object(text));
    }
  }

  @Test
  void outOfThreadsForOneClientDoesNotStopTheServer() throws Exception {
    AtomicInteger failNext = new AtomicInteger();
    // The seam: serving a client fails where its threads would be created, with the error the JVM throws.
    try (DtxServer server = DtxServer.builder(registry())
        .configureConnections(b -> {
          if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource"
                + " limits reached");
          }
        })
        .start()) {
      assertEquals("before", echo(server.port(), "before"));
      failNext.set(3);
      for (int i = 0; i < 3; i++) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
          assertClosedByServer(s);
        }
      }
      assertEquals(3, server.failedConnections());
      assertEquals("after", echo(server.port(), "after"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(server.connections().isEmpty(), "every connection ended: " + server.connections());
      assertEquals(5, server.acceptedConnections());
    }
  }

  @Test
  void refusesClientsBeyondTheCap() throws Exception {
    try (DtxServer server = DtxServer.builder(registry()).maxConnections(1).start();
        DtxConnection first = DtxConnection.connect("127.0.0.1", server.port())) {
      assertEquals("one", first.openChannel(TestService.ID).invoke("echo:", DtxArgument.object("one")));
      try (Socket second = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        assertClosedByServer(second);
      }
      assertEquals(1, server.refusedConnections());
      first.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals("again", echo(server.port(), "again"));
      assertEquals(1, server.refusedConnections());
    }
  }
}
