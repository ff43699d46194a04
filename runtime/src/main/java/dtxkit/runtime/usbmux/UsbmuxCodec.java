package dtxkit.runtime.usbmux;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.stream.Plists;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The usbmuxd plist protocol's framing: a 16-byte little-endian header {@code length} (header included),
 * {@code version} (1), {@code type} (8 = plist), {@code tag}, then an XML plist.
 *
 * <p>{@link #encode(UsbmuxMessage)} writes one message; a {@link Reader} reads messages from a stream, checking the
 * header before allocating and keeping the stream offset for errors. The codec reads both plist versions a peer may
 * send (XML and binary) and writes XML, as usbmuxd and every client do.
 */
public final class UsbmuxCodec {
  /** The header's size. */
  public static final int HEADER_LENGTH = 16;
  /** The plist protocol's version field. */
  public static final int VERSION_PLIST = 1;
  /** The binary protocol's version field (usbmuxd answers a plist request with it when it only speaks binary). */
  public static final int VERSION_BINARY = 0;
  /** The plist message type. */
  public static final int TYPE_PLIST = 8;
  /** The default limit on one message, header included: far above any device list (usbmuxd's own is 64 KiB). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

  private UsbmuxCodec() {}

  /**
   * The bytes of one message.
   *
   * @param message the message
   * @return header and XML plist
   */
  public static byte[] encode(UsbmuxMessage message) {
    byte[] body = Plists.toXml(message.plist());
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH + body.length).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(HEADER_LENGTH + body.length);
    buffer.putInt(message.version());
    buffer.putInt(message.type());
    buffer.putInt(message.tag());
    buffer.put(body);
    return buffer.array();
  }

  /**
   * Writes one message and flushes.
   *
   * @param out the stream
   * @param message the message
   * @throws IOException when writing fails
   */
  public static void write(OutputStream out, UsbmuxMessage message) throws IOException {
    out.write(encode(message));
    out.flush();
  }

  /**
   * Network byte order for a port, as {@code Connect}'s {@code PortNumber} carries it: 62078 (0xF27E) is sent as
   * 32498 (0x7EF2).
   *
   * @param port a port 0..65535
   * @return the byte-swapped 16-bit value
   */
  public static int swapPort(int port) {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port " + port + " out of range 0..65535");
    }
    return ((port & 0xFF) << 8) | ((port >> 8) & 0xFF);
  }

  /** Reads messages from one stream, tracking the offset. Not thread-safe: one reader thread. */
  public static final class Reader {
    private final InputStream in;
    private final int maxMessageBytes;
    private long offset;

    /**
     * @param in the stream
     * @param maxMessageBytes the largest message accepted, header included
     */
    public Reader(InputStream in, int maxMessageBytes) {
      this.in = Objects.requireNonNull(in, "in");
      if (maxMessageBytes < HEADER_LENGTH) {
        throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes + " < " + HEADER_LENGTH);
      }
      this.maxMessageBytes = maxMessageBytes;
    }

    /** The stream offset of the next message. */
    public long offset() {
      return offset;
    }

    /**
     * Reads one message.
     *
     * @return the message, or null when the stream ended cleanly between messages
     * @throws UsbmuxProtocolException on a bad header or body, naming the field and the offset
     * @throws DtxLimitExceededException when the header announces more than the limit
     * @throws EOFException when the stream ends inside a message
     * @throws IOException when reading fails
     */
    public UsbmuxMessage read() throws IOException {
      long start = offset;
      byte[] header = new byte[HEADER_LENGTH];
      int got = readFully(header);
      if (got == 0) {
        return null;
      }
      if (got < HEADER_LENGTH) {
        throw new EOFException("usbmuxd peer closed the connection inside a message header (" + got + " of "
            + HEADER_LENGTH + " bytes) at offset " + start);
      }
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long length = Integer.toUnsignedLong(h.getInt());
      int version = h.getInt();
      int type = h.getInt();
      int tag = h.getInt();
      if (length < HEADER_LENGTH) {
        throw new UsbmuxProtocolException("length", ">= " + HEADER_LENGTH, Long.toString(length), start);
      }
      if (length > maxMessageBytes) {
        throw new DtxLimitExceededException("usbmuxd message bytes", maxMessageBytes, length, start);
      }
      if (version != VERSION_PLIST) {
        throw new UsbmuxProtocolException("version", VERSION_PLIST + " (plist protocol)",
            Integer.toUnsignedString(version) + (version == VERSION_BINARY ? " (binary protocol)" : ""), start + 4);
      }
      if (type != TYPE_PLIST) {
        throw new UsbmuxProtocolException("message type", TYPE_PLIST + " (plist)", Integer.toUnsignedString(type),
            start + 8);
      }
      byte[] body = new byte[(int) length - HEADER_LENGTH];
      int bodyGot = readFully(body);
      if (bodyGot < body.length) {
        throw new EOFException("usbmuxd peer closed the connection inside a message body (" + bodyGot + " of "
            + body.length + " bytes) at offset " + (start + HEADER_LENGTH));
      }
      NSDictionary plist = Plists.parseDictionary(body, "usbmuxd message", start + HEADER_LENGTH);
      return new UsbmuxMessage(version, type, tag, plist);
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

  static DtxProtocolException unexpected(String field, String expected, String actual) {
    return new UsbmuxProtocolException(field, expected, actual, DtxProtocolException.UNKNOWN_OFFSET);
  }
}
