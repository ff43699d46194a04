package dtxkit.runtime.lockdown;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.stream.Plists;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Lockdown's framing, also used by most lockdown services (installation_proxy, mobile_image_mounter...): a 4-byte
 * big-endian length, then a plist (XML when we write; XML or binary accepted when we read).
 */
public final class LockdownCodec {
  /** The default limit on one message: lockdown values are small, but a pair record or an app list is not tiny. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  private LockdownCodec() {}

  /**
   * The bytes of one message.
   *
   * @param plist the message
   * @return length and XML
   */
  public static byte[] encode(NSDictionary plist) {
    byte[] body = Plists.toXml(plist);
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  /**
   * Writes one message and flushes.
   *
   * @param out the stream
   * @param plist the message
   * @throws IOException when writing fails
   */
  public static void write(OutputStream out, NSDictionary plist) throws IOException {
    out.write(encode(plist));
    out.flush();
  }

  /** Reads length-framed plists from one stream, tracking the offset. One reader thread. */
  public static final class Reader {
    private final InputStream in;
    private final int maxMessageBytes;
    private final String peer;
    private long offset;

    /**
     * @param in the stream
     * @param maxMessageBytes the largest plist accepted
     * @param peer what the peer is, for errors, e.g. {@code "lockdown"} or {@code "installation_proxy"}
     */
    public Reader(InputStream in, int maxMessageBytes, String peer) {
      this.in = Objects.requireNonNull(in, "in");
      if (maxMessageBytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes);
      }
      this.maxMessageBytes = maxMessageBytes;
      this.peer = Objects.requireNonNull(peer, "peer");
    }

    /** The stream offset of the next message. */
    public long offset() {
      return offset;
    }

    /**
     * Reads one message.
     *
     * @return the plist, or null when the stream ended cleanly between messages
     * @throws DtxLimitExceededException when the length is above the limit (checked before allocating)
     * @throws LockdownProtocolException when the body is no plist dictionary
     * @throws EOFException when the stream ends inside a message
     * @throws IOException when reading fails
     */
    public NSDictionary read() throws IOException {
      long start = offset;
      byte[] header = new byte[4];
      int got = readFully(header);
      if (got == 0) {
        return null;
      }
      if (got < 4) {
        throw new EOFException(peer + " peer closed the connection inside a length prefix (" + got
            + " of 4 bytes) at offset " + start);
      }
      long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).getInt());
      if (length > maxMessageBytes) {
        throw new DtxLimitExceededException(peer + " message bytes", maxMessageBytes, length, start);
      }
      if (length == 0) {
        throw new LockdownProtocolException("length", "> 0 (a plist)", "0", start);
      }
      byte[] body = new byte[(int) length];
      int bodyGot = readFully(body);
      if (bodyGot < body.length) {
        throw new EOFException(peer + " peer closed the connection inside a message (" + bodyGot + " of "
            + length + " bytes) at offset " + (start + 4));
      }
      return Plists.parseDictionary(body, peer + " message", start + 4);
    }

    private int readFully(byte[] b) throws IOException {
      int n = 0;
      while (n < b.length) {
        int r = in.read(b, n, b.length - n);
        if (r < 0) {
          break;
        }
        n += r;
        offset += r;
      }
      return n;
    }
  }
}
