package dtxkit.runtime;

import dtxkit.runtime.archive.NSKeyedArchiver;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.auxdict.AuxValue;
import dtxkit.runtime.wire.DtxFragmentEncoder;
import dtxkit.runtime.wire.DtxLimits;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.runtime.wire.DtxOutboundMessage;
import dtxkit.runtime.wire.DtxTraceFormatter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the connection meets the wire, aux and archive packages: argument and payload encoding, fragmenting, the
 * decoder, the trace line. Kept in one place so the connection code reads in terms of Java values.
 */
final class Codec {

  private static final DtxFragmentEncoder ENCODER = new DtxFragmentEncoder();
  /**
   * Archived selectors, by selector, and selectors by their archived bytes: a service uses a handful of selectors,
   * and archiving or unarchiving one through dd-plist costs more than the rest of a small call. Bounded: a peer that
   * sends endless distinct selectors only stops being cached.
   */
  private static final int SELECTOR_CACHE_MAX = 4096;
  private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> ARCHIVED_SELECTORS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, String> SELECTORS =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final byte[] BPLIST = {'b', 'p', 'l', 'i', 's', 't'};

  private Codec() {}

  /**
   * Encodes invocation arguments as an aux dictionary.
   *
   * @return the aux bytes, released by the caller (in practice taken over by a message builder); empty for none
   * @throws IllegalArgumentException when an object argument cannot be archived
   */
  static ByteBuf encodeArguments(DtxArgument[] args) {
    if (args == null || args.length == 0) {
      return Unpooled.EMPTY_BUFFER;
    }
    List<AuxValue> values = new ArrayList<>(args.length);
    for (DtxArgument arg : args) {
      Object v = arg.rawValue();
      values.add(switch (arg.kind()) {
        case OBJECT -> AuxValue.buffer(v == null ? new byte[0] : NSKeyedArchiver.archive(v));
        case INT32 -> AuxValue.int32((Integer) v);
        case INT64 -> AuxValue.int64((Long) v);
        case FLOAT64 -> AuxValue.float64((Double) v);
        case STRING -> AuxValue.string((String) v);
        case RAW -> AuxValue.buffer((byte[]) v);
      });
    }
    return AuxCodec.encodeArguments(values, ByteBufAllocator.DEFAULT);
  }

  /**
   * Decodes invocation arguments: tag 2 unarchived (bytes that are not an archive stay {@code byte[]}, empty is
   * null), the primitives as their Java values.
   *
   * @param aux not released
   */
  static List<Object> decodeArguments(ByteBuf aux, long offset) throws DtxProtocolException {
    List<AuxValue> values = AuxCodec.decodeArguments(aux, offset);
    List<Object> out = new ArrayList<>(values.size());
    for (AuxValue value : values) {
      if (value instanceof AuxValue.Buffer b) {
        out.add(decodeBuffer(b.value()));
      } else {
        out.add(value.javaValue());
      }
    }
    return out;
  }

  private static Object decodeBuffer(byte[] bytes) {
    if (bytes.length == 0) {
      return null;
    }
    if (!startsWith(bytes, BPLIST)) {
      return bytes;
    }
    try {
      return NSKeyedUnarchiver.unarchive(bytes);
    } catch (DtxProtocolException e) {
      // A plist that is not a keyed archive: the contract hands such buffers over as bytes.
      return bytes;
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Archives a payload value.
   *
   * @return a buffer released by the caller (taken over by a message builder)
   * @throws IllegalArgumentException when the value cannot be archived
   */
  static ByteBuf archive(Object value) {
    return NSKeyedArchiver.archiveBuffer(value);
  }

  /**
   * Archives a selector (cached).
   *
   * @return a buffer released by the caller (taken over by a message builder)
   */
  static ByteBuf archiveSelector(String selector) {
    byte[] bytes = ARCHIVED_SELECTORS.get(selector);
    if (bytes == null) {
      bytes = NSKeyedArchiver.archive(selector);
      if (ARCHIVED_SELECTORS.size() < SELECTOR_CACHE_MAX) {
        ARCHIVED_SELECTORS.put(selector, bytes);
      }
    }
    // Wrapped read-only use: the writer only reads it, so sharing the cached array is safe.
    return Unpooled.wrappedBuffer(bytes);
  }

  /**
   * Unarchives the payload of a DISPATCH: the selector (cached by its archived bytes).
   *
   * @param payload not released
   * @return the selector, or another object when the payload is not an archived string
   */
  static Object unarchiveSelector(ByteBuf payload, long offset) throws DtxProtocolException {
    byte[] bytes = ByteBufUtil.getBytes(payload);
    java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(bytes);
    String cached = SELECTORS.get(key);
    if (cached != null) {
      return cached;
    }
    Object decoded = bytes.length == 0 ? null : NSKeyedUnarchiver.unarchive(bytes);
    if (decoded instanceof String s && SELECTORS.size() < SELECTOR_CACHE_MAX) {
      SELECTORS.put(key, s);
    }
    return decoded;
  }

  /**
   * Unarchives a payload; an empty payload is null.
   *
   * @param payload not released
   */
  static Object unarchive(ByteBuf payload, long offset) throws DtxProtocolException {
    if (!payload.isReadable()) {
      return null;
    }
    // In place: a payload that lies in one heap buffer (a message read in one go, or reassembled into the decoder's
    // heap cumulation) is decoded where it lies; one spread over several reads is copied once.
    return NSKeyedUnarchiver.unarchive(payload);
  }

  /**
   * Prepares a message for the writer.
   *
   * @param message taken over: released once its last fragment is handed out or it is discarded
   */
  static OutboundWriter.Outgoing fragments(DtxMessage message) {
    DtxOutboundMessage outbound = ENCODER.encode(message);
    return new OutboundWriter.Outgoing() {
      @Override
      public boolean hasNext() {
        return outbound.hasNextFragment();
      }

      @Override
      public ByteBuf next() {
        return outbound.nextFragment();
      }

      @Override
      public void writeNext(java.io.OutputStream out) throws java.io.IOException {
        outbound.writeNextFragment(out);
      }

      @Override
      public boolean singleFragment() {
        return outbound.fragmentCount() == 1;
      }

      @Override
      public int fragmentCount() {
        return outbound.fragmentCount();
      }

      @Override
      public long wireLength() {
        return outbound.wireLength();
      }

      @Override
      public void discard() {
        outbound.close();
      }
    };
  }

  /** The connection's reader-side decoder. */
  static final class Decoder {
    private final DtxMessageDecoder decoder;

    Decoder(DtxLimits limits, dtxkit.runtime.wire.DtxMemoryBudget budget) {
      this.decoder = new DtxMessageDecoder(limits, ByteBufAllocator.DEFAULT, budget);
    }

    /**
     * @param in released by this method
     * @param sink takes over each message
     */
    void feed(ByteBuf in, Consumer<DtxMessage> sink) throws DtxProtocolException {
      decoder.decode(in, sink);
    }

    void close() {
      decoder.close();
    }

    /** True when no fragment or message is partly received. */
    boolean idle() {
      return decoder.idle();
    }

    /** Bytes held for messages being reassembled. */
    long bufferedBytes() {
      return decoder.bufferedBytes();
    }
  }

  /**
   * The trace line of a whole message, sent or received, in {@link DtxTraceFormatter}'s format with fragment
   * {@code 1/N} (N the number of fragments it travels in) and the body length.
   *
   * @param fragmentCount for a sent message; ignored for a received one (it knows its fragments)
   */
  static String traceLine(boolean sent, DtxMessage message, int fragmentCount, String selector) {
    if (sent) {
      return DtxTraceFormatter.format(DtxTraceFormatter.Direction.SENT, message.channelCode(), message.identifier(),
          message.conversationIndex(), 0, fragmentCount, message.type(), false, selector,
          message.bodyLength());
    }
    return DtxTraceFormatter.format(DtxTraceFormatter.Direction.RECEIVED, message, selector);
  }
}
