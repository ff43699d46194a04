package dtxkit.runtime.stream;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds a blocking step by a timeout: when the step has not finished in time, the stream it runs on is closed, which
 * unblocks any read or write in progress (a Unix-domain {@link java.nio.channels.SocketChannel} has no read timeout of
 * its own, and a TLS layer on top of a stream has none either). The step's failure is then reported as a
 * {@link StepTimeoutException} naming the step.
 *
 * <pre>{@code
 * try (StepTimer.Step step = StepTimer.start("lockdown QueryType", timeout, transport)) {
 *   ... blocking reads and writes ...
 * } catch (IOException e) {
 *   throw step.failure(e);   // or: catch inside the try and call step.failure(e)
 * }
 * }</pre>
 *
 * <p>The timers run on one shared daemon thread ({@code dtxkit-step-timer}) that only closes streams; a step that
 * finishes cancels its timer, so finished steps leave nothing behind.
 */
public final class StepTimer {
  private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();

  private StepTimer() {}

  private static ScheduledThreadPoolExecutor newScheduler() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "dtxkit-step-timer");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /**
   * Starts timing a step.
   *
   * @param step what the step is, for the error message, e.g. {@code "usbmuxd Connect"}
   * @param timeout how long it may take; zero or negative means no limit
   * @param onExpiry what to close when the time is up (the stream the step runs on)
   * @return the running step; close it when the step is done
   */
  public static Step start(String step, Duration timeout, Closeable onExpiry) {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(onExpiry, "onExpiry");
    return new Step(step, timeout, onExpiry);
  }

  /** A step being timed; {@link #close()} ends it. */
  public static final class Step implements AutoCloseable {
    private final String name;
    private final Duration timeout;
    private final AtomicBoolean expired = new AtomicBoolean();
    private final ScheduledFuture<?> future;

    private Step(String name, Duration timeout, Closeable onExpiry) {
      this.name = name;
      this.timeout = timeout;
      if (timeout.isZero() || timeout.isNegative()) {
        this.future = null;
      } else {
        this.future = SCHEDULER.schedule(() -> {
          expired.set(true);
          try {
            onExpiry.close();
          } catch (IOException | RuntimeException e) {
            // Closing a stream that is already broken: the step fails either way.
          }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    /** True once the timeout expired and the stream was closed. */
    public boolean expired() {
      return expired.get();
    }

    /** The step's name. */
    public String name() {
      return name;
    }

    /**
     * What to throw for a failure seen during the step: a {@link StepTimeoutException} (with {@code cause} as its
     * cause) when the timeout closed the stream, otherwise {@code cause} itself.
     *
     * @param cause the failure the blocking call reported
     * @return the exception to throw
     */
    public IOException failure(IOException cause) {
      if (expired()) {
        StepTimeoutException timeoutException = new StepTimeoutException(name, timeout);
        timeoutException.initCause(cause);
        return timeoutException;
      }
      return cause;
    }

    /** Ends the step: cancels its timer. */
    @Override
    public void close() {
      if (future != null) {
        future.cancel(false);
      }
    }
  }
}
