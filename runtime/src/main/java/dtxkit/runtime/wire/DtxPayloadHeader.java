package dtxkit.runtime.wire;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * The 16-byte payload header at the start of every assembled message body.
 *
 * <pre>
 *  0      1       2       3          4               8                               16
 *  +------+-------+-------+----------+---------------+-------------------------------+
 *  | type | flags | flags | reserved | aux length    | total length                  |
 *  | u8   | A, u8 | B, u8 | u8       | u32           | u64 = aux length + payload    |
 *  +------+-------+-------+----------+---------------+-------------------------------+
 *  followed by aux length bytes of aux, then the payload; little-endian
 * </pre>
 *
 * <p>Some peers write bytes 8–15 as a u32 total and a u32 of flags. Both readings are accepted: the u64 reading
 * first, then the u32 one (they agree whenever those flags are 0). Whichever matches must equal the message length
 * minus 16.
 *
 * <p>Compression: type word (bytes 0–1) {@code 0x0707} marks an LZ4-compressed payload (what devices send). Some
 * peers read a compression field from bits 12–19 of the first little-endian u32 instead; but appium's client sets
 * byte 1 to 0x10 on requests that expect a reply without compressing anything, so a non-zero field alone does not
 * prove compression: the decoder also requires the payload to start like a "bv41" block stream (see
 * {@link Lz4BlockStream#looksCompressed}).
 *
 * @param typeCode the type byte (see {@link DtxMessageType#fromCode})
 * @param flagsA byte 1
 * @param flagsB byte 2
 * @param reserved byte 3
 * @param auxLength aux length (unsigned 32-bit)
 * @param totalLength aux plus payload length
 */
public record DtxPayloadHeader(
    int typeCode, int flagsA, int flagsB, int reserved, long auxLength, long totalLength) {

  /** Size of the payload header. */
  public static final int SIZE = 16;
  /** The type word of an LZ4-compressed message: type 7, flags A 7. */
  public static final int COMPRESSED_TYPE_WORD = 0x0707;

  /** The compression field, bits 12–19 of the first little-endian u32. */
  public int compressionBits() {
    int word = typeCode | flagsA << 8 | flagsB << 16 | reserved << 24;
    return (word >>> 12) & 0xFF;
  }

  /** True when bytes 0–1 are {@code 0x0707}: the LZ4-compressed message type devices send. */
  public boolean hasCompressedTypeWord() {
    return (typeCode | flagsA << 8) == COMPRESSED_TYPE_WORD;
  }

  /** Payload length: total minus aux. */
  public long payloadLength() {
    return totalLength - auxLength;
  }

  /**
   * Reads and checks the payload header at the start of a message body.
   *
   * @param body the whole assembled message body, at least 16 readable bytes; read with absolute getters, its indices
   *     do not move. Not released.
   * @param offset the stream offset of the body's first byte, for error messages
   * @return the header, with a total equal to the body length minus 16 and an aux length no larger than the total
   * @throws DtxProtocolException when the total does not match under either reading, or the aux does not fit
   */
  public static DtxPayloadHeader read(ByteBuf body, long offset) throws DtxProtocolException {
    int start = body.readerIndex();
    long length = body.readableBytes();
    if (length < SIZE) {
      throw new DtxProtocolException("message length", ">= " + SIZE, Long.toString(length), offset);
    }
    long expectedTotal = length - SIZE;
    long total = body.getLongLE(start + 8);
    if (total != expectedTotal) {
      long total32 = body.getUnsignedIntLE(start + 8);
      if (total32 != expectedTotal) {
        throw new DtxProtocolException(
            "total length",
            String.format("0x%X (message length %d - 16)", expectedTotal, length),
            String.format("0x%016X", total),
            offset + 8);
      }
      total = total32;
    }
    long auxLength = body.getUnsignedIntLE(start + 4);
    if (auxLength > total) {
      throw new DtxProtocolException(
          "aux length", "<= total length " + total, Long.toString(auxLength), offset + 4);
    }
    return new DtxPayloadHeader(
        body.getUnsignedByte(start),
        body.getUnsignedByte(start + 1),
        body.getUnsignedByte(start + 2),
        body.getUnsignedByte(start + 3),
        auxLength,
        total);
  }

  /**
   * Writes the 16 bytes, with the total as a u64.
   *
   * @param out receives 16 bytes; not released
   */
  public void write(ByteBuf out) {
    out.writeByte(typeCode);
    out.writeByte(flagsA);
    out.writeByte(flagsB);
    out.writeByte(reserved);
    out.writeIntLE((int) auxLength);
    out.writeLongLE(totalLength);
  }
}
