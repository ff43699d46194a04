package dtxkit.runtime.tunnel;

import java.io.InputStream;

/** Hands out its bytes in the chunks given (each read ends at the next split), as a network stream may. */
final class ChunkedInput extends InputStream {
  private final byte[] data;
  private final int[] splits;
  private int pos;
  private int next;

  ChunkedInput(byte[] data, int... splits) {
    this.data = data;
    this.splits = splits;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (pos >= data.length) {
      return -1;
    }
    while (next < splits.length && splits[next] <= pos) {
      next++;
    }
    int limit = next < splits.length ? Math.min(splits[next], data.length) : data.length;
    int n = Math.min(len, limit - pos);
    System.arraycopy(data, pos, b, off, n);
    pos += n;
    return n;
  }
}
