package dtxkit.samples.proxy;

import dtxkit.runtime.DtxProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The recording file {@code dtxkit proxy} writes and {@code dtxkit decode} and {@code dtxkit stubs} read: every
 * connection the proxy forwarded, both directions, with timestamps and connection boundaries, in one file (described
 * in {@code docs/recording.md}).
 *
 * <pre>
 * file   = magic "DTXKREC\n" (8 bytes), version (u16, big-endian, 1), record*
 * record = type (u8), connection (u32), time (i64, nanoseconds since the Unix epoch), length (u32), body[length]
 * </pre>
 *
 * <p>Types: {@link Type#OPEN} (a client connected; the body is a JSON object: {@code face}, {@code service},
 * {@code client}, {@code upstream}), {@link Type#TO_DEVICE} and {@link Type#FROM_DEVICE} (bytes forwarded, exactly
 * as they went), {@link Type#CLOSE} (the connection ended; the body says why, empty when both sides closed), and
 * {@link Type#NOTE} (a JSON object about the session, e.g. the peer info the device advertised and the one the
 * proxy served).
 */
public final class Recording {

  /** The first 8 bytes of every recording. */
  static final byte[] MAGIC = "DTXKREC\n".getBytes(StandardCharsets.US_ASCII);
  /** The format version this code writes and reads. */
  static final int VERSION = 1;
  /** Bytes before the first record: the magic and the version. */
  static final int HEADER_LENGTH = MAGIC.length + 2;
  /** Bytes of a record's head: type, connection, time, length. */
  static final int RECORD_HEAD = 1 + 4 + 8 + 4;
  /** The longest record body a reader accepts (the proxy writes at most 64 KiB per record). */
  public static final int MAX_BODY = 16 * 1024 * 1024;

  private Recording() {
  }

  /** What a record holds. */
  public enum Type {
    /** A client connected; body: JSON {@code {"face", "service", "client", "upstream"}}. */
    OPEN(1),
    /** Bytes the client sent to the device. */
    TO_DEVICE(2),
    /** Bytes the device sent to the client. */
    FROM_DEVICE(3),
    /** The connection ended; body: why (UTF-8), empty when both sides closed in order. */
    CLOSE(4),
    /** Something about the session (JSON), e.g. the advertised and the served peer info. */
    NOTE(5);

    final int code;

    Type(int code) {
      this.code = code;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /**
   * One record.
   *
   * @param offset where the record starts in the file
   * @param type what it holds
   * @param connection the connection it belongs to (0 for notes about the whole session)
   * @param timeNanos when the proxy saw it, nanoseconds since the Unix epoch
   * @param body the bytes or the UTF-8 text
   */
  public record Entry(long offset, Type type, int connection, long timeNanos, byte[] body) {
    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** True when {@code head} (the first bytes of a file) starts with the recording magic. */
  public static boolean isRecording(byte[] head) {
    return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** Reads records one by one from a stream positioned at the start of a recording. */
  public static final class Reader {
    private final InputStream in;
    private long offset;

    /**
     * Reads and checks the file header.
     *
     * @throws DtxProtocolException when the magic or the version is wrong, naming the field and offset
     */
    public Reader(InputStream in) throws IOException {
      this.in = in;
      byte[] header = readFully(HEADER_LENGTH, "header", true);
      if (!isRecording(header)) {
        throw new DtxProtocolException("recording magic", "\"DTXKREC\\n\"",
            "\"" + new String(header, 0, MAGIC.length, StandardCharsets.ISO_8859_1) + "\"", 0);
      }
      int version = ((header[8] & 0xFF) << 8) | (header[9] & 0xFF);
      if (version != VERSION) {
        throw new DtxProtocolException("recording version", String.valueOf(VERSION), String.valueOf(version), 8);
      }
    }

    /**
     * The next record, or null at the end of the file.
     *
     * @throws DtxProtocolException on an unknown type, a body longer than {@link #MAX_BODY} or a truncated record
     */
    public Entry next() throws IOException {
      long start = offset;
      byte[] head = readFully(RECORD_HEAD, "record head", false);
      if (head == null) {
        return null;
      }
      Type type = Type.of(head[0] & 0xFF);
      if (type == null) {
        throw new DtxProtocolException("record type", "1 to 5", String.valueOf(head[0] & 0xFF), start);
      }
      int connection = readInt(head, 1);
      long time = ((long) readInt(head, 5) << 32) | (readInt(head, 9) & 0xFFFFFFFFL);
      long length = readInt(head, 13) & 0xFFFFFFFFL;
      if (length > MAX_BODY) {
        throw new DtxProtocolException("record length", "<= " + MAX_BODY, String.valueOf(length), start + 13);
      }
      byte[] body = readFully((int) length, "record body", true);
      return new Entry(start, type, connection, time, body);
    }

    private byte[] readFully(int n, String field, boolean required) throws IOException {
      byte[] bytes = new byte[n];
      int read = 0;
      while (read < n) {
        int r = in.read(bytes, read, n - read);
        if (r < 0) {
          if (read == 0 && !required) {
            return null;
          }
          throw new DtxProtocolException(field, "truncated: the file ends " + (n - read) + " byte(s) short of the "
              + field, offset + read, true, null);
        }
        read += r;
      }
      offset += n;
      return bytes;
    }

    private static int readInt(byte[] b, int at) {
      return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
  }

  /** Encodes the header. */
  static byte[] header() {
    byte[] header = Arrays.copyOf(MAGIC, HEADER_LENGTH);
    header[8] = (byte) (VERSION >>> 8);
    header[9] = (byte) VERSION;
    return header;
  }

  /** Encodes one record. */
  static byte[] record(Type type, int connection, long timeNanos, byte[] body, int from, int length) {
    byte[] out = new byte[RECORD_HEAD + length];
    out[0] = (byte) type.code;
    putInt(out, 1, connection);
    putInt(out, 5, (int) (timeNanos >>> 32));
    putInt(out, 9, (int) timeNanos);
    putInt(out, 13, length);
    System.arraycopy(body, from, out, RECORD_HEAD, length);
    return out;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
