package dtxkit.runtime.xpc;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one byte stream (the DATA of one HTTP/2 stream) into XPC messages. A message may span several chunks and a
 * chunk may hold several messages. Nothing is buffered beyond the current message, whose size is checked against
 * {@link XpcLimits#maxMessageBytes()} as soon as its 24-byte header is readable, before its body is accumulated.
 *
 * <p>Memory is proportional to the bytes received, not to the frames or the announced size: the bytes of an
 * incomplete message go into one buffer that grows (doubling, never past the announced message) as they arrive, so
 * a million 1-byte DATA frames cost about a megabyte, not a million buffers. What the buffer holds is reserved in an
 * optional {@link XpcBufferBudget} (per connection, within one per server) before it is allocated, and given back
 * when the message completes or the decoder closes; an exhausted budget is an {@link XpcLimitExceededException}.
 * A chunk that holds whole messages is decoded in place, without a copy.
 *
 * <p>Not thread-safe: one decoder per stream, fed by one reader. After an error the decoder is failed and rejects
 * further input. {@link #close()} releases whatever is buffered.
 */
public final class XpcMessageDecoder implements AutoCloseable {
  private enum State { HEADER, BODY, FAILED, CLOSED }

  /** The smallest accumulation buffer: a header and a small body. */
  private static final int MIN_BUFFER = 256;

  private final ByteBufAllocator alloc;
  private final XpcLimits limits;
  private final XpcBufferBudget budget;
  /** The incomplete message's bytes, or null when none are buffered. */
  private ByteBuf pending;
  /** Bytes of {@link #pending}'s capacity reserved in the budget. */
  private long reserved;
  private State state = State.HEADER;
  private long messageLength;
  /** Stream offset of the first byte of the message being decoded. */
  private long offset;
  /** When the bytes of the incomplete message began to be buffered ({@link System#nanoTime()}), 0 when none are. */
  private long incompleteSince;

  /**
   * @param alloc where the accumulation buffer comes from
   * @param limits the limits to apply
   */
  public XpcMessageDecoder(ByteBufAllocator alloc, XpcLimits limits) {
    this(alloc, limits, null);
  }

  /**
   * @param alloc where the accumulation buffer comes from
   * @param limits the limits to apply
   * @param budget counts the bytes buffered (null: only the per-message limit applies)
   */
  public XpcMessageDecoder(ByteBufAllocator alloc, XpcLimits limits, XpcBufferBudget budget) {
    this.alloc = alloc;
    this.limits = limits;
    this.budget = budget;
  }

  /**
   * Adds bytes and returns every message they complete, in order.
   *
   * @param chunk the next bytes of the stream; read entirely and not released by this method (the caller keeps its
   *     reference and releases it); bytes of an incomplete message are copied
   * @return the completed messages, possibly none
   * @throws DtxProtocolException when the bytes are not well-formed ({@link XpcProtocolException}), announce a
   *     message over the limit or exhaust the budget ({@link XpcLimitExceededException}); the decoder is then failed
   */
  public List<XpcMessage> decode(ByteBuf chunk) throws DtxProtocolException {
    if (state == State.FAILED || state == State.CLOSED) {
      throw new IllegalStateException("decoder is " + state);
    }
    List<XpcMessage> out = new ArrayList<>(1);
    try {
      while (chunk.isReadable()) {
        if (pending == null) {
          // Whole messages straight from the chunk, without copying.
          if (!decodeInPlace(chunk, out)) {
            break;
          }
          continue;
        }
        // Complete the buffered header, then the buffered message.
        long want = state == State.HEADER ? XpcCodec.WRAPPER_HEADER_BYTES : messageLength;
        int take = (int) Math.min(chunk.readableBytes(), want - pending.readableBytes());
        append(chunk, take);
        if (state == State.HEADER && pending.readableBytes() == XpcCodec.WRAPPER_HEADER_BYTES) {
          readHeader(pending);
        }
        if (state == State.BODY && pending.readableBytes() == messageLength) {
          out.add(XpcCodec.decodeMessage(pending, offset, limits));
          offset += messageLength;
          state = State.HEADER;
          releasePending();
        }
      }
      return out;
    } catch (DtxProtocolException e) {
      state = State.FAILED;
      chunk.skipBytes(chunk.readableBytes());
      releasePending();
      throw e;
    }
  }

  /**
   * Decodes whole messages at the head of {@code chunk}; buffers the start of an incomplete one.
   *
   * @return true when a message was decoded (more may follow)
   */
  private boolean decodeInPlace(ByteBuf chunk, List<XpcMessage> out) throws DtxProtocolException {
    if (chunk.readableBytes() < XpcCodec.WRAPPER_HEADER_BYTES) {
      append(chunk, chunk.readableBytes());
      return false;
    }
    readHeader(chunk);
    if (chunk.readableBytes() < messageLength) {
      append(chunk, chunk.readableBytes());
      return false;
    }
    ByteBuf message = chunk.readSlice((int) messageLength);
    out.add(XpcCodec.decodeMessage(message, offset, limits));
    offset += messageLength;
    state = State.HEADER;
    return true;
  }

  /** Checks the header at {@code buf}'s reader index (not consumed) and enters BODY. */
  private void readHeader(ByteBuf buf) throws DtxProtocolException {
    int at = buf.readerIndex();
    int magic = buf.getIntLE(at);
    if (magic != XpcCodec.WRAPPER_MAGIC) {
      throw new XpcProtocolException("wrapper magic", XpcCodec.hex(XpcCodec.WRAPPER_MAGIC), XpcCodec.hex(magic),
          offset);
    }
    long size = buf.getLongLE(at + 8);
    if (size < 0 || size > limits.maxMessageBytes()) {
      throw new XpcLimitExceededException(limits.maxMessageBytes(), size, offset + 8);
    }
    messageLength = XpcCodec.WRAPPER_HEADER_BYTES + size;
    state = State.BODY;
  }

  /** Copies {@code n} bytes of {@code chunk} into the pending buffer, growing it (within the budget) as needed. */
  private void append(ByteBuf chunk, int n) throws XpcLimitExceededException {
    int have = pending == null ? 0 : pending.readableBytes();
    long needed = (long) have + n;
    long capacity = pending == null ? 0 : pending.capacity();
    if (needed > capacity) {
      long bound = state == State.BODY ? messageLength : XpcCodec.WRAPPER_HEADER_BYTES;
      long grown = Math.max(needed, Math.min(Math.max(MIN_BUFFER, capacity * 2), Math.max(bound, needed)));
      if (grown > Integer.MAX_VALUE - 8) {
        throw new XpcLimitExceededException("XPC bytes buffered per message", Integer.MAX_VALUE - 8, grown,
            offset + have);
      }
      if (budget != null) {
        budget.reserve(grown - reserved, offset + have);
      }
      ByteBuf bigger = alloc.heapBuffer((int) grown, (int) grown);
      if (pending == null) {
        incompleteSince = System.nanoTime();
      } else {
        bigger.writeBytes(pending);
        pending.release();
      }
      pending = bigger;
      reserved = grown;
    }
    pending.writeBytes(chunk, n);
  }

  private void releasePending() {
    incompleteSince = 0;
    if (pending != null) {
      pending.release();
      pending = null;
    }
    if (budget != null && reserved > 0) {
      budget.release(reserved);
    }
    reserved = 0;
  }

  /**
   * When the bytes of the message still incomplete began to arrive ({@link System#nanoTime()}), or 0 when no bytes
   * are buffered: its owner times out a peer that starts a message and never finishes it.
   */
  public long incompleteSince() {
    return incompleteSince;
  }

  /**
   * The first of {@code decoders} (by HTTP/2 stream) whose message has been incomplete for longer than
   * {@code timeout}, described for the error, or null when none has (or the timeout is zero).
   *
   * @param decoders the decoders of one connection, by stream id
   * @param nowNanos {@link System#nanoTime()}
   * @param timeout the longest a message may take to arrive whole
   * @return e.g. "an XPC message begun at offset 0 of stream 1 did not arrive whole within 30000 ms (4 bytes held)"
   */
  public static String overdue(java.util.Map<Integer, XpcMessageDecoder> decoders, long nowNanos,
      java.time.Duration timeout) {
    long limit = timeout.toNanos();
    if (limit <= 0) {
      return null;
    }
    for (java.util.Map.Entry<Integer, XpcMessageDecoder> e : decoders.entrySet()) {
      XpcMessageDecoder d = e.getValue();
      long since = d.incompleteSince;
      if (since != 0 && nowNanos - since >= limit) {
        return "an XPC message begun at offset " + d.offset + " of stream " + e.getKey() + " did not arrive whole"
            + " within " + timeout.toMillis() + " ms (message timeout; " + d.bufferedBytes() + " bytes held)";
      }
    }
    return null;
  }

  /** Bytes buffered towards an incomplete message. */
  public int bufferedBytes() {
    return pending == null ? 0 : pending.readableBytes();
  }

  /** The stream offset of the first byte not yet decoded (the start of the buffered message, if any). */
  public long offset() {
    return offset;
  }

  /** Releases buffered bytes; the decoder can no longer be used. Idempotent. */
  @Override
  public void close() {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      releasePending();
    }
  }
}
