package dtxkit.runtime.wire;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory shared by several connections, typically every connection of one server: what peers make them hold
 * (messages being reassembled, decompressed payloads, replies queued for a peer) is reserved here first. A connection
 * whose peer would take the budget past its limit fails with a {@link dtxkit.runtime.DtxLimitExceededException}; the
 * other connections and the process go on.
 *
 * <pre>{@code
 * DtxMemoryBudget shared = DtxMemoryBudget.of(256L << 20);
 * DtxServer.builder(registry).configureConnections(b -> b.memoryBudget(shared)).start();
 * }</pre>
 */
public final class DtxMemoryBudget {

  private static final DtxMemoryBudget UNLIMITED = new DtxMemoryBudget(Long.MAX_VALUE);

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  private DtxMemoryBudget(long limit) {
    this.limit = limit;
  }

  /**
   * A budget of {@code bytes}.
   *
   * @param bytes the limit, positive
   * @return a new budget, to share between connections
   */
  public static DtxMemoryBudget of(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("memory budget must be positive: " + bytes);
    }
    return new DtxMemoryBudget(bytes);
  }

  /** No limit (what a connection uses unless given a budget); still counts nothing. */
  public static DtxMemoryBudget unlimited() {
    return UNLIMITED;
  }

  /** The limit in bytes. */
  public long limit() {
    return limit;
  }

  /** Bytes reserved now, across the connections sharing the budget. */
  public long used() {
    return this == UNLIMITED ? 0 : used.get();
  }

  /**
   * Reserves {@code bytes} if that keeps the total within the limit.
   *
   * @param bytes at least 0
   * @return false, reserving nothing, when the limit would be passed
   */
  public boolean tryReserve(long bytes) {
    if (this == UNLIMITED || bytes <= 0) {
      return true;
    }
    while (true) {
      long now = used.get();
      if (bytes > limit - now) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /**
   * Gives back bytes reserved with {@link #tryReserve}.
   *
   * @param bytes at least 0
   */
  public void release(long bytes) {
    if (this != UNLIMITED && bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  @Override
  public String toString() {
    return this == UNLIMITED ? "DtxMemoryBudget{unlimited}" : "DtxMemoryBudget{" + used() + "/" + limit + "}";
  }
}
