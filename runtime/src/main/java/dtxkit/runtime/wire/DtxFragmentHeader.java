package dtxkit.runtime.wire;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The 32-byte header in front of every DTX fragment.
 *
 * <pre>
 *  0               4               8       10      12              16
 *  +---------------+---------------+-------+-------+---------------+
 *  | magic         | header length | index | count | length        |
 *  | 0x1F3D5B79    | u32, >= 32    | u16   | u16   | u32           |
 *  +---------------+---------------+-------+-------+---------------+
 *  16              20              24              28              32
 *  +---------------+---------------+---------------+---------------+
 *  | identifier    | conversation  | channel code  | flags         |
 *  | u32           | index, u32    | i32 (signed)  | bit 0: reply  |
 *  +---------------+---------------+---------------+---------------+
 *  all fields little-endian; header length - 32 extension bytes follow and are skipped
 * </pre>
 *
 * <p>{@code length} is the number of body bytes after the header, except on fragment 0 of a message with more than
 * one fragment: there it is the total size of the assembled message, and that fragment has no body.
 *
 * @param headerLength the header length field (32 when written by dtxkit)
 * @param index the fragment index, below {@code count}
 * @param count the number of fragments of the message, at least 1
 * @param length body length, or the assembled size on fragment 0 of a multi-fragment message (unsigned 32-bit)
 * @param identifier the message identifier (unsigned 32-bit, kept in an int)
 * @param conversationIndex 0 for a message that starts a conversation, 1 for its reply, and so on
 * @param channelCode the channel code as on the wire; negative for channels the other side opened
 * @param flags transport flags; bit 0 means the sender expects a reply
 */
public record DtxFragmentHeader(
    int headerLength,
    int index,
    int count,
    long length,
    int identifier,
    int conversationIndex,
    int channelCode,
    int flags) {

  /** The fragment magic, {@code 0x1F3D5B79}. */
  public static final int MAGIC = 0x1F3D5B79;
  /** Size of the header dtxkit writes and the minimum it accepts. */
  public static final int SIZE = 32;
  /** Transport flag bit 0: the sender expects a reply. */
  public static final int FLAG_EXPECTS_REPLY = 1;

  /** True when transport flag bit 0 is set. */
  public boolean expectsReply() {
    return (flags & FLAG_EXPECTS_REPLY) != 0;
  }

  /** True when this fragment is fragment 0 of a multi-fragment message (a header with no body). */
  public boolean isHeaderOnly() {
    return count > 1 && index == 0;
  }

  /** The number of body bytes that follow the header (0 for a header-only fragment 0). */
  public long bodyLength() {
    return isHeaderOnly() ? 0 : length;
  }

  /**
   * Reads and checks the first 32 bytes of a header; extension bytes beyond 32 are left unread.
   *
   * <p>Checks the magic, the header length (at least 32), the count (at least 1) and the index (below the count).
   * Limits are the decoder's business.
   *
   * @param in at least {@link #SIZE} readable bytes; the reader index advances by 32. Not released.
   * @param offset the stream offset of the first header byte, for error messages
   * @return the header
   * @throws DtxProtocolException when a field is invalid; {@code in} is then left unread
   */
  public static DtxFragmentHeader read(ByteBuf in, long offset) throws DtxProtocolException {
    int start = in.readerIndex();
    int magic = in.getIntLE(start);
    if (magic != MAGIC) {
      throw new DtxProtocolException(
          "magic", DtxProtocolException.hex32(MAGIC), DtxProtocolException.hex32(magic), offset);
    }
    long headerLength = in.getUnsignedIntLE(start + 4);
    if (headerLength < SIZE) {
      throw new DtxProtocolException("header length", ">= " + SIZE, Long.toString(headerLength), offset + 4);
    }
    if (headerLength > Integer.MAX_VALUE) {
      throw new DtxProtocolException(
          "header length", "<= " + Integer.MAX_VALUE, Long.toString(headerLength), offset + 4);
    }
    int index = in.getUnsignedShortLE(start + 8);
    int count = in.getUnsignedShortLE(start + 10);
    if (count == 0) {
      throw new DtxProtocolException("fragment count", ">= 1", "0", offset + 10);
    }
    if (index >= count) {
      throw new DtxProtocolException("fragment index", "< " + count, Integer.toString(index), offset + 8);
    }
    DtxFragmentHeader header = new DtxFragmentHeader(
        (int) headerLength,
        index,
        count,
        in.getUnsignedIntLE(start + 12),
        in.getIntLE(start + 16),
        in.getIntLE(start + 20),
        in.getIntLE(start + 24),
        in.getIntLE(start + 28));
    in.skipBytes(SIZE);
    return header;
  }

  /**
   * Writes this header as 32 bytes; the header length field is always written as 32, whatever {@link #headerLength()} says.
   *
   * @param out receives 32 bytes; not released
   */
  public void write(ByteBuf out) {
    out.writeIntLE(MAGIC);
    out.writeIntLE(SIZE);
    out.writeShortLE(index);
    out.writeShortLE(count);
    out.writeIntLE((int) length);
    out.writeIntLE(identifier);
    out.writeIntLE(conversationIndex);
    out.writeIntLE(channelCode);
    out.writeIntLE(flags);
  }
}
