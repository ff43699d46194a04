package dtxkit.runtime.auxdict;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes aux dictionaries: the bytes between a DTX message's payload header and its payload.
 *
 * <pre>
 *  dictionary:  +-------------+-------------+---------------------------+--------------------------------+
 *               | tag word    | more flags  | body length               | (key, value) primitives ...    |
 *               | u32, 0x1F0  | u32, 0      | u64                       | body length bytes              |
 *               +-------------+-------------+---------------------------+--------------------------------+
 *               bytes 0-7 form one u64 whose low byte is the tag 0xF0; the other bits are flags, kept as read
 *
 *  primitive:   +-------------+-------------------------------------------+
 *               | tag u32     | value (see AuxValue), little-endian       |
 *               +-------------+-------------------------------------------+
 *               the tag is the low byte of the u32
 * </pre>
 *
 * <p>A message with no arguments has no aux at all (aux length 0), not an empty dictionary. Positional arguments are
 * entries with the null key, in order.
 *
 * <p>Malformed aux (an unknown tag, a value running past the end, trailing bytes) is a {@link DtxProtocolException}
 * naming the field and offset; it is not fatal to the connection (the message itself was well framed). Lengths are
 * checked against the bytes present before anything is allocated.
 */
public final class AuxCodec {

  /** Nested dictionaries deeper than this are refused (no known service nests at all). */
  public static final int MAX_DEPTH = 32;

  private AuxCodec() {}

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes positional arguments (each under the null key).
   *
   * @param arguments the arguments, in order
   * @param alloc allocates the result
   * @return the aux bytes, released by the caller; an empty buffer when there are no arguments
   */
  public static ByteBuf encodeArguments(List<? extends AuxValue> arguments, ByteBufAllocator alloc) {
    if (arguments.isEmpty()) {
      return Unpooled.EMPTY_BUFFER;
    }
    List<AuxEntry> entries = new ArrayList<>(arguments.size());
    for (AuxValue argument : arguments) {
      entries.add(AuxEntry.positional(argument));
    }
    return encode(new AuxValue.Dictionary(entries), alloc);
  }

  /**
   * Encodes a dictionary as a whole aux.
   *
   * @param dictionary the dictionary
   * @param alloc allocates the result
   * @return the aux bytes, released by the caller
   */
  public static ByteBuf encode(AuxValue.Dictionary dictionary, ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer(encodedLength(dictionary));
    write(dictionary, out);
    return out;
  }

  /**
   * Writes one primitive (tag and value).
   *
   * @param value the value
   * @param out receives the bytes; not released
   */
  public static void write(AuxValue value, ByteBuf out) {
    if (value instanceof AuxValue.Dictionary d) {
      out.writeLongLE(d.flags() | AuxValue.TAG_DICTIONARY);
      out.writeLongLE(encodedLength(d) - 16L);
      for (AuxEntry entry : d.entries()) {
        write(entry.key(), out);
        write(entry.value(), out);
      }
      return;
    }
    out.writeIntLE(value.tag());
    if (value instanceof AuxValue.Str s) {
      byte[] bytes = s.value().getBytes(StandardCharsets.UTF_8);
      out.writeIntLE(bytes.length).writeBytes(bytes);
    } else if (value instanceof AuxValue.Buffer b) {
      out.writeIntLE(b.length()).writeBytes(b.value());
    } else if (value instanceof AuxValue.Int32 i) {
      out.writeIntLE(i.value());
    } else if (value instanceof AuxValue.Int64 l) {
      out.writeLongLE(l.value());
    } else if (value instanceof AuxValue.Float64 d) {
      out.writeLongLE(Double.doubleToRawLongBits(d.value()));
    }
    // AuxValue.Null has no value bytes.
  }

  /** The encoded size of a primitive, tag included. */
  public static int encodedLength(AuxValue value) {
    if (value instanceof AuxValue.Str s) {
      return 8 + s.value().getBytes(StandardCharsets.UTF_8).length;
    } else if (value instanceof AuxValue.Buffer b) {
      return 8 + b.length();
    } else if (value instanceof AuxValue.Int32) {
      return 8;
    } else if (value instanceof AuxValue.Int64 || value instanceof AuxValue.Float64) {
      return 12;
    } else if (value instanceof AuxValue.Null) {
      return 4;
    }
    AuxValue.Dictionary d = (AuxValue.Dictionary) value;
    long length = 16;
    for (AuxEntry entry : d.entries()) {
      length += encodedLength(entry.key()) + (long) encodedLength(entry.value());
    }
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("aux dictionary over 2 GiB");
    }
    return (int) length;
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Decodes a whole aux as a dictionary.
   *
   * @param aux the aux bytes, reader index to writer index, read with absolute getters (indices do not move); not
   *     released
   * @param offset the stream offset of the first aux byte, added to offsets in errors (0 when unknown)
   * @return the dictionary, or null when the aux is empty (no arguments)
   * @throws DtxProtocolException when the aux is malformed
   */
  public static AuxValue.Dictionary decode(ByteBuf aux, long offset) throws DtxProtocolException {
    if (!aux.isReadable()) {
      return null;
    }
    Reader reader = new Reader(aux, offset);
    long tagAt = reader.position();
    AuxValue value = reader.read(0);
    if (!(value instanceof AuxValue.Dictionary d)) {
      throw bad("aux root", "a dictionary (tag 0xF0)", "tag " + value.tag(), tagAt);
    }
    if (reader.remaining() != 0) {
      throw bad("aux length", (reader.pos - aux.readerIndex()) + " (end of the dictionary)",
          aux.readableBytes() + " (" + reader.remaining() + " trailing bytes)", reader.position());
    }
    return d;
  }

  /**
   * Decodes a whole aux as positional arguments.
   *
   * @param aux as for {@link #decode}; not released
   * @param offset as for {@link #decode}
   * @return the argument values in order; empty when the aux is empty
   * @throws DtxProtocolException when the aux is malformed or an entry has a key other than null
   */
  public static List<AuxValue> decodeArguments(ByteBuf aux, long offset) throws DtxProtocolException {
    AuxValue.Dictionary d = decode(aux, offset);
    if (d == null) {
      return List.of();
    }
    List<AuxValue> values = new ArrayList<>(d.entries().size());
    for (AuxEntry entry : d.entries()) {
      if (!(entry.key() instanceof AuxValue.Null)) {
        throw bad("aux key", "null (positional argument)", entry.key().toString(), offset);
      }
      values.add(entry.value());
    }
    return values;
  }

  private static DtxProtocolException bad(String field, String expected, String actual, long offset) {
    return new DtxProtocolException(
        field, "bad " + field + " " + actual + " (expected " + expected + ")", offset, false, null);
  }

  /** Reads primitives from one aux buffer, tracking the position for errors. */
  private static final class Reader {
    private final ByteBuf buf;
    private final int start;
    private final long offset;
    private int pos;
    private int limit;

    Reader(ByteBuf buf, long offset) {
      this.buf = buf;
      this.start = buf.readerIndex();
      this.pos = start;
      this.limit = buf.writerIndex();
      this.offset = offset;
    }

    long position() {
      return offset + (pos - start);
    }

    int remaining() {
      return limit - pos;
    }

    private void need(long n, String field) throws DtxProtocolException {
      if (n > remaining()) {
        throw bad(field, n + " bytes", remaining() + " bytes left (truncated)", position());
      }
    }

    AuxValue read(int depth) throws DtxProtocolException {
      long tagAt = position();
      need(4, "aux tag");
      long word = buf.getUnsignedIntLE(pos);
      int tag = (int) (word & 0xFF);
      pos += 4;
      switch (tag) {
        case AuxValue.TAG_STRING -> {
          byte[] bytes = readLengthPrefixed("aux string");
          return new AuxValue.Str(new String(bytes, StandardCharsets.UTF_8));
        }
        case AuxValue.TAG_BUFFER -> {
          return new AuxValue.Buffer(readLengthPrefixed("aux buffer"));
        }
        case AuxValue.TAG_INT32 -> {
          need(4, "aux int32");
          int v = buf.getIntLE(pos);
          pos += 4;
          return new AuxValue.Int32(v);
        }
        case AuxValue.TAG_INT64_OLD, AuxValue.TAG_INT64 -> {
          need(8, "aux int64");
          long v = buf.getLongLE(pos);
          pos += 8;
          return new AuxValue.Int64(v);
        }
        case AuxValue.TAG_DOUBLE -> {
          need(8, "aux double");
          double v = Double.longBitsToDouble(buf.getLongLE(pos));
          pos += 8;
          return new AuxValue.Float64(v);
        }
        case AuxValue.TAG_NULL -> {
          return AuxValue.NULL;
        }
        case AuxValue.TAG_DICTIONARY -> {
          return readDictionary(word, tagAt, depth);
        }
        default -> throw bad("aux tag", "1, 2, 3, 4, 6, 9, 10 or 0xF0", DtxProtocolException.hex32(word), tagAt);
      }
    }

    private AuxValue.Dictionary readDictionary(long word, long tagAt, int depth) throws DtxProtocolException {
      if (depth >= MAX_DEPTH) {
        throw bad("aux dictionary depth", "<= " + MAX_DEPTH, Integer.toString(depth + 1), tagAt);
      }
      need(12, "aux dictionary header");
      long flags = ((buf.getUnsignedIntLE(pos) << 32) | word) & ~0xFFL;
      long bodyLength = buf.getLongLE(pos + 4);
      if (bodyLength < 0 || bodyLength > remaining() - 12) {
        throw bad("aux dictionary length", "<= " + (remaining() - 12) + " (bytes left)",
            Long.toUnsignedString(bodyLength), position() + 4);
      }
      pos += 12;
      int savedLimit = limit;
      limit = pos + (int) bodyLength;
      List<AuxEntry> entries = new ArrayList<>();
      while (remaining() > 0) {
        AuxValue key = read(depth + 1);
        if (remaining() == 0) {
          throw bad("aux value", "a value after the key", "end of the dictionary (truncated)", position());
        }
        AuxValue value = read(depth + 1);
        entries.add(new AuxEntry(key, value));
      }
      limit = savedLimit;
      return new AuxValue.Dictionary(flags, entries);
    }

    private byte[] readLengthPrefixed(String field) throws DtxProtocolException {
      need(4, field + " length");
      long length = buf.getUnsignedIntLE(pos);
      if (length > remaining() - 4) {
        throw bad(field + " length", "<= " + (remaining() - 4) + " (bytes left)", Long.toString(length),
            position());
      }
      pos += 4;
      byte[] bytes = new byte[(int) length];
      buf.getBytes(pos, bytes);
      pos += (int) length;
      return bytes;
    }
  }
}
