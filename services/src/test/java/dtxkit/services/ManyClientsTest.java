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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<DtxConnection> connections = new CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try (MockDevice device = MockDevice.start()) {
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
        String name = "many-" + i;
        calls.add(callers.submit(() -> {
          DtxConnection connection = DtxConnection.builder(device.rsdHost(), device.dtxPort()).name(name).connect();
          connections.add(connection);
          return Instruments.over(connection).processes().size();
        }));
      }
      for (Future<Integer> call : calls) {
        assertTrue(call.get(120, TimeUnit.SECONDS) > 0, "every call succeeded with a process list");
      }
      int during = threads.getThreadCount();
      assertEquals(CLIENTS, connections.size());
      assertEquals(CLIENTS, device.connections().size());
      assertTrue(connections.stream().allMatch(DtxConnection::isOpen));
      int added = during - before;
      // The budget: 2 threads per connection per side, 2000 for 500 pairs. What we hold to: one reader per client
      // connection, two taking turns per device connection (DtxServer's hand-off), a few dozen pool threads at most.
      assertTrue(added <= 4 * CLIENTS, "over the budget: " + added + " threads for " + CLIENTS + " connections");
      assertTrue(added <= 3 * CLIENTS + 64, "more than one reader per client and two per device connection: " + added
          + " threads for " + CLIENTS + " connections");
    } finally {
      callers.shutdownNow();
      for (DtxConnection connection : connections) {
        connection.close();
      }
    }
    assertFalse(connections.stream().anyMatch(DtxConnection::isOpen));
  }

  @Test
  void fiveHundredClientsOverRsdEachCallOnceWithinTheThreadBudget() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Instruments> clients = new CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    try (MockDevice device = MockDevice.start()) {
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
        calls.add(callers.submit(() -> {
          Instruments instruments = device.connect();
          clients.add(instruments);
          return instruments.processes().size();
        }));
      }
      for (Future<Integer> call : calls) {
        assertTrue(call.get(180, TimeUnit.SECONDS) > 0, "every call succeeded with a process list");
      }
      int added = threads.getThreadCount() - before;
      assertEquals(CLIENTS, clients.size());
      assertEquals(CLIENTS, device.connections().size());
      // Each client is two connections (HTTP/2 for RSD, then DTX), each at most two threads per side by the
      // budget; what we hold to: one reader per connection per side, but two taking turns for the device's DTX
      // connection (DtxServer's hand-off), plus the shared pools.
      assertTrue(added <= 8 * CLIENTS, "over the budget: " + added + " threads for " + CLIENTS + " clients");
      assertTrue(added <= 5 * CLIENTS + 64, "more readers than one per connection (two for the device's DTX): "
          + added + " threads for " + CLIENTS + " clients");
    } finally {
      callers.shutdownNow();
      for (Instruments instruments : clients) {
        instruments.close();
      }
    }
  }
}
