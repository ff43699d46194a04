package dtxkit.runtime.rsd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.client.RsdClientServerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9's thread budget on the RemoteXPC side: many RSD clients on one server cost about one thread per HTTP/2
 * connection per side (the readers), plus shared pools that only grow while writing; a factory-made thread is used
 * for every one of them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RsdThreadBudgetTest {
  private static final int CLIENTS = 200;

  private static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }

  @Test
  void twoHundredClientsCostAboutOneThreadPerConnectionPerSide() throws Exception {
    List<Thread> made = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.ThreadFactory counting = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      made.add(t);
      return t;
    };
    List<RsdClient> clients = new ArrayList<>();
    int port = -1;
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build()).threadFactory(counting)
        .start()) {
      port = server.port();
      try {
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(RsdClient.connect("127.0.0.1", server.port(),
              RsdClientServerTest.OPTIONS.withThreadFactory(counting)));
        }
        for (RsdClient c : clients) {
          assertEquals("iPhone15,2", c.peerInfo().productType());
        }
        assertEquals(CLIENTS, server.openConnections());
        String serverReaders = "dtxkit-h2-reader-rsd-server-" + server.port() + "#";
        String clientReaders = "dtxkit-h2-reader-rxpc-127.0.0.1:" + server.port();
        long readers = threads(serverReaders) + threads(clientReaders);
        long writers = threads("dtxkit-h2-writer-");
        long all = readers + writers + threads("dtxkit-rsd-") + threads("rsd-server-accept-" + server.port());
        assertEquals(2L * CLIENTS, readers, "one reader per connection per side");
        // Writers live only while connections write; the pools keep a few idle ones for 30 s.
        assertTrue(all <= 2L * CLIENTS + 1 + 32, "threads for " + CLIENTS + " client/server pairs: " + all
            + " (readers " + readers + ", writers " + writers + ")");
        assertTrue(made.size() >= 2 * CLIENTS + 1, "the factories made the threads: " + made.size());
      } finally {
        for (RsdClient c : clients) {
          c.close();
        }
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String readersOfThisTest = "dtxkit-h2-reader-rsd-server-" + port + "#";
    assertTrue(port > 0);
    while (threads(readersOfThisTest) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, threads(readersOfThisTest), "every server reader ended");
    assertEquals(0, made.stream().filter(Thread::isAlive).filter(t -> t.getName().startsWith("dtxkit-h2-reader-"))
        .count(), "every reader the factories made ended");
  }
}
