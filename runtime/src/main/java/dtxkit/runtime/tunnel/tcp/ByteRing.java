package dtxkit.runtime.tunnel.tcp;

/**
 * A FIFO of bytes with a fixed capacity, whose array grows on demand (doubling from 16 KiB) up to it. Not
 * thread-safe: its connection's lock guards it.
 */
final class ByteRing {
  private final int capacity;
  private byte[] buf;
  private int head;
  private int size;

  ByteRing(int capacity) {
    this.capacity = capacity;
    this.buf = new byte[Math.min(capacity, 16 * 1024)];
  }

  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  int free() {
    return capacity - size;
  }

  /** The bytes the array holds now (for leak checks). */
  int allocated() {
    return buf.length;
  }

  /** Appends {@code len} bytes; the caller has checked {@link #free()}. */
  void write(byte[] src, int off, int len) {
    if (len > free()) {
      throw new IllegalStateException(len + " bytes > " + free() + " free");
    }
    ensure(size + len);
    int tail = (head + size) % buf.length;
    int first = Math.min(len, buf.length - tail);
    System.arraycopy(src, off, buf, tail, first);
    System.arraycopy(src, off + first, buf, 0, len - first);
    size += len;
  }

  /** Copies {@code len} bytes starting {@code from} bytes after the head, without removing them. */
  void peek(int from, byte[] dst, int off, int len) {
    if (from + len > size) {
      throw new IllegalStateException("peek " + from + "+" + len + " > " + size);
    }
    int start = (head + from) % buf.length;
    int first = Math.min(len, buf.length - start);
    System.arraycopy(buf, start, dst, off, first);
    System.arraycopy(buf, 0, dst, off + first, len - first);
  }

  /** Removes up to {@code len} bytes into {@code dst}; returns how many. */
  int read(byte[] dst, int off, int len) {
    int n = Math.min(len, size);
    peek(0, dst, off, n);
    skip(n);
    return n;
  }

  /** Drops {@code n} bytes from the head. */
  void skip(int n) {
    if (n > size) {
      throw new IllegalStateException("skip " + n + " > " + size);
    }
    head = (head + n) % buf.length;
    size -= n;
    if (size == 0) {
      head = 0;
    }
  }

  private void ensure(int needed) {
    if (needed <= buf.length) {
      return;
    }
    int n = buf.length;
    while (n < needed) {
      n = (int) Math.min((long) capacity, n * 2L);
    }
    byte[] grown = new byte[n];
    peek(0, grown, 0, size);
    buf = grown;
    head = 0;
  }
}
