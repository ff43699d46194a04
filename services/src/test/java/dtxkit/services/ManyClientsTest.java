package dtxkit.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.services.mock.MockDevice;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's thread budget: 500 clients connected at once to one mock device, each calling it once. A DTX connection
 * costs one reading thread on each side (at most two by the budget); writes and deliveries borrow threads from
 * pools shared by every connection. Both paths: DTX straight to the mock device's DTServiceHub port, and DTX over
 * RSD as {@link Instruments#connect} does it, which adds one HTTP/2 connection per client (one reading thread per
 * side as well).
 */
class ManyClientsTest {

  private static final int CLIENTS = 500;
  private static final int CALLERS = 8;

  @Test
  void fiveHundredClientsEachCallOnceWithinTheThreadBudget() throws Exception {
    List<DtxConnection> connections = new CopyOnWriteArrayList<>();
    AtomicInteger names = new AtomicInteger();
    try (MockDevice device = MockDevice.start()) {
      // The budget: 2 threads per connection per side, 2000 for 500 pairs. What we hold to: one reader per client
      // connection, two taking turns per device connection (DtxServer's hand-off), a few dozen pool threads at most.
      connectAndCount(device, 1, 3, () -> {
        DtxConnection connection = DtxConnection.builder(device.rsdHost(), device.dtxPort())
            .name("many-" + names.getAndIncrement()).connect();
        connections.add(connection);
        return Instruments.over(connection).processes().size();
      }, 120);
      assertEquals(CLIENTS, connections.size());
      assertTrue(connections.stream().allMatch(DtxConnection::isOpen));
    } finally {
      for (DtxConnection connection : connections) {
        connection.close();
      }
    }
    assertFalse(connections.stream().anyMatch(DtxConnection::isOpen));
  }

  @Test
  void fiveHundredClientsOverRsdEachCallOnceWithinTheThreadBudget() throws Exception {
    List<Instruments> clients = new CopyOnWriteArrayList<>();
    try (MockDevice device = MockDevice.start()) {
      // Each client is two connections (HTTP/2 for RSD, then DTX), each at most two threads per side by the
      // budget; what we hold to: one reader per connection per side, but two taking turns for the device's DTX
      // connection (DtxServer's hand-off), plus the shared pools.
      connectAndCount(device, 2, 5, () -> {
        Instruments instruments = device.connect();
        clients.add(instruments);
        return instruments.processes().size();
      }, 180);
      assertEquals(CLIENTS, clients.size());
    } finally {
      for (Instruments instruments : clients) {
        instruments.close();
      }
    }
  }

  /**
   * Connects {@link #CLIENTS} clients from {@link #CALLERS} threads with {@code connectAndCall} (which returns the
   * size of the process list its call got), and holds the threads added meanwhile to the budget of
   * {@code connectionsPerClient} connections each: at most 2 threads per connection per side, and in fact
   * {@code readersPerClient} reading threads per client (both sides) plus a few dozen pool threads.
   */
  private static void connectAndCount(MockDevice device, int connectionsPerClient, int readersPerClient,
      Callable<Integer> connectAndCall, int timeoutSeconds) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try {
      // Start the callers first, so that they are counted in the baseline.
      List<Future<?>> warm = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        warm.add(callers.submit(() -> {
          Thread.sleep(20);
          return null;
        }));
      }
      for (Future<?> f : warm) {
        f.get(10, TimeUnit.SECONDS);
      }
      int before = threads.getThreadCount();
      List<Future<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        calls.add(callers.submit(connectAndCall));
      }
      for (Future<Integer> call : calls) {
        assertTrue(call.get(timeoutSeconds, TimeUnit.SECONDS) > 0, "every call succeeded with a process list");
      }
      int added = threads.getThreadCount() - before;
      assertEquals(CLIENTS, device.connections().size());
      int connections = connectionsPerClient * CLIENTS;
      assertTrue(added <= 4 * connections, "over the budget: " + added + " threads for " + connections
          + " connections");
      assertTrue(added <= readersPerClient * CLIENTS + 64, "more than " + readersPerClient + " readers per client: "
          + added + " threads for " + CLIENTS + " clients");
    } finally {
      callers.shutdownNow();
    }
  }
}
