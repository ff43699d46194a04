package dtxkit.runtime.testing;

import java.io.InputStream;

/**
 * Streams that deliver recorded bytes in awkward pieces, for the stream codecs' tests (usbmuxd, lockdown): each
 * split point in turn, so that a reader is shown to reassemble a message whatever the reads it gets.
 */
public final class SplitReads {

  private SplitReads() {}

  /** A check run on the bytes as one split delivers them. */
  @FunctionalInterface
  public interface Check {
    /**
     * @param in the bytes, split at {@code split}
     * @param split where the first read ends
     */
    void run(InputStream in, int split) throws Exception;
  }

  /**
   * Delivers {@code bytes} in a first read that ends at {@code split}, then one byte per read: every header and body
   * boundary after the split is crossed by a short read.
   *
   * @param bytes the bytes, not copied
   * @param split 0 to {@code bytes.length}
   * @return the stream
   */
  public static InputStream splitAt(byte[] bytes, int split) {
    if (split < 0 || split > bytes.length) {
      throw new IllegalArgumentException("split " + split + " outside 0.." + bytes.length);
    }
    return new InputStream() {
      int pos;

      @Override
      public int read() {
        return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= bytes.length) {
          return -1;
        }
        if (len == 0) {
          return 0;
        }
        int limit = pos < split ? split : pos + 1;
        int n = Math.min(len, Math.min(limit, bytes.length) - pos);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /**
   * Runs {@code check} once per split point, 0 to {@code bytes.length} inclusive; a failure names the split.
   *
   * @param bytes the recorded bytes
   * @param check what must hold however they are read
   */
  public static void atEverySplit(byte[] bytes, Check check) throws Exception {
    for (int split = 0; split <= bytes.length; split++) {
      try {
        check.run(splitAt(bytes, split), split);
      } catch (AssertionError | Exception e) {
        AssertionError named = new AssertionError("split at " + split + " of " + bytes.length + ": " + e, e);
        throw named;
      }
    }
  }
}
