package dtxkit.runtime.tunnel.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Loss, duplication, reordering and a size limit for a stream of packets (seeded, so a run can be replayed). */
public final class FaultInjector {
  private final double loss;
  private final double duplicate;
  private final double reorder;
  private final int dropAbove;
  private final Random random;
  private byte[] held;
  public final AtomicLong dropped = new AtomicLong();
  public final AtomicLong oversized = new AtomicLong();
  public final AtomicLong duplicated = new AtomicLong();
  public final AtomicLong reordered = new AtomicLong();

  public FaultInjector(double loss, double duplicate, double reorder, int dropAbove, long seed) {
    this.loss = loss;
    this.duplicate = duplicate;
    this.reorder = reorder;
    this.dropAbove = dropAbove;
    this.random = new Random(seed);
  }

  /** What to pass on for {@code p}, in order: nothing, it, it twice, it with a packet held back before. */
  public synchronized List<byte[]> apply(byte[] p) {
    List<byte[]> out = new ArrayList<>(3);
    if (p.length > dropAbove) {
      oversized.incrementAndGet();
      return out;
    }
    if (random.nextDouble() < loss) {
      dropped.incrementAndGet();
      return out;
    }
    if (held == null && random.nextDouble() < reorder) {
      reordered.incrementAndGet();
      held = p;
      return out;
    }
    out.add(p);
    if (random.nextDouble() < duplicate) {
      duplicated.incrementAndGet();
      out.add(p);
    }
    if (held != null) {
      out.add(held);
      held = null;
    }
    return out;
  }
}
