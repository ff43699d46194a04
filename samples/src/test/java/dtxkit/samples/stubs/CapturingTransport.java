package dtxkit.samples.stubs;

import dtxkit.runtime.DtxTransport;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A transport that keeps a copy of every byte each way: the two raw streams of one connection. */
final class CapturingTransport implements DtxTransport {
  private final DtxTransport delegate;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  CapturingTransport(DtxTransport delegate) {
    this.delegate = delegate;
  }

  @Override
  public InputStream input() throws IOException {
    return new FilterInputStream(delegate.input()) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          synchronized (received) {
            received.write(b);
          }
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          synchronized (received) {
            received.write(b, off, n);
          }
        }
        return n;
      }
    };
  }

  @Override
  public OutputStream output() throws IOException {
    return new FilterOutputStream(delegate.output()) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        synchronized (sent) {
          sent.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        synchronized (sent) {
          sent.write(b, off, len);
        }
      }
    };
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String description() {
    return "capturing " + delegate.description();
  }

  /**
   * Waits (at most {@code timeout}) until the bytes received so far contain {@code text} (in ASCII, as a selector or
   * an archived string is on the wire).
   *
   * @return true when they do
   */
  boolean awaitReceived(String text, java.time.Duration timeout) throws InterruptedException {
    byte[] wanted = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      byte[] now;
      synchronized (received) {
        now = received.toByteArray();
      }
      for (int i = 0; i + wanted.length <= now.length; i++) {
        if (java.util.Arrays.equals(now, i, i + wanted.length, wanted, 0, wanted.length)) {
          return true;
        }
      }
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    return false;
  }

  /** The bytes sent so far. */
  byte[] sent() {
    synchronized (sent) {
      return sent.toByteArray();
    }
  }

  /** The bytes received so far. */
  byte[] received() {
    synchronized (received) {
      return received.toByteArray();
    }
  }
}
