package dtxkit.runtime.xpc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that {@link XpcMessageDecoder}s may hold for incomplete messages, shared by the decoders it is given to: one
 * budget per connection (its streams' decoders) whose parent is one budget per server (all its connections). A
 * decoder reserves what it allocates before allocating it and gives it back when the message completes or the
 * decoder closes; a reservation that would exceed this budget or a parent fails that decoder with an
 * {@link XpcLimitExceededException} naming the budget, and so that connection, never the process.
 */
public final class XpcBufferBudget {
  private final String name;
  private final long max;
  private final XpcBufferBudget parent;
  private final AtomicLong used = new AtomicLong();

  private XpcBufferBudget(String name, long max, XpcBufferBudget parent) {
    if (max <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + max);
    }
    this.name = name;
    this.max = max;
    this.parent = parent;
  }

  /**
   * A top-level budget.
   *
   * @param name names the budget in errors, e.g. {@code "XPC bytes buffered by all connections"}
   * @param max the most bytes held at once
   */
  public static XpcBufferBudget of(String name, long max) {
    return new XpcBufferBudget(name, max, null);
  }

  /** A budget within this one: a reservation counts against both. */
  public XpcBufferBudget child(String name, long max) {
    return new XpcBufferBudget(name, max, this);
  }

  /** Bytes reserved now. */
  public long used() {
    return used.get();
  }

  /** The most bytes held at once. */
  public long max() {
    return max;
  }

  /**
   * Reserves {@code bytes} here and in every parent, or nothing.
   *
   * @param offset the stream offset to name in the error
   * @throws XpcLimitExceededException naming the budget that is exhausted
   */
  public void reserve(long bytes, long offset) throws XpcLimitExceededException {
    long after = used.addAndGet(bytes);
    if (after > max) {
      used.addAndGet(-bytes);
      throw new XpcLimitExceededException(name, max, after, offset);
    }
    if (parent != null) {
      try {
        parent.reserve(bytes, offset);
      } catch (XpcLimitExceededException e) {
        used.addAndGet(-bytes);
        throw e;
      }
    }
  }

  /** Gives back {@code bytes} reserved earlier, here and in every parent. */
  public void release(long bytes) {
    used.addAndGet(-bytes);
    if (parent != null) {
      parent.release(bytes);
    }
  }
}
