package dtxkit.services.lockdown;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One packet of {@code com.apple.afc} (Apple File Conduit): a 40-byte little-endian header — the magic
 * {@code CFA6LPAA}, the packet's whole length, the length of header plus header payload, the packet number and the
 * operation — then the header payload (paths, handles, modes) and the data.
 *
 * @param number the packet number (a reply repeats the request's)
 * @param operation the operation code, e.g. {@link #FILE_WRITE}
 * @param header the header payload
 * @param data the data after it
 */
public record AfcPacket(long number, long operation, byte[] header, byte[] data) {
  /** The magic every packet starts with. */
  public static final byte[] MAGIC = "CFA6LPAA".getBytes(StandardCharsets.US_ASCII);
  /** The fixed header's size. */
  public static final int HEADER_SIZE = 40;

  /** A reply: the error code in the header payload (0 success). */
  public static final long STATUS = 0x01;
  /** A reply carrying data. */
  public static final long DATA = 0x02;
  /** List a directory (path). */
  public static final long READ_DIR = 0x03;
  /** Remove a path. */
  public static final long REMOVE_PATH = 0x08;
  /** {@code RemovePathAndContents}: a file, or a directory with everything in it. */
  public static final long REMOVE_PATH_AND_CONTENTS = 0x22;
  /** Make a directory (path). */
  public static final long MAKE_DIR = 0x09;
  /** Describe a path (path); the reply is {@code key\0value\0...}. */
  public static final long GET_FILE_INFO = 0x0A;
  /** Open a file (mode as 8 bytes, path). */
  public static final long FILE_OPEN = 0x0D;
  /** The reply to {@link #FILE_OPEN}: the handle as 8 bytes. */
  public static final long FILE_OPEN_RESULT = 0x0E;
  /** Read from a handle (handle, length; 8 bytes each). */
  public static final long FILE_READ = 0x0F;
  /** Write to a handle (handle as 8 bytes; the data follows). */
  public static final long FILE_WRITE = 0x10;
  /** Close a handle (8 bytes). */
  public static final long FILE_CLOSE = 0x14;

  /** {@code O_RDONLY}. */
  public static final long MODE_READ = 1;
  /** {@code O_WRONLY | O_CREAT | O_TRUNC}. */
  public static final long MODE_WRITE = 3;

  /** Status: success. */
  public static final int OK = 0;
  /** Status: invalid argument. */
  public static final int INVALID_ARGUMENT = 7;
  /** Status: no such object. */
  public static final int OBJECT_NOT_FOUND = 8;
  /** Status: no space left. */
  public static final int NO_SPACE_LEFT = 18;
  /** Status: unsupported operation. */
  public static final int UNSUPPORTED = 15;

  /**
   * Writes the packet and flushes.
   *
   * @param out the stream
   * @throws IOException the stream failed
   */
  public void write(OutputStream out) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    h.put(MAGIC);
    h.putLong(HEADER_SIZE + (long) header.length + data.length);
    h.putLong(HEADER_SIZE + (long) header.length);
    h.putLong(number);
    h.putLong(operation);
    out.write(h.array());
    out.write(header);
    out.write(data);
    out.flush();
  }

  /**
   * Reads one packet.
   *
   * @param in the stream
   * @param maxPacket the largest packet accepted (checked before allocating)
   * @param offset the stream offset of the packet, for errors
   * @return the packet, or null when the stream ended cleanly before one
   * @throws DtxProtocolException a bad magic or lengths that do not add up
   * @throws DtxLimitExceededException a packet over {@code maxPacket}
   * @throws EOFException the stream ended inside a packet
   * @throws IOException the stream failed
   */
  public static AfcPacket read(InputStream in, int maxPacket, long offset) throws IOException {
    byte[] fixed = new byte[HEADER_SIZE];
    int got = in.readNBytes(fixed, 0, HEADER_SIZE);
    if (got == 0) {
      return null;
    }
    if (got < HEADER_SIZE) {
      throw new EOFException("AFC: the stream ended inside a packet header (" + got + " of 40 bytes) at offset "
          + offset);
    }
    ByteBuffer h = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    h.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new DtxProtocolException("AFC magic", "CFA6LPAA", new String(magic, StandardCharsets.ISO_8859_1),
          offset);
    }
    long total = h.getLong();
    long headerLength = h.getLong();
    long number = h.getLong();
    long operation = h.getLong();
    if (Long.compareUnsigned(total, maxPacket) > 0) {
      throw new DtxLimitExceededException("AFC packet length", maxPacket, total, offset + 8);
    }
    if (headerLength < HEADER_SIZE || headerLength > total) {
      throw new DtxProtocolException("AFC header length", HEADER_SIZE + " to the packet length " + total,
          Long.toUnsignedString(headerLength), offset + 16);
    }
    byte[] header = in.readNBytes((int) headerLength - HEADER_SIZE);
    byte[] data = in.readNBytes((int) (total - headerLength));
    if (header.length + data.length < total - HEADER_SIZE) {
      throw new EOFException("AFC: the stream ended inside a packet of " + total + " bytes at offset " + offset);
    }
    return new AfcPacket(number, operation, header, data);
  }

  /** A 64-bit little-endian number as the header payload. */
  static byte[] u64(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  /** The {@code i}th 64-bit number of the header payload. */
  long headerLong(int i) throws DtxProtocolException {
    if (header.length < 8 * (i + 1)) {
      throw new DtxProtocolException("AFC header payload", "at least " + 8 * (i + 1) + " bytes",
          header.length + " bytes", DtxProtocolException.UNKNOWN_OFFSET);
    }
    return ByteBuffer.wrap(header, 8 * i, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** The header payload from byte {@code from} as a path (a trailing NUL, as some clients send, dropped). */
  String path(int from) {
    int end = header.length;
    while (end > from && header[end - 1] == 0) {
      end--;
    }
    return new String(header, from, Math.max(0, end - from), StandardCharsets.UTF_8);
  }
}
