package dtxkit.runtime;

import java.util.function.BooleanSupplier;

/** Polling for conditions that become true on other threads (never a timing assertion: 10 s is a hang guard). */
final class DtxChannelListenerTestSupport {
  private DtxChannelListenerTestSupport() {}

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    if (!condition.getAsBoolean()) {
      throw new AssertionError("condition not met within 10 s");
    }
  }
}
