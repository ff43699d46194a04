package dtxkit.runtime.wire;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns a DTX byte stream, fed in pieces of any size, into {@link DtxMessage}s: parses fragment headers, reassembles
 * multi-fragment messages, checks the payload header and decompresses LZ4-compressed payloads.
 *
 * <p>An explicit state machine ({@link State}): {@code HEADER} waits for 32 header bytes and consumes nothing before
 * they are all there; {@code HEADER_EXTENSION} skips header bytes beyond 32; {@code BODY} waits for a whole fragment
 * body. Any protocol error moves it to the terminal {@code FAILED} state, releases everything it holds and is thrown
 * from {@link #decode}; the stream cannot be trusted after that, so the decoder stops. {@link #close()} moves it to
 * {@code CLOSED} and releases everything too.
 *
 * <p>Reassembly is keyed by (identifier, conversation index, |channel code|): fragment 0 of a multi-fragment message
 * carries only the total size, the body fragments 1..n-1 must then follow in order (other messages may be
 * interleaved). Body fragments are kept as zero-copy slices of the input (also when a body straddles several
 * inputs) and joined in a composite buffer, so a slice may keep a whole input buffer alive until the message is
 * released; the limits count body bytes, not the inputs they pin. A
 * duplicate fragment, an out-of-order fragment, a body beyond the declared total or short of it at the last
 * fragment, and anything over a {@link DtxLimits limit} are protocol errors, each checked before anything is
 * allocated for it.
 *
 * <p>Not thread-safe: feed it from one thread (the connection's reader).
 */
public final class DtxMessageDecoder implements AutoCloseable {

  /** The decoder's states. */
  public enum State {
    /** Waiting for the 32 bytes of a fragment header. */
    HEADER,
    /** Skipping header bytes beyond 32 (header length &gt; 32). */
    HEADER_EXTENSION,
    /** Waiting for a fragment body. */
    BODY,
    /** Terminal: a protocol error was thrown; all buffers were released. */
    FAILED,
    /** Terminal: {@link #close()} was called; all buffers were released. */
    CLOSED
  }

  private final DtxLimits limits;
  private final ByteBufAllocator alloc;
  private final DtxMemoryBudget budget;
  /** Bytes reserved in {@link #budget} for fragments of unfinished messages. */
  private long reserved;
  /** Bytes reserved in {@link #budget} for the decompressed payload being handed out. */
  private long reservedPayload;
  private final Map<Key, Partial> partials = new LinkedHashMap<>();

  private State state = State.HEADER;
  /** Unconsumed input; null when there is none. */
  private ByteBuf cumulation;
  /** Whether {@link #cumulation} was allocated here (and may be written to) rather than handed in. */
  private boolean cumulationOwned;
  /** Stream offset of {@code cumulation.readerIndex()}: bytes consumed so far. */
  private long offset;
  /** The header being processed (states HEADER_EXTENSION and BODY). */
  private DtxFragmentHeader header;
  private long headerOffset;
  private int extensionLeft;
  private long bufferedBytes;
  private DtxProtocolException failure;
  /** Stream offset of the current fragment body. */
  private long bodyStart;
  /** Slices of a body that straddles reads (state BODY); null while the body is read in one piece. */
  private CompositeByteBuf bodyParts;
  private int bodyReceived;

  /** A decoder with {@link DtxLimits#defaults()} allocating from {@link ByteBufAllocator#DEFAULT}. */
  public DtxMessageDecoder() {
    this(DtxLimits.defaults(), ByteBufAllocator.DEFAULT);
  }

  /**
   * A decoder.
   *
   * @param limits the receive limits
   * @param alloc allocates cumulation and decompression buffers
   */
  public DtxMessageDecoder(DtxLimits limits, ByteBufAllocator alloc) {
    this(limits, alloc, DtxMemoryBudget.unlimited());
  }

  /**
   * A decoder whose reassembly buffers and decompressed payloads are reserved in a budget shared with other
   * decoders first: a fragment or payload the budget cannot hold is a {@link DtxLimitExceededException}.
   *
   * @param limits the receive limits
   * @param alloc allocates cumulation and decompression buffers
   * @param budget the shared budget
   */
  public DtxMessageDecoder(DtxLimits limits, ByteBufAllocator alloc, DtxMemoryBudget budget) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.alloc = Objects.requireNonNull(alloc, "alloc");
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /**
   * Feeds bytes and delivers every message they complete, in stream order.
   *
   * @param in the next bytes of the stream, any number; <b>released by this method</b> (also on error), the caller must
   *     not use it afterwards
   * @param out receives each decoded message together with its reference: the consumer owns it and must release it
   *     (ownership passes when {@code accept} is called, even if it throws)
   * @throws DtxProtocolException when the stream breaks the protocol or a limit; the decoder is then {@code FAILED},
   *     has released everything, and messages completed before the error have been delivered
   * @throws IllegalStateException when the decoder already failed or was closed
   */
  public void decode(ByteBuf in, Consumer<? super DtxMessage> out) throws DtxProtocolException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    if (state == State.FAILED || state == State.CLOSED) {
      in.release();
      throw new IllegalStateException("decoder is " + state
          + (failure != null ? " after: " + failure.getMessage() : ""), failure);
    }
    append(in);
    try {
      run(out);
    } catch (DtxProtocolException e) {
      failure = e;
      releaseAll(State.FAILED);
      throw e;
    } finally {
      if (cumulation != null && !cumulation.isReadable()) {
        cumulation.release();
        cumulation = null;
      }
    }
  }

  private void run(Consumer<? super DtxMessage> out) throws DtxProtocolException {
    while (true) {
      switch (state) {
        case HEADER -> {
          if (cumulation == null || cumulation.readableBytes() < DtxFragmentHeader.SIZE) {
            return;
          }
          headerOffset = offset;
          header = DtxFragmentHeader.read(cumulation, offset);
          offset += DtxFragmentHeader.SIZE;
          checkHeader(header, headerOffset);
          extensionLeft = header.headerLength() - DtxFragmentHeader.SIZE;
          state = extensionLeft > 0 ? State.HEADER_EXTENSION : afterHeader();
        }
        case HEADER_EXTENSION -> {
          int n = cumulation == null ? 0 : Math.min(cumulation.readableBytes(), extensionLeft);
          if (n > 0) {
            cumulation.skipBytes(n);
            offset += n;
            extensionLeft -= n;
          }
          if (extensionLeft > 0) {
            return;
          }
          state = afterHeader();
        }
        case BODY -> {
          int length = (int) header.length();
          int available = cumulation == null ? 0 : cumulation.readableBytes();
          ByteBuf body;
          if (bodyParts == null && available >= length) {
            body = cumulation.readRetainedSlice(length);
            offset += length;
          } else {
            // The body straddles reads: collect zero-copy slices of each read instead of merging reads into a
            // bigger cumulation (which copied every straddling fragment once more).
            int n = Math.min(available, length - bodyReceived);
            if (n > 0) {
              if (bodyParts == null) {
                bodyParts = alloc.compositeBuffer(Integer.MAX_VALUE);
              }
              bodyParts.addComponent(true, cumulation.readRetainedSlice(n));
              bodyReceived += n;
              offset += n;
            }
            if (bodyReceived < length) {
              return;
            }
            body = bodyParts;
            bodyParts = null;
            bodyReceived = 0;
          }
          state = State.HEADER;
          onBody(header, headerOffset, body, bodyStart, out);
        }
        default -> throw new IllegalStateException("decoder is " + state);
      }
    }
  }

  /**
   * Checks a header against the limits and the reassembly state; registers fragment 0 of a multi-fragment message.
   *
   * @param h the header
   * @param at its stream offset
   */
  private void checkHeader(DtxFragmentHeader h, long at) throws DtxProtocolException {
    if (h.headerLength() > limits.maxFragmentBytes()) {
      throw new DtxLimitExceededException("bytes per fragment", limits.maxFragmentBytes(), h.headerLength(), at + 4);
    }
    Key key = Key.of(h);
    if (h.count() == 1) {
      checkMessageLength(h.length(), at);
      checkFragmentLength(h, at);
      return;
    }
    if (h.index() == 0) {
      if (partials.containsKey(key)) {
        throw new DtxProtocolException("fragment index", partials.get(key).nextIndex
            + " (duplicate fragment 0 of message " + describe(h) + ")", "0", at + 8);
      }
      checkMessageLength(h.length(), at);
      if (partials.size() >= limits.maxMessagesInFlight()) {
        throw new DtxLimitExceededException(
            "messages in flight", limits.maxMessagesInFlight(), partials.size() + 1L, at);
      }
      partials.put(key, new Partial(h, at));
      return;
    }
    Partial partial = partials.get(key);
    if (partial == null) {
      throw new DtxProtocolException("fragment index",
          "0 (out of order: no fragment 0 of message " + describe(h) + " seen)", Integer.toString(h.index()), at + 8);
    }
    if (h.count() != partial.count) {
      throw new DtxProtocolException("fragment count", partial.count + " (as in fragment 0 of message "
          + describe(h) + ")", Integer.toString(h.count()), at + 10);
    }
    if (h.index() < partial.nextIndex) {
      throw new DtxProtocolException("fragment index", partial.nextIndex + " (duplicate fragment of message "
          + describe(h) + ")", Integer.toString(h.index()), at + 8);
    }
    if (h.index() > partial.nextIndex) {
      throw new DtxProtocolException("fragment index", partial.nextIndex + " (out of order fragment of message "
          + describe(h) + ")", Integer.toString(h.index()), at + 8);
    }
    if (h.length() == 0) {
      throw new DtxProtocolException("fragment length", "> 0", "0", at + 12);
    }
    checkFragmentLength(h, at);
    long rest = partial.declared - partial.received;
    if (h.length() > rest) {
      throw new DtxProtocolException("fragment length", "<= " + rest + " (rest of the declared total "
          + partial.declared + ")", Long.toString(h.length()), at + 12);
    }
    if (bufferedBytes + h.length() > limits.maxBufferedBytes()) {
      throw new DtxLimitExceededException(
          "buffered bytes", limits.maxBufferedBytes(), bufferedBytes + h.length(), at + 12);
    }
    if (!budget.tryReserve(h.length())) {
      throw new DtxLimitExceededException("bytes held by the connections sharing a memory budget", budget.limit(),
          budget.used() + h.length(), at + 12);
    }
    reserved += h.length();
  }

  private void checkMessageLength(long length, long at) throws DtxProtocolException {
    if (length > limits.maxMessageBytes()) {
      throw new DtxLimitExceededException("bytes per message", limits.maxMessageBytes(), length, at + 12);
    }
    if (length < DtxPayloadHeader.SIZE) {
      throw new DtxProtocolException(
          "message length", ">= " + DtxPayloadHeader.SIZE, Long.toString(length), at + 12);
    }
  }

  private void checkFragmentLength(DtxFragmentHeader h, long at) throws DtxLimitExceededException {
    long fragment = h.headerLength() + h.length();
    if (fragment > limits.maxFragmentBytes()) {
      throw new DtxLimitExceededException("bytes per fragment", limits.maxFragmentBytes(), fragment, at + 12);
    }
  }

  private State afterHeader() {
    bodyStart = offset;
    return header.isHeaderOnly() ? State.HEADER : State.BODY;
  }

  /** Handles a complete fragment body; {@code body} is owned here and released or handed on. */
  private void onBody(DtxFragmentHeader h, long at, ByteBuf body, long bodyOffset, Consumer<? super DtxMessage> out)
      throws DtxProtocolException {
    DtxFragmentInfo info = new DtxFragmentInfo(h.index(), h.count(), h.length());
    if (h.count() == 1) {
      try {
        out.accept(assemble(h, body, bodyOffset, at, List.of(info)));
      } finally {
        releasePayload();
      }
      return;
    }
    Partial partial = partials.get(Key.of(h));
    int n = body.readableBytes();
    partial.add(body, info, bodyOffset);
    bufferedBytes += n;
    if (h.index() < h.count() - 1) {
      return;
    }
    partials.remove(Key.of(h));
    bufferedBytes -= partial.received;
    // In array mode each fragment's reservation was given back as its bytes were copied (the array's covers them).
    budget.release(partial.received - partial.copiedIntoArray);
    reserved -= partial.received - partial.copiedIntoArray;
    if (partial.payloadArray != null) {
      // Reassembled into the payload's own array (a large message): no composite to assemble.
      ByteBuf head = partial.head;
      partial.head = null;
      budget.release(partial.arrayReserved);
      try {
        if (partial.received != partial.declared) {
          throw new DtxProtocolException("message length", partial.declared + " (declared by fragment 0 at offset "
              + partial.streamOffset + ")", partial.received + " bytes in " + (h.count() - 1) + " body fragments",
              partial.streamOffset + 12);
        }
        out.accept(assembleArray(partial, head));
      } finally {
        head.release();
      }
      return;
    }
    CompositeByteBuf whole = partial.parts;
    partial.parts = null;
    if (partial.received != partial.declared) {
      whole.release();
      throw new DtxProtocolException("message length", partial.declared + " (declared by fragment 0 at offset "
          + partial.streamOffset + ")", partial.received + " bytes in " + (h.count() - 1) + " body fragments",
          partial.streamOffset + 12);
    }
    try {
      out.accept(assemble(partial.first, whole, partial.firstBodyOffset, partial.streamOffset, partial.fragments));
    } finally {
      releasePayload();
    }
  }

  /** Gives back what the decompressed payload just handed out had reserved. */
  private void releasePayload() {
    budget.release(reservedPayload);
    reservedPayload = 0;
  }

  /**
   * Builds a message from a complete body.
   *
   * @param body the assembled body; released by this method
   */
  private DtxMessage assemble(
      DtxFragmentHeader h, ByteBuf body, long bodyOffset, long streamOffset, List<DtxFragmentInfo> fragments)
      throws DtxProtocolException {
    try {
      DtxPayloadHeader ph = DtxPayloadHeader.read(body, bodyOffset);
      DtxMessageType type = DtxMessageType.fromCode(ph.typeCode());
      if (type == null) {
        throw new DtxProtocolException("message type", "0 to 8", String.format("0x%02X", ph.typeCode()), bodyOffset);
      }
      int auxStart = body.readerIndex() + DtxPayloadHeader.SIZE;
      int payloadStart = auxStart + (int) ph.auxLength();
      int payloadLength = (int) ph.payloadLength();
      ByteBuf payload = body.slice(payloadStart, payloadLength);
      // See DtxPayloadHeader: the compression field alone is not trusted, the 0x0707 type word is.
      boolean compressed = ph.hasCompressedTypeWord()
          || ph.compressionBits() != 0 && Lz4BlockStream.looksCompressed(payload);
      if (compressed) {
        // Reserve what the stream declares before anything is allocated for it (decode checks it against the limit).
        long declared = payload.readableBytes() >= 4
            ? Math.min(payload.getUnsignedIntLE(payload.readerIndex()), limits.maxMessageBytes()) : 0;
        if (!budget.tryReserve(declared)) {
          throw new DtxLimitExceededException("bytes held by the connections sharing a memory budget",
              budget.limit(), budget.used() + declared, bodyOffset + DtxPayloadHeader.SIZE + ph.auxLength());
        }
        reservedPayload = declared;
        payload = Lz4BlockStream.decode(
            payload, limits.maxMessageBytes(), bodyOffset + DtxPayloadHeader.SIZE + ph.auxLength(), alloc);
      } else {
        payload = body.retainedSlice(payloadStart, payloadLength);
      }
      return DtxMessage.builder(type)
          .identifier(h.identifier())
          .conversationIndex(h.conversationIndex())
          .channelCode(h.channelCode())
          .expectsReply(h.expectsReply())
          .payloadFlags(ph.flagsA(), ph.flagsB())
          .compressed(compressed)
          .payload(payload)
          .aux(body.retainedSlice(auxStart, (int) ph.auxLength()))
          .build(streamOffset, fragments);
    } finally {
      body.release();
    }
  }

  /**
   * The message of a large partial reassembled into its payload array (see {@link Partial#add}): its payload header
   * and aux were checked when the first body fragment came.
   *
   * @param head the payload header and aux; not released
   */
  private DtxMessage assembleArray(Partial partial, ByteBuf head) {
    DtxPayloadHeader ph = partial.payloadHeader;
    DtxFragmentHeader h = partial.first;
    return DtxMessage.builder(DtxMessageType.fromCode(ph.typeCode()))
        .identifier(h.identifier())
        .conversationIndex(h.conversationIndex())
        .channelCode(h.channelCode())
        .expectsReply(h.expectsReply())
        .payloadFlags(ph.flagsA(), ph.flagsB())
        .compressed(false)
        .payload(Unpooled.wrappedBuffer(partial.payloadArray))
        .payloadArrayOwned()
        .aux(head.retainedSlice(head.readerIndex() + DtxPayloadHeader.SIZE, (int) ph.auxLength()))
        .build(partial.streamOffset, partial.fragments);
  }

  private static String describe(DtxFragmentHeader h) {
    return Integer.toUnsignedString(h.identifier()) + "." + h.conversationIndex() + " on channel " + h.channelCode();
  }

  private void append(ByteBuf in) {
    if (cumulation == null) {
      cumulation = in;
      cumulationOwned = false;
      return;
    }
    if (cumulationOwned && cumulation.refCnt() == 1 && !cumulation.isReadOnly()
        && cumulation.maxWritableBytes() >= in.readableBytes()) {
      if (cumulation.writableBytes() < in.readableBytes()) {
        cumulation.discardSomeReadBytes();
      }
      cumulation.writeBytes(in);
      in.release();
      return;
    }
    // The old cumulation is someone else's memory or pinned by body slices still in use: copy into a new one.
    // A heap buffer, as the reads are: payloads sliced from it keep a backing array, so archives decode in place.
    ByteBuf merged = alloc.heapBuffer(cumulation.readableBytes() + in.readableBytes());
    merged.writeBytes(cumulation).writeBytes(in);
    cumulation.release();
    in.release();
    cumulation = merged;
    cumulationOwned = true;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  /** Bytes of the stream consumed so far (the stream offset of the next unread byte). */
  public long offset() {
    return offset;
  }

  /**
   * True when nothing is partly received: no fragment header or body half read, no message waiting for more
   * fragments. A connection uses it to time out a peer that starts a message and never finishes it.
   */
  public boolean idle() {
    return state == State.HEADER && partials.isEmpty() && (cumulation == null || !cumulation.isReadable());
  }

  /** Multi-fragment messages currently being reassembled. */
  public int messagesInFlight() {
    return partials.size();
  }

  /** Fragment bodies currently held for unfinished messages, in bytes. */
  public long bufferedBytes() {
    return bufferedBytes;
  }

  /** The protocol error that failed this decoder, or null. */
  public DtxProtocolException failure() {
    return failure;
  }

  /** Releases all buffered input and partial messages; later {@link #decode} calls are refused. Idempotent. */
  @Override
  public void close() {
    if (state != State.CLOSED && state != State.FAILED) {
      releaseAll(State.CLOSED);
    }
  }

  private void releaseAll(State terminal) {
    state = terminal;
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    for (Partial partial : partials.values()) {
      if (partial.parts != null) {
        partial.parts.release();
      }
      if (partial.head != null) {
        partial.head.release();
        budget.release(partial.arrayReserved);
      }
    }
    partials.clear();
    if (bodyParts != null) {
      bodyParts.release();
      bodyParts = null;
    }
    bufferedBytes = 0;
    budget.release(reserved + reservedPayload);
    reserved = 0;
    reservedPayload = 0;
    header = null;
  }

  private record Key(int identifier, int conversationIndex, long channel) {
    static Key of(DtxFragmentHeader h) {
      return new Key(h.identifier(), h.conversationIndex(), Math.abs((long) h.channelCode()));
    }
  }

  /** A multi-fragment message being reassembled. */
  /**
   * Messages of at least this many bytes, in several fragments, are reassembled into their payload's own array (see
   * {@link Partial#startArray}): 64 KiB, about every message long enough to be fragmented (Apple's fragments carry
   * 64 KiB bodies), so that a 350 KB reply is copied once, as its fragments arrive, instead of once more after the
   * last one.
   */
  static final long ARRAY_REASSEMBLY_BYTES = 64 * 1024;

  private final class Partial {
    final DtxFragmentHeader first;
    final int count;
    final long declared;
    final long streamOffset;
    final List<DtxFragmentInfo> fragments = new ArrayList<>();
    CompositeByteBuf parts;
    int nextIndex = 1;
    long received;
    long firstBodyOffset = -1;

    Partial(DtxFragmentHeader first, long streamOffset) {
      this.first = first;
      this.count = first.count();
      this.declared = first.length();
      this.streamOffset = streamOffset;
      fragments.add(new DtxFragmentInfo(0, first.count(), first.length()));
    }

    /** Array mode: the payload header and aux (heap), and the payload's own array, filled up to {@link #filled}. */
    ByteBuf head;
    byte[] payloadArray;
    int filled;
    DtxPayloadHeader payloadHeader;
    /** Bytes reserved in the budget for {@link #payloadArray}. */
    long arrayReserved;
    /**
     * Bytes of fragments copied into {@link #payloadArray}, whose own reservations were given back then: the array's
     * covers them, so a message in array mode is counted once, not twice.
     */
    long copiedIntoArray;

    /** Gives back the reservation of {@code n} fragment bytes just copied into the array. */
    private void copied(int n) {
      budget.release(n);
      reserved -= n;
      copiedIntoArray += n;
    }

    /** Adds a body fragment; {@code body} is taken over. */
    void add(ByteBuf body, DtxFragmentInfo info, long bodyOffset) {
      int n = body.readableBytes();
      if (payloadArray != null) {
        body.readBytes(payloadArray, filled, n);
        body.release();
        filled += n;
        copied(n);
      } else {
        if (parts == null) {
          firstBodyOffset = bodyOffset;
          if (declared >= ARRAY_REASSEMBLY_BYTES && startArray(body)) {
            // The payload header and aux went into the head, which keeps their reservation until the end.
            copied(filled);
            received += n;
            fragments.add(info);
            nextIndex++;
            return;
          }
          // No component limit, so no consolidation: the body stays zero-copy.
          parts = alloc.compositeBuffer(Integer.MAX_VALUE);
        }
        parts.addFlattenedComponents(true, body);
      }
      received += n;
      fragments.add(info);
      nextIndex++;
    }

    /**
     * Starts reassembling a large message into an array of its payload's exact size, so that the payload can be
     * handed over without a copy ({@link DtxMessage#payloadBytesHandedOver()}) and each read buffer is released as
     * soon as its bytes are copied: the heap held while receiving is then the payload plus a read buffer, instead of
     * the read buffers of the whole message plus a copy. Only for a first body fragment that holds a well-formed,
     * uncompressed payload header and the whole aux, and when the memory budget allows the array; anything else is
     * reassembled as before (and reported, if malformed, as before).
     *
     * @param body the first body fragment; taken over when this returns true
     */
    private boolean startArray(ByteBuf body) {
      int start = body.readerIndex();
      int n = body.readableBytes();
      if (n < DtxPayloadHeader.SIZE) {
        return false;
      }
      long expectedTotal = declared - DtxPayloadHeader.SIZE;
      long total = body.getLongLE(start + 8);
      if (total != expectedTotal && body.getUnsignedIntLE(start + 8) != expectedTotal) {
        return false;
      }
      long aux = body.getUnsignedIntLE(start + 4);
      if (aux > expectedTotal || DtxPayloadHeader.SIZE + aux > n) {
        return false;
      }
      DtxPayloadHeader ph = new DtxPayloadHeader(body.getUnsignedByte(start), body.getUnsignedByte(start + 1),
          body.getUnsignedByte(start + 2), body.getUnsignedByte(start + 3), aux, expectedTotal);
      if (DtxMessageType.fromCode(ph.typeCode()) == null || ph.hasCompressedTypeWord()
          || ph.payloadLength() > Integer.MAX_VALUE - 8) {
        return false;
      }
      int headLength = DtxPayloadHeader.SIZE + (int) aux;
      if (ph.compressionBits() != 0) {
        // As assemble decides it: compressed when the payload's first 8 bytes look like an LZ4 block stream.
        if (n < headLength + 8 || Lz4BlockStream.looksCompressed(body.slice(start + headLength, 8))) {
          return false;
        }
      }
      long payloadLength = ph.payloadLength();
      if (!budget.tryReserve(payloadLength)) {
        return false;
      }
      arrayReserved = payloadLength;
      head = alloc.heapBuffer(headLength, headLength);
      body.readBytes(head, headLength);
      payloadArray = new byte[(int) payloadLength];
      int rest = body.readableBytes();
      body.readBytes(payloadArray, 0, rest);
      filled = rest;
      payloadHeader = ph;
      body.release();
      return true;
    }
  }
}
