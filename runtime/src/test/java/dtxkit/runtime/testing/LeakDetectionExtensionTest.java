package dtxkit.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves that the leak guard sees an unreleased buffer, so a green build really means "no leaks". */
class LeakDetectionExtensionTest {

  @Test
  void reportsAnUnreleasedBuffer() {
    LeakDetectionExtension.collect();
    leakOne();
    List<String> leaks = LeakDetectionExtension.collect();
    assertFalse(leaks.isEmpty(), "the detector did not report a buffer that was never released");
  }

  private static void leakOne() {
    // Unpooled heap buffers are not tracked by Netty; direct and pooled ones are.
    ByteBuf leaked = Unpooled.directBuffer(16);
    leaked.writeInt(42);
    // Dropped without release on purpose.
  }
}
