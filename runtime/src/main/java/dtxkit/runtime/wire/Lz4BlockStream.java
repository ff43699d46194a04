package dtxkit.runtime.wire;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Decodes the payload of an LZ4-compressed DTX message: a declared size followed by Apple's "bv41" block stream.
 *
 * <pre>
 *  compressed payload:  +----------------+----------+----------+-- ... --+----------+
 *                       | decoded size   | block 0  | block 1  |         | bv4$     |
 *                       | u32            |          |          |         | (end)    |
 *                       +----------------+----------+----------+-- ... --+----------+
 *
 *  LZ4 block:   +--------+--------------+--------------+------------------------+
 *               | "bv41" | decoded size | encoded size | LZ4 block (raw format) |
 *               |        | u32          | u32          | encoded size bytes     |
 *               +--------+--------------+--------------+------------------------+
 *  raw block:   +--------+--------------+------------------------+
 *               | "bv4-" | size u32     | size bytes, stored     |
 *               +--------+--------------+------------------------+
 *  end:         +--------+
 *               | "bv4$" |
 *               +--------+               all sizes little-endian
 * </pre>
 *
 * <p>The declared size is checked against the message limit before the output is allocated, and every block's
 * decoded size against what is left of it, so a peer cannot make the decoder allocate more than it declared.
 */
public final class Lz4BlockStream {

  /** "bv41" as a little-endian u32. */
  static final int MAGIC_LZ4 = magic("bv41");
  /** "bv4-" as a little-endian u32. */
  static final int MAGIC_RAW = magic("bv4-");
  /** "bv4$" as a little-endian u32. */
  static final int MAGIC_END = magic("bv4$");

  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestJavaInstance().safeDecompressor();

  private Lz4BlockStream() {}

  private static int magic(String s) {
    return s.charAt(0) | s.charAt(1) << 8 | s.charAt(2) << 16 | s.charAt(3) << 24;
  }

  /**
   * True when {@code in} starts like a compressed DTX payload: a u32 size, then a block magic ("bv41", "bv4-" or
   * "bv4$"). An archive ("bplist00...") or any payload that is not a block stream fails this.
   *
   * @param in the payload, from its reader index; indices do not move, not released
   */
  public static boolean looksCompressed(ByteBuf in) {
    if (in.readableBytes() < 8) {
      return false;
    }
    int magic = in.getIntLE(in.readerIndex() + 4);
    return magic == MAGIC_LZ4 || magic == MAGIC_RAW || magic == MAGIC_END;
  }

  /**
   * Decompresses a compressed DTX payload (declared size + block stream).
   *
   * @param in the compressed payload; read from its reader index to its writer index with absolute getters (indices
   *     do not move). Not released: the caller keeps ownership.
   * @param maxDecodedBytes the largest declared size accepted; values above {@code Integer.MAX_VALUE} (one buffer)
   *     act as {@code Integer.MAX_VALUE}
   * @param offset stream offset of {@code in}'s first byte, for error messages (offsets inside are added to it)
   * @param alloc allocates the output
   * @return the decoded bytes, exactly the declared size; released by the caller
   * @throws DtxProtocolException on a bad magic, truncation, a size that does not add up or a corrupt LZ4 block
   * @throws DtxLimitExceededException when the declared size is over {@code maxDecodedBytes}
   */
  public static ByteBuf decode(ByteBuf in, long maxDecodedBytes, long offset, ByteBufAllocator alloc)
      throws DtxProtocolException {
    int start = in.readerIndex();
    int end = in.writerIndex();
    if (end - start < 4) {
      throw new DtxProtocolException(
          "lz4 decoded size", "4 bytes", (end - start) + " bytes (truncated)", offset);
    }
    long declared = in.getUnsignedIntLE(start);
    // One buffer holds the output, so no limit above Integer.MAX_VALUE can be honoured: a u32 size past it would
    // otherwise reach the allocator as a negative capacity.
    long limit = Math.min(maxDecodedBytes, Integer.MAX_VALUE);
    if (declared > limit) {
      throw new DtxLimitExceededException("decompressed bytes per message", limit, declared, offset);
    }
    // The declared size is only a claim: walk the block headers first, so that a few bytes claiming the whole limit
    // are refused before the output buffer of that size is allocated.
    checkBlockHeaders(in, start, end, declared, offset);
    ByteBuf out = alloc.heapBuffer((int) declared, (int) declared);
    try {
      int pos = start + 4;
      while (true) {
        long at = offset + (pos - start);
        need(end - pos, 4, "lz4 block magic", at);
        int magic = in.getIntLE(pos);
        if (magic == MAGIC_END) {
          pos += 4;
          break;
        }
        if (magic == MAGIC_LZ4) {
          need(end - pos, 12, "lz4 block header", at);
          long decodedSize = in.getUnsignedIntLE(pos + 4);
          long encodedSize = in.getUnsignedIntLE(pos + 8);
          if (decodedSize > out.writableBytes()) {
            throw new DtxProtocolException("lz4 block decoded size",
                "<= " + out.writableBytes() + " (rest of declared " + declared + ")",
                Long.toString(decodedSize), at + 4);
          }
          if (encodedSize > end - pos - 12) {
            throw new DtxProtocolException("lz4 block encoded size",
                "<= " + (end - pos - 12) + " (bytes left)", Long.toString(encodedSize), at + 8);
          }
          decompress(in, pos + 12, (int) encodedSize, out, (int) decodedSize, at + 12);
          pos += 12 + (int) encodedSize;
        } else if (magic == MAGIC_RAW) {
          need(end - pos, 8, "lz4 raw block header", at);
          long size = in.getUnsignedIntLE(pos + 4);
          if (size > out.writableBytes()) {
            throw new DtxProtocolException("lz4 raw block size",
                "<= " + out.writableBytes() + " (rest of declared " + declared + ")", Long.toString(size), at + 4);
          }
          if (size > end - pos - 8) {
            throw new DtxProtocolException(
                "lz4 raw block size", "<= " + (end - pos - 8) + " (bytes left)", Long.toString(size), at + 4);
          }
          out.writeBytes(in, pos + 8, (int) size);
          pos += 8 + (int) size;
        } else {
          throw new DtxProtocolException("lz4 block magic", "bv41, bv4- or bv4$",
              DtxProtocolException.hex32(magic), at);
        }
      }
      if (out.readableBytes() != declared) {
        throw new DtxProtocolException(
            "lz4 decoded size", Long.toString(declared), Integer.toString(out.readableBytes()), offset);
      }
      if (pos != end) {
        throw new DtxProtocolException("lz4 stream end", "end of payload at " + (offset + end - start),
            (end - pos) + " trailing bytes", offset + pos - start);
      }
      return out;
    } catch (DtxProtocolException | RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * Checks, without decoding or allocating, that the block headers of {@code in[start, end)} add up to
   * {@code declared}: every block lies within the payload, no LZ4 block claims more than {@link #MAX_RATIO} times its
   * encoded size (the most an LZ4 block can expand), and the sizes sum to the declared size.
   */
  private static void checkBlockHeaders(ByteBuf in, int start, int end, long declared, long offset)
      throws DtxProtocolException {
    long sum = 0;
    int pos = start + 4;
    while (true) {
      long at = offset + (pos - start);
      need(end - pos, 4, "lz4 block magic", at);
      int magic = in.getIntLE(pos);
      long size;
      if (magic == MAGIC_END) {
        break;
      } else if (magic == MAGIC_LZ4) {
        need(end - pos, 12, "lz4 block header", at);
        size = in.getUnsignedIntLE(pos + 4);
        long encodedSize = in.getUnsignedIntLE(pos + 8);
        if (encodedSize > end - pos - 12) {
          throw new DtxProtocolException("lz4 block encoded size",
              "<= " + (end - pos - 12) + " (bytes left)", Long.toString(encodedSize), at + 8);
        }
        if (size > MAX_RATIO * encodedSize) {
          throw new DtxProtocolException("lz4 block decoded size", "<= " + MAX_RATIO * encodedSize + " ("
              + MAX_RATIO + " x encoded size " + encodedSize + ")", Long.toString(size), at + 4);
        }
        pos += 12 + (int) encodedSize;
      } else if (magic == MAGIC_RAW) {
        need(end - pos, 8, "lz4 raw block header", at);
        size = in.getUnsignedIntLE(pos + 4);
        if (size > end - pos - 8) {
          throw new DtxProtocolException(
              "lz4 raw block size", "<= " + (end - pos - 8) + " (bytes left)", Long.toString(size), at + 4);
        }
        pos += 8 + (int) size;
      } else {
        throw new DtxProtocolException("lz4 block magic", "bv41, bv4- or bv4$", DtxProtocolException.hex32(magic), at);
      }
      if (size > declared - sum) {
        throw new DtxProtocolException(magic == MAGIC_LZ4 ? "lz4 block decoded size" : "lz4 raw block size",
            "<= " + (declared - sum) + " (rest of declared " + declared + ")", Long.toString(size), at + 4);
      }
      sum += size;
    }
    if (sum != declared) {
      throw new DtxProtocolException("lz4 decoded size", Long.toString(declared),
          Long.toString(sum), offset);
    }
  }

  /**
   * The most an LZ4 block expands: a sequence of a token, a 2-byte offset and n match-length bytes of 255 decodes
   * to at most 19 + 255 n bytes, under 255 per encoded byte.
   */
  private static final long MAX_RATIO = 255;

  private static void need(int available, int needed, String field, long offset) throws DtxProtocolException {
    if (available < needed) {
      throw new DtxProtocolException(field, needed + " bytes", available + " bytes (truncated)", offset);
    }
  }

  /**
   * Decompresses one "bv41" block into {@code out}.
   *
   * <p>Apple's blocks are linked: a match may reach back into the output of earlier blocks (up to the LZ4 window of
   * 64 KiB). lz4-java decodes single blocks only and rejects such references, and has no prefix-dictionary API. So
   * for every block after the first, the block is re-spliced before decoding: the window preceding it is prepended to
   * the literals of its first sequence (only that sequence's literal-length field is rewritten), which gives a valid
   * standalone LZ4 block that decodes to window + block. lz4-java's safe decompressor then does all the bounds
   * checking, and the block's part of the result is kept.
   */
  private static void decompress(ByteBuf in, int index, int encodedSize, ByteBuf out, int decodedSize, long offset)
      throws DtxProtocolException {
    byte[] src = new byte[encodedSize];
    in.getBytes(index, src);
    int window = Math.min(WINDOW, out.readableBytes());
    byte[] dest = out.array();
    int destOff = out.arrayOffset() + out.writerIndex();
    try {
      if (window == 0) {
        int written = DECOMPRESSOR.decompress(src, 0, encodedSize, dest, destOff, decodedSize);
        checkWritten(written, decodedSize, offset);
      } else {
        byte[] spliced = splice(src, dest, destOff - window, window, offset);
        byte[] joined = new byte[window + decodedSize];
        int written = DECOMPRESSOR.decompress(spliced, 0, spliced.length, joined, 0, joined.length);
        checkWritten(written - window, decodedSize, offset);
        System.arraycopy(joined, window, dest, destOff, decodedSize);
      }
    } catch (LZ4Exception e) {
      throw new DtxProtocolException("lz4 block",
          "corrupt LZ4 block (expected " + decodedSize + " decoded bytes): " + e.getMessage(), offset, true, e);
    }
    out.writerIndex(out.writerIndex() + decodedSize);
  }

  /** LZ4's match window: the most a match can reach back. */
  private static final int WINDOW = 64 * 1024;

  private static void checkWritten(int written, int decodedSize, long offset) throws DtxProtocolException {
    if (written != decodedSize) {
      throw new DtxProtocolException(
          "lz4 block decoded size", Integer.toString(decodedSize), Integer.toString(written), offset - 8);
    }
  }

  /**
   * Builds an LZ4 block equal to {@code block} with {@code prefix[prefixOff, prefixOff + prefixLen)} prepended to
   * the literals of its first sequence.
   *
   * <pre>
   *  sequence:  +-------+------------------+----------+--------+------------------+
   *             | token | literal length   | literals | offset | match length     |
   *             | LLLL  | 255, 255, ..., n | ...      | u16    | 255, ..., n      |
   *             | MMMM  | (when LLLL = 15) |          |        | (when MMMM = 15) |
   *             +-------+------------------+----------+--------+------------------+
   * </pre>
   */
  private static byte[] splice(byte[] block, byte[] prefix, int prefixOff, int prefixLen, long offset)
      throws DtxProtocolException {
    if (block.length == 0) {
      throw new DtxProtocolException("lz4 block", "empty LZ4 block", offset, true, null);
    }
    int token = block[0] & 0xFF;
    long literals = token >>> 4;
    int pos = 1;
    if (literals == 15) {
      int b;
      do {
        if (pos >= block.length) {
          throw new DtxProtocolException("lz4 block", "LZ4 literal length runs past the block", offset, true, null);
        }
        b = block[pos++] & 0xFF;
        literals += b;
      } while (b == 255);
    }
    long total = literals + prefixLen;
    int extension = total >= 15 ? (int) ((total - 15) / 255) + 1 : 0;
    byte[] out = new byte[1 + extension + prefixLen + block.length - pos];
    int o = 0;
    out[o++] = (byte) ((Math.min(total, 15) << 4) | (token & 0x0F));
    if (total >= 15) {
      long rest = total - 15;
      while (rest >= 255) {
        out[o++] = (byte) 255;
        rest -= 255;
      }
      out[o++] = (byte) rest;
    }
    System.arraycopy(prefix, prefixOff, out, o, prefixLen);
    o += prefixLen;
    System.arraycopy(block, pos, out, o, block.length - pos);
    return out;
  }
}
