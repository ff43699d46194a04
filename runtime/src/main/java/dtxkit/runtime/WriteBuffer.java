package dtxkit.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The buffer between a connection's writer and its transport: small writes (headers, small messages) are gathered
 * into one write of the transport, large ones (fragment bodies of large messages) go to the transport from the
 * caller's array. Not thread-safe: one thread writes at a time ({@link OutboundWriter} sees to it).
 *
 * <p>Unlike {@link java.io.BufferedOutputStream}, which copies every write shorter than its buffer (a 350 KB reply in
 * 128 KiB fragments was copied whole once more on its way to the socket), a write of at least {@code directBytes}
 * tops up what is buffered with its first {@link #TOP_UP} bytes at most, so that a fragment header does not travel in
 * a write of its own, and hands the rest over uncopied. The array starts small and grows only as far as writes need
 * (up to {@code capacity}), so an idle connection does not hold the whole buffer.
 */
final class WriteBuffer extends OutputStream {

  /** The most bytes of a large write copied to join what is buffered. */
  static final int TOP_UP = 16 * 1024;
  private static final int INITIAL = 8 * 1024;

  private final OutputStream out;
  private final int capacity;
  private final int directBytes;
  private byte[] buf;
  private int count;

  /**
   * @param out the transport
   * @param capacity the most bytes gathered before they are written
   * @param directBytes writes of at least this many bytes are handed to {@code out} from the caller's array
   */
  WriteBuffer(OutputStream out, int capacity, int directBytes) {
    this.out = Objects.requireNonNull(out, "out");
    if (capacity < TOP_UP || directBytes < 1 || directBytes > capacity) {
      throw new IllegalArgumentException("capacity " + capacity + ", directBytes " + directBytes);
    }
    this.capacity = capacity;
    this.directBytes = directBytes;
    this.buf = new byte[Math.min(INITIAL, capacity)];
  }

  @Override
  public void write(int b) throws IOException {
    if (count == capacity) {
      flushBuffer();
    }
    room(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len >= directBytes) {
      if (count > 0) {
        int top = Math.min(len, TOP_UP);
        if (count + top <= capacity) {
          room(top);
          System.arraycopy(b, off, buf, count, top);
          count += top;
          off += top;
          len -= top;
        }
        flushBuffer();
      }
      if (len > 0) {
        out.write(b, off, len);
      }
      return;
    }
    if (count + len > capacity) {
      flushBuffer();
    }
    room(len);
    System.arraycopy(b, off, buf, count, len);
    count += len;
  }

  /** Grows the array (doubling, up to the capacity) until {@code n} more bytes fit; the caller checked the capacity. */
  private void room(int n) {
    int need = count + n;
    if (need > buf.length) {
      int size = buf.length;
      while (size < need) {
        size = (int) Math.min(capacity, 2L * size);
      }
      buf = Arrays.copyOf(buf, size);
    }
  }

  private void flushBuffer() throws IOException {
    if (count > 0) {
      int n = count;
      count = 0;
      out.write(buf, 0, n);
    }
  }

  /** Bytes gathered and not yet written (for tests). */
  int buffered() {
    return count;
  }

  /** The array's size now (for tests). */
  int arrayLength() {
    return buf.length;
  }

  @Override
  public void flush() throws IOException {
    flushBuffer();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      flushBuffer();
    } finally {
      out.close();
    }
  }
}
