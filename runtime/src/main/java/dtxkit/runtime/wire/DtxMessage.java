package dtxkit.runtime.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import java.util.List;
import java.util.Objects;

/**
 * One DTX message: its routing fields, its type and payload-header flags, and its aux and payload bytes.
 *
 * <p><b>Ownership.</b> A message is reference counted, Netty style, and owns its two buffers: {@link #aux()} and
 * {@link #payload()} are valid while {@link #refCnt()} is positive, and the last {@link #release()} releases both.
 * Whoever receives a message (from {@link DtxMessageDecoder} or a {@link Builder}) holds one reference and must
 * release it, or hand it on (for example to {@link DtxFragmentEncoder#encode}, which takes it over). To keep the
 * bytes beyond the message's life, copy them ({@link #auxBytes()}, {@link #payloadBytes()}) or retain a duplicate.
 *
 * <p><b>Compression.</b> A compressed message received from a peer is decompressed by the decoder: {@link #payload()}
 * holds the decompressed bytes and {@link #compressed()} says that the wire form was compressed.
 *
 * <p><b>Receive-side facts.</b> A decoded message also carries the stream offset of its first fragment and the list of
 * fragments it came in ({@link #streamOffset()}, {@link #fragments()}); built messages have offset -1 and no
 * fragments.
 */
public final class DtxMessage extends AbstractReferenceCounted {

  /** {@link #streamOffset()} of a message that was built, not decoded. */
  public static final long NO_OFFSET = -1;

  private final DtxMessageType type;
  private final int identifier;
  private final int conversationIndex;
  private final int channelCode;
  private final boolean expectsReply;
  private final int flagsA;
  private final int flagsB;
  private final boolean compressed;
  private final ByteBuf aux;
  private final ByteBuf payload;
  private final long streamOffset;
  private final List<DtxFragmentInfo> fragments;
  /** Whether {@link #payload} wraps an array of its own that no one else holds (set by the decoder only). */
  private final boolean payloadArrayOwned;

  private DtxMessage(Builder b, long streamOffset, List<DtxFragmentInfo> fragments) {
    this.type = b.type;
    this.identifier = b.identifier;
    this.conversationIndex = b.conversationIndex;
    this.channelCode = b.channelCode;
    this.expectsReply = b.expectsReply;
    this.flagsA = b.flagsA;
    this.flagsB = b.flagsB;
    this.compressed = b.compressed;
    this.aux = b.aux == null ? Unpooled.EMPTY_BUFFER : b.aux;
    this.payload = b.payload == null ? Unpooled.EMPTY_BUFFER : b.payload;
    this.streamOffset = streamOffset;
    this.fragments = List.copyOf(fragments);
    this.payloadArrayOwned = b.payloadArrayOwned;
  }

  /**
   * Starts a message of the given type; identifier, conversation and channel default to 0, no reply expected, no
   * aux, no payload.
   *
   * @param type the message type
   * @return a builder
   */
  public static Builder builder(DtxMessageType type) {
    return new Builder(type);
  }

  /** The message type (for a compressed message as sent: usually {@link DtxMessageType#COMPRESSED}). */
  public DtxMessageType type() {
    return type;
  }

  /** The message identifier (unsigned 32-bit on the wire). */
  public int identifier() {
    return identifier;
  }

  /** The conversation index: 0 for a message that starts a conversation, 1 for its reply. */
  public int conversationIndex() {
    return conversationIndex;
  }

  /** The channel code as on the wire (negative for channels the other side opened). */
  public int channelCode() {
    return channelCode;
  }

  /** True when the sender asked for a reply (transport flag bit 0). */
  public boolean expectsReply() {
    return expectsReply;
  }

  /** Payload header byte 1 (0x07 on a {@code 0x0707} compressed message; some clients set 0x10 on requests). */
  public int flagsA() {
    return flagsA;
  }

  /** Payload header byte 2. */
  public int flagsB() {
    return flagsB;
  }

  /** True when the message was LZ4-compressed on the wire; {@link #payload()} is then already decompressed. */
  public boolean compressed() {
    return compressed;
  }

  /**
   * The aux bytes (the encoded argument dictionary; empty when there are no arguments). Owned by this message: valid
   * while it is live, not to be released by the caller; the reader index is the caller's to move only on a
   * {@link ByteBuf#duplicate() duplicate}.
   */
  public ByteBuf aux() {
    ensureLive();
    return aux;
  }

  /**
   * The payload bytes (decompressed when the message was compressed). Owned by this message like {@link #aux()}.
   */
  public ByteBuf payload() {
    ensureLive();
    return payload;
  }

  /** A copy of the aux bytes. */
  public byte[] auxBytes() {
    return ByteBufUtil.getBytes(aux());
  }

  /** A copy of the payload bytes. */
  public byte[] payloadBytes() {
    return ByteBufUtil.getBytes(payload());
  }

  /**
   * The payload bytes for a caller that takes them over and reads this message no more: the array a large message was
   * reassembled into when the payload fills it (the decoder gave it to no one else), else a copy as
   * {@link #payloadBytes()}. Saves copying a message of many megabytes once more while its bytes are held twice.
   */
  public byte[] payloadBytesHandedOver() {
    ByteBuf p = payload();
    if (payloadArrayOwned && p.hasArray() && p.arrayOffset() == 0 && p.readerIndex() == 0
        && p.readableBytes() == p.array().length) {
      return p.array();
    }
    return payloadBytes();
  }

  /** The stream offset of the message's first fragment header, or {@link #NO_OFFSET} for a built message. */
  public long streamOffset() {
    return streamOffset;
  }

  /** The fragments the message arrived in, in order; empty for a built message. */
  public List<DtxFragmentInfo> fragments() {
    return fragments;
  }

  /** Size of the message body on the wire when sent uncompressed: 16-byte payload header + aux + payload. */
  public long bodyLength() {
    return DtxPayloadHeader.SIZE + (long) aux().readableBytes() + payload().readableBytes();
  }

  private void ensureLive() {
    if (refCnt() == 0) {
      throw new io.netty.util.IllegalReferenceCountException(0);
    }
  }

  @Override
  public DtxMessage retain() {
    super.retain();
    return this;
  }

  @Override
  public DtxMessage retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public DtxMessage touch() {
    return touch(null);
  }

  @Override
  public DtxMessage touch(Object hint) {
    aux.touch(hint);
    payload.touch(hint);
    return this;
  }

  @Override
  protected void deallocate() {
    aux.release();
    payload.release();
  }

  /** Routing fields, type, sizes; never the bytes. */
  @Override
  public String toString() {
    return "DtxMessage{" + type + (compressed ? " compressed" : "")
        + " id=" + Integer.toUnsignedString(identifier) + "." + conversationIndex
        + " channel=" + channelCode
        + (expectsReply ? " expectsReply" : "")
        + " aux=" + (refCnt() > 0 ? aux.readableBytes() : -1)
        + " payload=" + (refCnt() > 0 ? payload.readableBytes() : -1)
        + (streamOffset >= 0 ? " offset=" + streamOffset : "")
        + "}";
  }

  /**
   * Builds a {@link DtxMessage} to send (or, inside the decoder, one that was received).
   *
   * <p>The builder takes over the buffers given to {@link #aux(ByteBuf)} and {@link #payload(ByteBuf)}: the built
   * message releases them. If the builder is abandoned without {@link #build()}, call {@link #discard()}.
   */
  public static final class Builder {
    private final DtxMessageType type;
    private int identifier;
    private int conversationIndex;
    private int channelCode;
    private boolean expectsReply;
    private int flagsA;
    private int flagsB;
    private boolean compressed;
    private ByteBuf aux;
    private ByteBuf payload;
    private boolean payloadArrayOwned;
    private boolean built;

    private Builder(DtxMessageType type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    /** The message identifier. */
    public Builder identifier(int identifier) {
      this.identifier = identifier;
      return this;
    }

    /** The conversation index (0 starts a conversation, the reply has the request's index + 1). */
    public Builder conversationIndex(int conversationIndex) {
      this.conversationIndex = conversationIndex;
      return this;
    }

    /** The channel code exactly as it is to appear on the wire. */
    public Builder channelCode(int channelCode) {
      this.channelCode = channelCode;
      return this;
    }

    /** Whether the receiver is asked to reply (transport flag bit 0). */
    public Builder expectsReply(boolean expectsReply) {
      this.expectsReply = expectsReply;
      return this;
    }

    /**
     * Payload header bytes 1 and 2 (normally 0).
     *
     * @param flagsA byte 1, 0 to 255
     * @param flagsB byte 2, 0 to 255
     */
    public Builder payloadFlags(int flagsA, int flagsB) {
      if ((flagsA & ~0xFF) != 0 || (flagsB & ~0xFF) != 0) {
        throw new IllegalArgumentException("payload flags are bytes: " + flagsA + ", " + flagsB);
      }
      this.flagsA = flagsA;
      this.flagsB = flagsB;
      return this;
    }

    /** Marks the message as compressed on the wire (set by the decoder; the encoder does not compress). */
    public Builder compressed(boolean compressed) {
      this.compressed = compressed;
      return this;
    }

    /**
     * The encoded aux dictionary (see {@code dtxkit.runtime.auxdict.AuxCodec}); empty or null for no arguments.
     *
     * @param aux taken over by the builder: released by the built message, or by {@link #discard()}. A buffer given
     *     earlier is released.
     */
    public Builder aux(ByteBuf aux) {
      if (this.aux != null) {
        this.aux.release();
      }
      this.aux = aux;
      return this;
    }

    /**
     * The payload bytes (an archive, raw data, or empty).
     *
     * @param payload taken over by the builder like {@link #aux(ByteBuf)}
     */
    public Builder payload(ByteBuf payload) {
      if (this.payload != null) {
        this.payload.release();
      }
      this.payload = payload;
      return this;
    }

    /** Copies {@code payload} into a new unpooled buffer and uses it as the payload. */
    public Builder payload(byte[] payload) {
      return payload(Unpooled.wrappedBuffer(payload.clone()));
    }

    /**
     * Builds the message; the builder cannot be used again.
     *
     * @return a message holding one reference, to be released by the caller
     */
    public DtxMessage build() {
      return build(NO_OFFSET, List.of());
    }

    /** The payload wraps an array of its own, whole, that nothing else holds: it may be handed over uncopied. */
    Builder payloadArrayOwned() {
      this.payloadArrayOwned = true;
      return this;
    }

    DtxMessage build(long streamOffset, List<DtxFragmentInfo> fragments) {
      if (built) {
        throw new IllegalStateException("already built");
      }
      built = true;
      return new DtxMessage(this, streamOffset, fragments);
    }

    /** Releases the buffers given to this builder without building a message. */
    public void discard() {
      if (!built) {
        built = true;
        if (aux != null) {
          aux.release();
        }
        if (payload != null) {
          payload.release();
        }
      }
    }
  }
}
