package dtxkit.runtime.xpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Encodes and decodes XPC objects and RemoteXPC message wrappers. All integers are little-endian and every object
 * ends on a four-byte boundary. Decoding checks each length against the bytes that remain in its container before
 * allocating anything.
 */
public final class XpcCodec {
  /** The wrapper magic, {@code 0x29B00B92}. */
  public static final int WRAPPER_MAGIC = 0x29B00B92;
  /** The payload magic, {@code 0x42133742}. */
  public static final int PAYLOAD_MAGIC = 0x42133742;
  /** The payload version, 5. */
  public static final int PAYLOAD_VERSION = 5;
  /** Bytes of the wrapper before the payload: magic, flags, size, message id. */
  public static final int WRAPPER_HEADER_BYTES = 24;

  private XpcCodec() {}

  // ---------------------------------------------------------------------------------------------------- encoding

  /**
   * Encodes a whole message (wrapper, and payload when it has a body).
   *
   * @param message the message
   * @param alloc where the buffer comes from
   * @return a new buffer holding exactly the message; released by the caller
   */
  public static ByteBuf encodeMessage(XpcMessage message, ByteBufAllocator alloc) {
    ByteBuf out = alloc.buffer();
    try {
      out.writeIntLE(WRAPPER_MAGIC);
      out.writeIntLE(message.flags());
      int sizeIndex = out.writerIndex();
      out.writeLongLE(0);
      out.writeLongLE(message.messageId());
      if (message.body() != null) {
        int start = out.writerIndex();
        out.writeIntLE(PAYLOAD_MAGIC);
        out.writeIntLE(PAYLOAD_VERSION);
        encode(message.body(), out);
        out.setLongLE(sizeIndex, out.writerIndex() - start);
      }
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * Appends one object (type code and body) to {@code out}.
   *
   * @param object the object
   * @param out where the bytes go; not released by this method
   */
  public static void encode(XpcObject object, ByteBuf out) {
    out.writeIntLE(object.typeCode());
    // Java 17 has no pattern switch; the hierarchy is sealed, so this chain is exhaustive.
    if (object instanceof XpcNull) {
      return;
    } else if (object instanceof XpcBool b) {
      out.writeIntLE(b.value() ? 1 : 0);
    } else if (object instanceof XpcInt64 i) {
      out.writeLongLE(i.value());
    } else if (object instanceof XpcUInt64 u) {
      out.writeLongLE(u.value());
    } else if (object instanceof XpcDouble d) {
      out.writeLongLE(Double.doubleToRawLongBits(d.value()));
    } else if (object instanceof XpcDate d) {
      out.writeLongLE(d.nanosSinceEpoch());
    } else if (object instanceof XpcData d) {
      byte[] bytes = d.bytes();
      out.writeIntLE(bytes.length);
      out.writeBytes(bytes);
      pad(out, bytes.length);
    } else if (object instanceof XpcString s) {
      byte[] bytes = s.value().getBytes(StandardCharsets.UTF_8);
      out.writeIntLE(bytes.length + 1);
      out.writeBytes(bytes);
      out.writeByte(0);
      pad(out, bytes.length + 1);
    } else if (object instanceof XpcUuid u) {
      out.writeLong(u.value().getMostSignificantBits());
      out.writeLong(u.value().getLeastSignificantBits());
    } else if (object instanceof XpcFd f) {
      out.writeIntLE(f.value());
    } else if (object instanceof XpcShmem s) {
      out.writeIntLE(s.length());
      out.writeIntLE(s.unknown());
    } else if (object instanceof XpcArray a) {
      int lengthIndex = out.writerIndex();
      out.writeIntLE(0);
      out.writeIntLE(a.elements().size());
      for (XpcObject e : a.elements()) {
        encode(e, out);
      }
      out.setIntLE(lengthIndex, out.writerIndex() - lengthIndex - 4);
    } else if (object instanceof XpcDictionary d) {
      int lengthIndex = out.writerIndex();
      out.writeIntLE(0);
      out.writeIntLE(d.size());
      for (Map.Entry<String, XpcObject> e : d.entries().entrySet()) {
        byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeBytes(key);
        out.writeByte(0);
        pad(out, key.length + 1);
        encode(e.getValue(), out);
      }
      out.setIntLE(lengthIndex, out.writerIndex() - lengthIndex - 4);
    } else if (object instanceof XpcFileTransfer t) {
      out.writeLongLE(t.transferId());
      encode(t.descriptor(), out);
    } else {
      throw new IllegalStateException("unreachable: " + object.getClass());
    }
  }

  private static void pad(ByteBuf out, int length) {
    out.writeZero(padding(length));
  }

  private static int padding(long length) {
    return (int) ((4 - (length & 3)) & 3);
  }

  // ---------------------------------------------------------------------------------------------------- decoding

  /**
   * Decodes a whole message from exactly the readable bytes of {@code in} (wrapper header included).
   *
   * @param in the message bytes; read from its reader index, not released by this method
   * @param streamOffset the stream offset of {@code in}'s reader index, for error messages
   * @param limits the limits to apply
   * @return the message
   * @throws XpcProtocolException when the bytes are not a well-formed message
   */
  public static XpcMessage decodeMessage(ByteBuf in, long streamOffset, XpcLimits limits)
      throws XpcProtocolException {
    int start = in.readerIndex();
    if (in.readableBytes() < WRAPPER_HEADER_BYTES) {
      throw new XpcProtocolException("wrapper", "truncated: " + in.readableBytes() + " bytes, header needs "
          + WRAPPER_HEADER_BYTES, streamOffset);
    }
    int magic = in.getIntLE(start);
    if (magic != WRAPPER_MAGIC) {
      throw new XpcProtocolException("wrapper magic", hex(WRAPPER_MAGIC), hex(magic), streamOffset);
    }
    int flags = in.getIntLE(start + 4);
    long size = in.getLongLE(start + 8);
    long id = in.getLongLE(start + 16);
    long available = in.readableBytes() - WRAPPER_HEADER_BYTES;
    if (size != available) {
      throw new XpcProtocolException("wrapper size", Long.toString(available), Long.toUnsignedString(size),
          streamOffset + 8);
    }
    in.skipBytes(WRAPPER_HEADER_BYTES);
    if (size == 0) {
      return new XpcMessage(flags, id, null);
    }
    Reader r = new Reader(in, streamOffset + WRAPPER_HEADER_BYTES - in.readerIndex(), limits);
    int end = in.writerIndex();
    int payloadMagic = r.u32(end, "payload magic");
    if (payloadMagic != PAYLOAD_MAGIC) {
      throw new XpcProtocolException("payload magic", hex(PAYLOAD_MAGIC), hex(payloadMagic), r.offset() - 4);
    }
    int version = r.u32(end, "payload version");
    if (version != PAYLOAD_VERSION) {
      throw new XpcProtocolException("payload version", Integer.toString(PAYLOAD_VERSION),
          Integer.toUnsignedString(version), r.offset() - 4);
    }
    XpcObject body = r.object(end, 0);
    if (in.readerIndex() != end) {
      throw new XpcProtocolException("payload", (end - in.readerIndex())
          + " bytes left over after the root object", r.offset());
    }
    return new XpcMessage(flags, id, body);
  }

  /**
   * Decodes one object from {@code in}, which must hold exactly that object.
   *
   * @param in the bytes; read from its reader index, not released by this method
   * @param streamOffset the stream offset of {@code in}'s reader index, for error messages
   * @param limits the limits to apply
   * @return the object
   * @throws XpcProtocolException when the bytes are not one well-formed object
   */
  public static XpcObject decode(ByteBuf in, long streamOffset, XpcLimits limits) throws XpcProtocolException {
    Reader r = new Reader(in, streamOffset - in.readerIndex(), limits);
    int end = in.writerIndex();
    XpcObject o = r.object(end, 0);
    if (in.readerIndex() != end) {
      throw new XpcProtocolException("object", (end - in.readerIndex()) + " bytes left over", r.offset());
    }
    return o;
  }

  static String hex(int v) {
    return String.format("0x%08X", v);
  }

  /** Reads objects from a buffer; {@code base} turns a buffer index into a stream offset. */
  private static final class Reader {
    private final ByteBuf in;
    private final long base;
    private final XpcLimits limits;

    Reader(ByteBuf in, long base, XpcLimits limits) {
      this.in = in;
      this.base = base;
      this.limits = limits;
    }

    long offset() {
      return base + in.readerIndex();
    }

    private void need(int end, long n, String field) throws XpcProtocolException {
      long left = end - in.readerIndex();
      if (n > left) {
        throw new XpcProtocolException(field, "length " + n + " overruns its container (" + left
            + " bytes left)", offset());
      }
    }

    int u32(int end, String field) throws XpcProtocolException {
      need(end, 4, field);
      return in.readIntLE();
    }

    long u64(int end, String field) throws XpcProtocolException {
      need(end, 8, field);
      return in.readLongLE();
    }

    private void skipPadding(int end, long length, String field) throws XpcProtocolException {
      int p = padding(length);
      need(end, p, field + " padding");
      in.skipBytes(p);
    }

    XpcObject object(int end, int depth) throws XpcProtocolException {
      long typeOffset = offset();
      int type = u32(end, "type");
      switch (type) {
        case XpcTypes.NULL:
          return XpcNull.INSTANCE;
        case XpcTypes.BOOL: {
          int v = u32(end, "bool");
          // libxpc writes one byte and three padding bytes; the low byte decides, as it does in C.
          return XpcBool.of((v & 0xFF) != 0);
        }
        case XpcTypes.INT64:
          return new XpcInt64(u64(end, "int64"));
        case XpcTypes.UINT64:
          return new XpcUInt64(u64(end, "uint64"));
        case XpcTypes.DOUBLE:
          return new XpcDouble(Double.longBitsToDouble(u64(end, "double")));
        case XpcTypes.DATE:
          return new XpcDate(u64(end, "date"));
        case XpcTypes.DATA: {
          long length = Integer.toUnsignedLong(u32(end, "data length"));
          need(end, length, "data length");
          byte[] bytes = new byte[(int) length];
          in.readBytes(bytes);
          skipPadding(end, length, "data");
          return new XpcData(bytes);
        }
        case XpcTypes.STRING:
          return new XpcString(string(end));
        case XpcTypes.UUID: {
          need(end, 16, "uuid");
          return new XpcUuid(new UUID(in.readLong(), in.readLong()));
        }
        case XpcTypes.FD:
          return new XpcFd(u32(end, "fd"));
        case XpcTypes.SHMEM:
          return new XpcShmem(u32(end, "shmem length"), u32(end, "shmem word"));
        case XpcTypes.ARRAY: {
          checkDepth(depth, typeOffset);
          int containerEnd = containerEnd(end, "array length");
          long count = Integer.toUnsignedLong(u32(containerEnd, "array count"));
          // Every element takes at least its four-byte type code, so the count is bounded before allocating.
          need(containerEnd, count * 4, "array count " + count);
          List<XpcObject> elements = new ArrayList<>((int) count);
          for (long i = 0; i < count; i++) {
            elements.add(object(containerEnd, depth + 1));
          }
          checkConsumed(containerEnd, "array length");
          return new XpcArray(elements);
        }
        case XpcTypes.DICTIONARY: {
          checkDepth(depth, typeOffset);
          int containerEnd = containerEnd(end, "dictionary length");
          long count = Integer.toUnsignedLong(u32(containerEnd, "dictionary count"));
          // Every entry takes at least a four-byte key and a four-byte type code.
          need(containerEnd, count * 8, "dictionary count " + count);
          Map<String, XpcObject> entries = new LinkedHashMap<>();
          for (long i = 0; i < count; i++) {
            long keyOffset = offset();
            String key = cString(containerEnd, "dictionary key");
            if (entries.containsKey(key)) {
              throw new XpcProtocolException("dictionary key", "duplicate key \"" + key + "\"", keyOffset);
            }
            entries.put(key, object(containerEnd, depth + 1));
          }
          checkConsumed(containerEnd, "dictionary length");
          return new XpcDictionary(entries);
        }
        case XpcTypes.FILE_TRANSFER: {
          checkDepth(depth, typeOffset);
          long id = u64(end, "file transfer id");
          return new XpcFileTransfer(id, object(end, depth + 1));
        }
        default:
          throw new XpcProtocolException("type", "a supported XPC type code",
              hex(type) + " (" + XpcTypes.name(type) + ")", typeOffset);
      }
    }

    private void checkDepth(int depth, long at) throws XpcProtocolException {
      if (depth >= limits.maxDepth()) {
        throw new XpcProtocolException("nesting depth", "nesting deeper than " + limits.maxDepth(), at);
      }
    }

    private int containerEnd(int end, String field) throws XpcProtocolException {
      long length = Integer.toUnsignedLong(u32(end, field));
      need(end, length, field);
      return in.readerIndex() + (int) length;
    }

    private void checkConsumed(int containerEnd, String field) throws XpcProtocolException {
      if (in.readerIndex() != containerEnd) {
        throw new XpcProtocolException(field, (containerEnd - in.readerIndex())
            + " bytes declared but not used by the entries", offset());
      }
    }

    private String string(int end) throws XpcProtocolException {
      long lengthOffset = offset();
      long length = Integer.toUnsignedLong(u32(end, "string length"));
      if (length == 0) {
        throw new XpcProtocolException("string length", ">= 1 (the NUL terminator counts)", "0", lengthOffset);
      }
      need(end, length, "string length");
      int start = in.readerIndex();
      if (in.getByte(start + (int) length - 1) != 0) {
        throw new XpcProtocolException("string terminator", "0x00",
            String.format("0x%02X", in.getByte(start + (int) length - 1)), base + start + length - 1);
      }
      String s = utf8(start, (int) length - 1, base + start);
      int embedded = s.indexOf('\0');
      if (embedded >= 0) {
        throw new XpcProtocolException("string", "NUL inside the string before its terminator", base + start);
      }
      in.skipBytes((int) length);
      skipPadding(end, length, "string");
      return s;
    }

    private String cString(int end, String field) throws XpcProtocolException {
      int start = in.readerIndex();
      int nul = in.indexOf(start, end, (byte) 0);
      if (nul < 0) {
        throw new XpcProtocolException(field, "no NUL terminator before the end of the container", base + start);
      }
      String s = utf8(start, nul - start, base + start);
      in.readerIndex(nul + 1);
      skipPadding(end, nul - start + 1L, field);
      return s;
    }

    private String utf8(int start, int length, long at) throws XpcProtocolException {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(in.nioBuffer(start, length))
            .toString();
      } catch (CharacterCodingException e) {
        throw new XpcProtocolException("string", "not valid UTF-8", at);
      }
    }
  }
}
