package dtxkit.runtime;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Keeps what a peer can make a connection log bounded: the first few warnings of a connection are logged (one line
 * each, never a stack trace), the rest are only counted (the connection's counters say what they were), with at most
 * one summary line per interval and one when the connection ends. A peer sending 100,000 bad messages costs a handful
 * of lines, not 13 MB.
 */
final class LogLimiter {

  /** Warnings logged in full per connection before the rest are summarised. */
  static final int BURST = 5;
  /** The least time between two summary lines. */
  static final Duration INTERVAL = Duration.ofSeconds(60);

  private final Logger log;
  private final String name;
  private final long intervalNanos;
  private int logged;
  private long suppressed;
  private long suppressedTotal;
  private long lastSummary = System.nanoTime();

  LogLimiter(Logger log, String name) {
    this(log, name, INTERVAL);
  }

  LogLimiter(Logger log, String name, Duration interval) {
    this.log = log;
    this.name = name;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs a warning (prefixed with the connection's name) unless the burst is spent; then counts it. */
  void warn(String format, Object... args) {
    String summary = null;
    synchronized (this) {
      if (logged < BURST) {
        logged++;
      } else {
        suppressed++;
        suppressedTotal++;
        long now = System.nanoTime();
        if (now - lastSummary < intervalNanos) {
          return;
        }
        summary = name + ": " + suppressed + " more warnings like the above in the last "
            + Duration.ofNanos(now - lastSummary).toSeconds() + " s (see the connection's counters)";
        suppressed = 0;
        lastSummary = now;
      }
    }
    if (summary != null) {
      log.warn(summary);
    } else if (log.isWarnEnabled()) {
      Object[] withName = new Object[args.length + 1];
      withName[0] = name;
      System.arraycopy(args, 0, withName, 1, args.length);
      log.warn("{}: " + format, withName);
    }
  }

  /** Logs the warnings not yet summarised, once, when the connection ends. */
  void finish() {
    long left;
    synchronized (this) {
      left = suppressed;
      suppressed = 0;
    }
    if (left > 0) {
      log.info("{}: {} more warnings like the above before the connection ended", name, left);
    }
  }

  /** Warnings counted and not logged, over the connection's life. */
  synchronized long suppressedCount() {
    return suppressedTotal;
  }
}
