package dtxkit.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the delivery queue of one channel. Holds at
 * most {@code capacity} waiting tasks; {@link #offer} refuses more so that the reader never blocks on a slow
 * listener. A turn runs a bounded batch and then yields the executor thread, so busy channels share it fairly.
 *
 * <p><b>Rejection.</b> When the executor rejects a turn (an application shut its executor down), no task ever runs on
 * the thread that offered it (that thread may be the connection's reader): the waiting tasks are taken off the queue,
 * each {@link Rejectable} is told (an invocation's caller gets an ERROR reply), and the {@link RejectionSink} counts
 * them.
 */
final class SerialQueue implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SerialQueue.class);
  private static final int BATCH = 64;
  /** What listeners throw, process-wide: a peer whose messages make a listener throw must not fill the log. */
  private static final LogLimiter THROWN = new LogLimiter(LOG, "deliveries");

  /** A task that must answer somebody when it cannot run (e.g. reply ERROR to the peer's invocation). */
  interface Rejectable extends Runnable {
    /** Called instead of {@link #run()} when the executor rejected the queue's turn; must not run user code. */
    void rejected(RejectedExecutionException cause);
  }

  /** Told how many tasks a rejected turn dropped. */
  interface RejectionSink {
    void rejected(int tasks, RejectedExecutionException cause);
  }

  private final Executor executor;
  private final RejectionSink rejectionSink;
  private final int capacity;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean scheduled;
  private boolean suspended;

  SerialQueue(Executor executor, int capacity, RejectionSink rejectionSink) {
    this(executor, capacity, false, rejectionSink);
  }

  /**
   * @param suspended hold tasks until {@link #resume()} (a peer-opened channel waits for its service factory)
   * @param rejectionSink counts the tasks dropped when the executor rejects a turn
   */
  SerialQueue(Executor executor, int capacity, boolean suspended, RejectionSink rejectionSink) {
    this.executor = executor;
    this.rejectionSink = rejectionSink;
    this.capacity = capacity;
    this.suspended = suspended;
  }

  /** Starts running tasks held while suspended. */
  void resume() {
    synchronized (this) {
      if (!suspended) {
        return;
      }
      suspended = false;
      if (scheduled || tasks.isEmpty()) {
        return;
      }
      scheduled = true;
    }
    schedule();
  }

  /**
   * Queues a task.
   *
   * @param force queue even when full (for the few bookkeeping tasks that must run, such as the closing callback)
   * @return false when the queue is full and the task was not queued
   */
  boolean offer(Runnable task, boolean force) {
    synchronized (this) {
      if (!force && tasks.size() >= capacity) {
        return false;
      }
      tasks.addLast(task);
      if (scheduled || suspended) {
        return true;
      }
      scheduled = true;
    }
    schedule();
    return true;
  }

  /**
   * Queues a task like {@link #offer}, but when the queue was idle leaves running it to the caller instead of the
   * executor: the caller must then call {@link #run()} (on a thread other than the connection's reader).
   *
   * @return {@link Offer#REFUSED} when full, {@link Offer#CLAIMED} when the caller now owns the run,
   *     {@link Offer#QUEUED} otherwise
   */
  Offer offerOrClaim(Runnable task) {
    synchronized (this) {
      if (tasks.size() >= capacity) {
        return Offer.REFUSED;
      }
      tasks.addLast(task);
      if (scheduled || suspended) {
        return Offer.QUEUED;
      }
      scheduled = true;
      return Offer.CLAIMED;
    }
  }

  /** What {@link #offerOrClaim} did with a task. */
  enum Offer {
    REFUSED, QUEUED, CLAIMED
  }

  /** Hands a run claimed with {@link #offerOrClaim} to the executor after all. */
  void runElsewhere() {
    schedule();
  }

  private void schedule() {
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      // Never run here: the caller may be the reader, which must not run user code. Drop the waiting tasks visibly.
      List<Runnable> dropped;
      synchronized (this) {
        dropped = new ArrayList<>(tasks);
        tasks.clear();
        scheduled = false;
      }
      // Counted before anyone is answered, so that whoever sees an answer sees the count too.
      rejectionSink.rejected(dropped.size(), e);
      for (Runnable task : dropped) {
        if (task instanceof Rejectable r) {
          try {
            r.rejected(e);
          } catch (RuntimeException failure) {
            LOG.debug("answering a rejected task failed", failure);
          }
        }
      }
    }
  }

  @Override
  public void run() {
    for (int i = 0; i < BATCH; i++) {
      Runnable task;
      synchronized (this) {
        task = tasks.pollFirst();
        if (task == null) {
          scheduled = false;
          return;
        }
      }
      try {
        task.run();
      } catch (Throwable t) {
        THROWN.warn("a channel listener or handler threw; delivery continues: {}", t.toString());
        LOG.debug("the listener's or handler's failure", t);
      }
    }
    synchronized (this) {
      if (tasks.isEmpty()) {
        scheduled = false;
        return;
      }
    }
    schedule();
  }
}
