package dtxkit.runtime.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a {@link ByteBuf} that was never released.
 *
 * <p>Registered for every test through {@code META-INF/services} (JUnit's extension auto-detection, switched on in
 * the parent pom's surefire configuration, which also sets the detector to PARANOID). Netty reports a leak only when
 * the garbage collector has reclaimed a tracked buffer and a later allocation polls the detector's queue, so after
 * each class this runs the collector and allocates a few buffers before looking at what was reported.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {

  private static final List<String> LEAKS = new ArrayList<>();

  static {
    // PARANOID unless the run names a level: a long fuzzing run (docs/fuzzing.md) switches the detector off and
    // relies on its targets' per-input buffer counts instead, as PARANOID costs a stack trace per buffer access.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }
    ByteBufUtil.setLeakListener((resourceType, records) -> {
      synchronized (LEAKS) {
        LEAKS.add(resourceType + " leaked:" + records);
      }
    });
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Leaks from an earlier class are reported there; start clean.
    collect();
    synchronized (LEAKS) {
      LEAKS.clear();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = collect();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size() + " ByteBuf leak(s) detected in or before " + context.getDisplayName() + ":\n"
              + String.join("\n", leaks));
    }
  }

  /** Runs the collector and pokes the detectors until nothing more is reported; returns and clears the reports. */
  public static List<String> collect() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      System.runFinalization();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      for (int i = 0; i < 8; i++) {
        UnpooledByteBufAllocator.DEFAULT.buffer(1).release();
        UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        PooledByteBufAllocator.DEFAULT.buffer(1).release();
        PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
      }
    }
    synchronized (LEAKS) {
      List<String> copy = new ArrayList<>(LEAKS);
      LEAKS.clear();
      return copy;
    }
  }
}
