package dtxkit.services.mock;

import dtxkit.runtime.DtxTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A transport that holds back what this side writes until the peer's first bytes have been read. After a
 * handshake-only TLS session (iOS 13 and earlier: a TLS handshake, then plain DTX on the same socket) a client stops
 * reading TLS records once the handshake is done; plain bytes that arrive in the same read as the server's
 * {@code Finished} are still fed to its TLS layer, which fails ("wrong version number"). A device's service speaks
 * only once spoken to, so nothing can race the handshake; every client sends first (its capabilities, or a request).
 * At most {@link #MAX_HELD} bytes are held; more fails the write.
 */
final class SpeakWhenSpokenTo implements DtxTransport {
  /** The most bytes held back before the peer speaks (the capabilities message is a few hundred). */
  static final int MAX_HELD = 64 * 1024;

  private final DtxTransport raw;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream held = new ByteArrayOutputStream();
  private boolean spoken;

  SpeakWhenSpokenTo(DtxTransport raw) throws IOException {
    this.raw = raw;
    InputStream rawIn = raw.input();
    OutputStream rawOut = raw.output();
    this.in = new InputStream() {
      @Override
      public int read() throws IOException {
        int b = rawIn.read();
        if (b >= 0) {
          spoke();
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = rawIn.read(buffer, offset, length);
        if (n > 0) {
          spoke();
        }
        return n;
      }

      @Override
      public int available() throws IOException {
        return rawIn.available();
      }

      @Override
      public void close() throws IOException {
        rawIn.close();
      }
    };
    this.out = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        synchronized (SpeakWhenSpokenTo.this) {
          if (!spoken) {
            if (held.size() + length > MAX_HELD) {
              throw new IOException("more than " + MAX_HELD + " bytes to send before the peer said anything");
            }
            held.write(bytes, offset, length);
            return;
          }
        }
        rawOut.write(bytes, offset, length);
      }

      @Override
      public void flush() throws IOException {
        synchronized (SpeakWhenSpokenTo.this) {
          if (!spoken) {
            return;
          }
        }
        rawOut.flush();
      }

      @Override
      public void close() throws IOException {
        rawOut.close();
      }
    };
  }

  private void spoke() throws IOException {
    synchronized (this) {
      if (spoken) {
        return;
      }
      spoken = true;
      if (held.size() > 0) {
        OutputStream rawOut = raw.output();
        held.writeTo(rawOut);
        rawOut.flush();
        held.reset();
      }
    }
  }

  @Override
  public InputStream input() {
    return in;
  }

  @Override
  public OutputStream output() {
    return out;
  }

  @Override
  public void close() throws IOException {
    raw.close();
  }

  @Override
  public String description() {
    return raw.description();
  }
}
