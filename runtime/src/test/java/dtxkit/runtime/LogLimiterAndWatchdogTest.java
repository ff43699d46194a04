package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.wire.DtxLimits;
import dtxkit.runtime.wire.DtxMemoryBudget;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class LogLimiterAndWatchdogTest {

  @Test
  void theLimiterLogsABurstThenCounts() {
    LogLimiter limiter = new LogLimiter(NOPLogger.NOP_LOGGER, "c", Duration.ofHours(1));
    for (int i = 0; i < 100; i++) {
      limiter.warn("bad message {}", i);
    }
    assertEquals(100 - LogLimiter.BURST, limiter.suppressedCount());
    limiter.finish();
  }

  /** A reader over an empty stream, never started: what a watchdog reads its last-read time from. */
  private static ConnectionReader idleReader(PartsHarness h) {
    return new ConnectionReader("w", new ByteArrayInputStream(new byte[0]), DtxLimits.defaults(), false,
        h.router(h.controlProtocol(null)), (why, cause) -> { }, () -> false, null, () -> { },
        DtxMemoryBudget.unlimited());
  }

  @Test
  void theWatchdogNamesWhatIsExceeded() {
    PartsHarness h = new PartsHarness();
    try {
      ConnectionReader reader = idleReader(h);
      long start = reader.lastRead();
      ConnectionWatchdog idle = new ConnectionWatchdog(reader, h.writer, Duration.ofSeconds(1), Duration.ZERO,
          Duration.ZERO, (why, cause) -> { });
      assertNull(idle.check(start + TimeUnit.MILLISECONDS.toNanos(500)));
      assertTrue(idle.check(start + TimeUnit.SECONDS.toNanos(2)).contains("idle timeout"));
      ConnectionWatchdog off = new ConnectionWatchdog(reader, h.writer, Duration.ZERO, Duration.ofSeconds(1),
          Duration.ofSeconds(1), (why, cause) -> { });
      assertNull(off.check(start + TimeUnit.HOURS.toNanos(1)), "nothing incomplete, nothing being written");
    } finally {
      h.close();
    }
  }

  @Test
  void aWatchdogStoppedBeforeItStartsIsNeverScheduled() {
    PartsHarness h = new PartsHarness();
    try {
      ConnectionReader reader = idleReader(h);
      ConnectionWatchdog early = new ConnectionWatchdog(reader, h.writer, Duration.ofMinutes(10), Duration.ZERO,
          Duration.ZERO, (why, cause) -> { });
      early.stop();
      early.start();
      assertTrue(!early.scheduled(), "the connection ended before its watchdog started: nothing on the timer");
      ConnectionWatchdog usual = new ConnectionWatchdog(reader, h.writer, Duration.ofMinutes(10), Duration.ZERO,
          Duration.ZERO, (why, cause) -> { });
      usual.start();
      assertTrue(usual.scheduled());
      usual.stop();
      assertTrue(!usual.scheduled());
    } finally {
      h.close();
    }
  }

  /**
   * The reproduction from the {@code dtxServer} fuzz target: connections a client ends at once with bytes that are no
   * DTX. Each must leave nothing on the shared timer once closed (the race left about one in fourteen, each holding
   * its connection and a 256 KiB buffer for the 10-minute idle timeout).
   */
  @Test
  void connectionsEndedAtOnceLeaveNothingOnTheTimer() throws Exception {
    int before = Deliveries.TIMERS.getQueue().size();
    try (DtxServer server = DtxServer.builder(new DtxServiceRegistry())
        .bindAddress(java.net.InetAddress.getLoopbackAddress()).start()) {
      for (int i = 0; i < 300; i++) {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
          s.getOutputStream().write("not DTX at all, and then the end".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.shutdownOutput();
          s.setSoTimeout(10_000);
          s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(java.util.List.of(), server.connections());
    }
    assertTrue(Deliveries.TIMERS.getQueue().size() <= before,
        "tasks left on the timer: " + (Deliveries.TIMERS.getQueue().size() - before));
  }

  @Test
  void aBudgetReservesUpToItsLimit() {
    DtxMemoryBudget budget = DtxMemoryBudget.of(100);
    assertTrue(budget.tryReserve(60));
    assertTrue(!budget.tryReserve(41));
    assertTrue(budget.tryReserve(40));
    budget.release(100);
    assertEquals(0, budget.used());
    assertTrue(DtxMemoryBudget.unlimited().tryReserve(Long.MAX_VALUE));
  }
}
