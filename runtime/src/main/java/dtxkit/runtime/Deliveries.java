package dtxkit.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a connection's user code runs: the delivery executor behind every channel's {@link SerialQueue}, and the
 * completion of futures handed to user code. Keeps user code off the reader: nothing given to it runs on the thread
 * that offers it, and what the executor rejects is failed and counted ({@link #rejectedCount()}), never run in place.
 */
final class Deliveries {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);

  /** Shared by connections built without an executor: daemon threads, created on demand, idle ones expire. */
  static final ExecutorService SHARED = Executors.newCachedThreadPool(daemonThreads("dtx-delivery-"));
  /** Shared by connections for writes their reader leaves (see OutboundWriter): a thread only while writing. */
  static final ExecutorService SHARED_FLUSHER = Executors.newCachedThreadPool(daemonThreads("dtx-flusher-"));
  /** One daemon thread for every connection's deadlines and watchdog; cancelled timers leave its queue at once. */
  static final java.util.concurrent.ScheduledThreadPoolExecutor TIMERS = timers();

  private final String name;
  private final Executor executor;
  private final int maxQueuedPerChannel;
  private final AtomicLong rejected = new AtomicLong();

  /**
   * @param name the connection's name, for logs
   * @param executor the application's executor, or null for the shared pool
   * @param maxQueuedPerChannel the bound of each channel's queue
   */
  Deliveries(String name, Executor executor, int maxQueuedPerChannel) {
    this.name = name;
    this.executor = executor != null ? executor : SHARED;
    this.maxQueuedPerChannel = maxQueuedPerChannel;
  }

  /** A channel's delivery queue; a suspended one holds its tasks until resumed. */
  SerialQueue newQueue(boolean suspended) {
    return new SerialQueue(executor, maxQueuedPerChannel, suspended, this::rejected);
  }

  int maxQueuedPerChannel() {
    return maxQueuedPerChannel;
  }

  /**
   * Completes a future handed to user code on the delivery executor, so that its stages never run on the reader.
   * When the executor rejects it, the future fails instead ({@link DtxException}, on the shared pool) and is counted.
   */
  <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
    Runnable task = error == null ? () -> future.complete(value) : () -> future.completeExceptionally(error);
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      rejected(1, e);
      DtxException failure = new DtxException("the delivery executor rejected the completion of this call: " + e, e);
      SHARED.execute(() -> future.completeExceptionally(failure));
    }
  }

  /** Deliveries and completions dropped because the executor rejected them. */
  long rejectedCount() {
    return rejected.get();
  }

  /** A delivery queue's turn was rejected by the executor: its tasks were dropped (see {@link SerialQueue}). */
  private void rejected(int tasks, RejectedExecutionException e) {
    long before = rejected.getAndAdd(tasks);
    if (before == 0) {
      LOG.warn("{}: the delivery executor rejected a task ({}); deliveries are dropped and counted from now on"
          + " (rejectedDeliveryCount)", name, e.toString());
    } else {
      LOG.debug("{}: the delivery executor rejected {} more deliveries", name, tasks, e);
    }
  }

  /** A task that, when the executor rejects its queue's turn, runs {@code onRejected} instead (never user code). */
  static SerialQueue.Rejectable rejectable(Runnable task, Consumer<RejectedExecutionException> onRejected) {
    return new SerialQueue.Rejectable() {
      @Override
      public void run() {
        task.run();
      }

      @Override
      public void rejected(RejectedExecutionException cause) {
        onRejected.accept(cause);
      }
    };
  }

  /**
   * A cached pool on an application's thread factory, for one connection: threads come and go with the work, idle
   * ones expire after a few seconds, so the pool needs no shutting down.
   */
  static ExecutorService poolOf(ThreadFactory factory) {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE,
        5, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), factory);
    return pool;
  }

  private static java.util.concurrent.ScheduledThreadPoolExecutor timers() {
    java.util.concurrent.ScheduledThreadPoolExecutor timers =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1, daemonThreads("dtx-timer-"));
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
