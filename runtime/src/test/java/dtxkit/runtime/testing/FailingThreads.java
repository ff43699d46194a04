package dtxkit.runtime.testing;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The seam for issue 10 item 1 ("a server must survive any failure to serve one connection"): a thread factory that
 * makes daemon threads, except on one call, where it throws what the JVM throws when the process is at its thread
 * limit ({@code prlimit --nproc}), instead of reaching that limit for real.
 */
public final class FailingThreads implements ThreadFactory {

  /** The JVM's message for a thread it cannot create. */
  public static final String MESSAGE =
      "unable to create native thread: possibly out of memory or process/resource limits reached";

  private final int failingCall;
  private final AtomicInteger calls = new AtomicInteger();

  private FailingThreads(int failingCall) {
    this.failingCall = failingCall;
  }

  /**
   * A factory whose {@code n}th call (from 1) throws {@code OutOfMemoryError}; the others make daemon threads.
   *
   * @param n which call fails
   * @return the factory
   */
  public static FailingThreads onCall(int n) {
    return new FailingThreads(n);
  }

  /** Calls so far, the failed one included. */
  public int calls() {
    return calls.get();
  }

  @Override
  public Thread newThread(Runnable r) {
    if (calls.incrementAndGet() == failingCall) {
      throw new OutOfMemoryError(MESSAGE);
    }
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  }
}
