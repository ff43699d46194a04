package dtxkit.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A bounded in-memory byte pipe: a ring buffer with blocking reads and writes. Unlike {@code PipedInputStream} it
 * does not tie itself to the identity of the writing thread. Closing makes reads return EOF once drained and writes
 * fail. The ring starts small and doubles up to its capacity only while a writer runs ahead of the reader, so a pipe
 * that carries little costs little (a connection over a pair of them is as cheap to open as its threads).
 */
final class MemoryPipe {

  private static final int INITIAL = 8 * 1024;

  private final int capacity;
  private byte[] ring;
  private int head;
  private int size;
  private boolean closed;

  MemoryPipe(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
    this.ring = new byte[Math.min(INITIAL, capacity)];
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }

  private synchronized int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (size == 0) {
      if (closed) {
        return -1;
      }
      await();
    }
    int n = Math.min(len, size);
    int first = Math.min(n, ring.length - head);
    System.arraycopy(ring, head, b, off, first);
    System.arraycopy(ring, 0, b, off + first, n - first);
    head = (head + n) % ring.length;
    size -= n;
    notifyAll();
    return n;
  }

  private synchronized void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (size == ring.length && ring.length < capacity) {
        grow();
      }
      while (size == ring.length && !closed) {
        await();
      }
      if (closed) {
        throw new IOException("pipe closed");
      }
      int tail = (head + size) % ring.length;
      int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
      System.arraycopy(b, off, ring, tail, n);
      size += n;
      off += n;
      len -= n;
      notifyAll();
    }
  }

  /** Doubles the ring (up to the capacity), its bytes moved to the start. */
  private void grow() {
    byte[] bigger = new byte[(int) Math.min(capacity, 2L * ring.length)];
    int first = Math.min(size, ring.length - head);
    System.arraycopy(ring, head, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, size - first);
    ring = bigger;
    head = 0;
  }

  private void await() throws IOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  InputStream input() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return MemoryPipe.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return MemoryPipe.this.read(b, off, len);
      }

      @Override
      public void close() {
        MemoryPipe.this.close();
      }
    };
  }

  OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        MemoryPipe.this.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        MemoryPipe.this.write(b, off, len);
      }

      @Override
      public void close() {
        MemoryPipe.this.close();
      }
    };
  }
}
