package dtxkit.runtime.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Fails a fuzz target's input when the code under test writes to {@link System#err} while it runs (docs/fuzzing.md,
 * finding 4: the JDK's XML parser printed {@code [Fatal Error]} lines for every malformed plist a peer sent). Every
 * {@code @FuzzTest} body runs inside {@link #check}.
 *
 * <p>For the duration of the body, {@code System.err} is a stream of this class; what is written to it from any
 * thread is kept (the first {@value #KEPT_BYTES} bytes) and counted, and on return the original stream is restored
 * and, if anything was written, an {@link AssertionError} names it. Writes made by the logging backend (a frame of
 * {@code org.slf4j} on the writer's stack: slf4j-simple logs to {@code System.err}) are the log's, bounded by the
 * project's own rules, and pass through to the original stream, as do Jazzer's own lines (a frame of
 * {@code com.code_intelligence.jazzer}: its agent reports each class it instruments as the body loads it); only
 * output that bypasses logging is a finding.
 *
 * <p>The cost per input is two {@link System#setErr} calls: the stream is made once, and the writer's stack is
 * looked at only when something is written.
 */
public final class NoStderr {

  /** How many bytes of what was written a finding quotes. */
  public static final int KEPT_BYTES = 2048;

  /** A target body. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  private static final Capture CAPTURE = new Capture();
  private static final PrintStream STREAM = new PrintStream(CAPTURE, true, StandardCharsets.UTF_8);

  private NoStderr() {}

  /**
   * Runs {@code body} with {@code System.err} captured, then restores it.
   *
   * @param body the target's body for one input
   * @throws AssertionError when the body (or a thread it started) wrote to {@code System.err} other than through the
   *     logger; the body's own exception, if any, is attached as suppressed
   * @throws Exception what the body threw, when nothing was written
   */
  public static void check(Body body) throws Exception {
    PrintStream original = System.err;
    if (original == STREAM) {
      // Nested: the outer check reports.
      body.run();
      return;
    }
    synchronized (NoStderr.class) {
      CAPTURE.start(original);
      System.setErr(STREAM);
      Throwable thrown = null;
      try {
        body.run();
      } catch (Throwable t) {
        thrown = t;
        throw t;
      } finally {
        System.setErr(original);
        STREAM.flush();
        String written = CAPTURE.stop();
        if (written != null) {
          AssertionError finding = new AssertionError("the code under test wrote to System.err: " + written);
          if (thrown != null) {
            finding.addSuppressed(thrown);
          }
          throw finding;
        }
      }
    }
  }

  /** Keeps what is written while a check runs; passes the logger's lines (and anything outside a check) through. */
  private static final class Capture extends OutputStream {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private volatile PrintStream original = System.err;
    private volatile boolean active;
    private final byte[] kept = new byte[KEPT_BYTES];
    private int keptLength;
    private long total;

    synchronized void start(PrintStream to) {
      original = to;
      keptLength = 0;
      total = 0;
      active = true;
    }

    /** Ends capturing; what was written (with its size when longer than what was kept), or null. */
    synchronized String stop() {
      active = false;
      if (total == 0) {
        return null;
      }
      String text = new String(kept, 0, keptLength, StandardCharsets.UTF_8);
      return total > keptLength ? total + " bytes, starting \"" + text + "\"" : "\"" + text + "\"";
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!active || fromLogger()) {
        original.write(b, off, len);
        return;
      }
      synchronized (this) {
        if (!active) {
          original.write(b, off, len);
          return;
        }
        int n = Math.min(len, kept.length - keptLength);
        System.arraycopy(b, off, kept, keptLength, n);
        keptLength += n;
        total += len;
      }
    }

    @Override
    public void flush() {
      original.flush();
    }

    private static boolean fromLogger() {
      return WALKER.walk(frames -> frames.anyMatch(f -> f.getClassName().startsWith("org.slf4j.")
          || f.getClassName().startsWith("com.code_intelligence.jazzer.")));
    }
  }
}
