package dtxkit.samples.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long transfer (a screenshot, an upload), on standard error: on a terminal, one line redrawn in place
 * (a bar when the size is known, the elapsed time otherwise); when piped, plain lines (one per tenth of a known size,
 * none for an unknown one) so logs stay readable. Any thread may call {@link #update}; the last state wins.
 */
final class Progress implements AutoCloseable {
  private static final int BAR = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final String what;
  private final long total;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long lastDraw;
  private int lastTenth = -1;
  private boolean drawn;
  private boolean closed;
  private Thread ticker;

  /**
   * @param err where to draw (standard error)
   * @param what what is transferred, e.g. "screenshot"
   * @param total the size in bytes, or -1 when unknown
   * @param terminal true to redraw in place (standard error is a terminal)
   */
  Progress(PrintWriter err, String what, long total, boolean terminal) {
    this.err = err;
    this.what = what;
    this.total = total;
    this.terminal = terminal;
  }

  /** True when this process's standard streams are a terminal (not piped or redirected). */
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // JDK 22+ returns a Console even when redirected; its isTerminal() says whether it is one.
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException olderJdk) {
      return true;
    }
  }

  /**
   * For a transfer of unknown size on a terminal: redraws the elapsed time every 200 ms until {@link #close}.
   *
   * @return this
   */
  synchronized Progress tickWhileWaiting() {
    if (terminal && ticker == null) {
      ticker = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            draw(-1, true);
            Thread.sleep(200);
          }
        } catch (InterruptedException e) {
          // closed
        }
      }, "dtxkit-progress");
      ticker.setDaemon(true);
      ticker.start();
    }
    return this;
  }

  /** {@code done} bytes of {@link #total} have moved. */
  void update(long done) {
    draw(done, false);
  }

  private synchronized void draw(long done, boolean force) {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (terminal) {
      if (!force && drawn && now - lastDraw < REDRAW_NANOS && done != total) {
        return;
      }
      lastDraw = now;
      drawn = true;
      err.print("\r\033[K" + line(done, now));
      err.flush();
      return;
    }
    if (total > 0 && done >= 0) {
      int tenth = (int) Math.min(10, done * 10 / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        err.println(line(done, now));
        err.flush();
      }
    }
  }

  /** The text of one progress line. */
  String line(long done, long now) {
    double seconds = (now - started) / 1e9;
    if (total <= 0 || done < 0) {
      return String.format(Locale.ROOT, "%s: waiting for the device (%.1f s)", what, seconds);
    }
    int percent = (int) Math.min(100, done * 100 / total);
    if (!terminal) {
      return String.format(Locale.ROOT, "%s: %s of %s (%d%%)", what, size(done), size(total), percent);
    }
    int filled = percent * BAR / 100;
    return String.format(Locale.ROOT, "%s [%s%s] %3d%% %s of %s", what, "#".repeat(filled), ".".repeat(BAR - filled),
        percent, size(done), size(total));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /** Stops redrawing and clears the line on a terminal (the command prints its own result line). */
  @Override
  public synchronized void close() {
    closed = true;
    Thread t = ticker;
    ticker = null;
    if (t != null) {
      t.interrupt();
    }
    if (terminal && drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
