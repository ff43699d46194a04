package dtxkit.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drops a connection whose peer stalls it, on the shared timer thread (no thread of its own): nothing received or
 * sent for the idle timeout; a fragment or message left incomplete for the reassembly timeout (a peer that declares a large
 * message and stops, or trickles it a byte a second); a write that does not finish within the write timeout (a peer
 * that does not read). A timeout of 0 is off.
 */
final class ConnectionWatchdog implements Runnable {

  /** Told once, with what was exceeded. */
  interface Dropper {
    void drop(String why, Throwable cause);
  }

  private final ConnectionReader reader;
  private final OutboundWriter writer;
  private final long idleNanos;
  private final long reassemblyNanos;
  private final long writeNanos;
  private final Dropper dropper;
  private volatile ScheduledFuture<?> task;
  /** Set by {@link #stop}, which may come first: a connection can end before its watchdog is started. */
  private volatile boolean stopped;

  ConnectionWatchdog(ConnectionReader reader, OutboundWriter writer, Duration idle, Duration reassembly,
      Duration write, Dropper dropper) {
    this.reader = reader;
    this.writer = writer;
    this.idleNanos = idle.toNanos();
    this.reassemblyNanos = reassembly.toNanos();
    this.writeNanos = write.toNanos();
    this.dropper = dropper;
  }

  /** Starts checking, a few times per shortest timeout (between 5 ms and 1 s apart). */
  void start() {
    long shortest = Long.MAX_VALUE;
    for (long t : new long[] {idleNanos, reassemblyNanos, writeNanos}) {
      if (t > 0) {
        shortest = Math.min(shortest, t);
      }
    }
    if (shortest == Long.MAX_VALUE) {
      return;
    }
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 4));
    if (stopped) {
      return;
    }
    ScheduledFuture<?> t = Deliveries.TIMERS.scheduleAtFixedRate(this, period, period, TimeUnit.NANOSECONDS);
    task = t;
    // A stop() between the check above and here saw no task: cancel it here (one of the two sees the other).
    if (stopped) {
      t.cancel(false);
    }
  }

  /**
   * Stops checking, before or after {@link #start}. (A connection whose reader ended it before the watchdog started
   * left a task on the shared timer, and the connection with it, until the idle timeout: 10 minutes of a 256 KiB
   * write buffer per such connection on a server. Found by the {@code dtxServer} fuzz target as an
   * {@code OutOfMemoryError} after 8,150 inputs.)
   */
  void stop() {
    stopped = true;
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** Whether a check is scheduled (for tests). */
  boolean scheduled() {
    ScheduledFuture<?> t = task;
    return t != null && !t.isCancelled();
  }

  @Override
  public void run() {
    String why = check(System.nanoTime());
    if (why != null) {
      stop();
      dropper.drop(why, new DtxTimeoutException(why));
    }
  }

  /** What is exceeded at {@code now}, or null. */
  String check(long now) {
    long incomplete = reader.incompleteSince();
    if (reassemblyNanos > 0 && incomplete != 0 && now - incomplete > reassemblyNanos) {
      return "a message stayed incomplete for more than " + Duration.ofNanos(reassemblyNanos)
          + " (reassembly timeout; " + reader.bufferedBytes() + " bytes held)";
    }
    long writing = writer.writeStalledSince();
    if (writeNanos > 0 && writing != 0 && now - writing > writeNanos) {
      return "the peer read nothing we sent for more than " + Duration.ofNanos(writeNanos) + " (write timeout)";
    }
    // Idle means no traffic either way: a peer that only listens to a stream we send is not idle (and if it is gone,
    // the write timeout drops it once its socket buffers fill).
    if (idleNanos > 0 && now - Math.max(reader.lastRead(), writer.lastWritten()) > idleNanos) {
      return "nothing received or sent for more than " + Duration.ofNanos(idleNanos) + " (idle timeout)";
    }
    return null;
  }
}
