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

  @Test
  void theWatchdogNamesWhatIsExceeded() {
    PartsHarness h = new PartsHarness();
    try {
      ConnectionReader reader = new ConnectionReader("w", new ByteArrayInputStream(new byte[0]), DtxLimits.defaults(),
          false, h.router(h.controlProtocol(null)), (why, cause) -> { }, () -> false, null, () -> { },
          DtxMemoryBudget.unlimited());
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
