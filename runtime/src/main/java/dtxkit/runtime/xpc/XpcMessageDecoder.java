package dtxkit.runtime.xpc;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one byte stream (the DATA of one HTTP/2 stream) into XPC messages. A message may span several chunks and a
 * chunk may hold several messages. Nothing is buffered beyond the current message, whose size is checked against
 * {@link XpcLimits#maxMessageBytes()} as soon as its 24-byte header is readable, before its body is accumulated.
 *
 * <p>Not thread-safe: one decoder per stream, fed by one reader. After an error the decoder is failed and rejects
 * further input. {@link #close()} releases whatever is buffered.
 */
public final class XpcMessageDecoder implements AutoCloseable {
  private enum State { HEADER, BODY, FAILED, CLOSED }

  private final XpcLimits limits;
  private final CompositeByteBuf pending;
  private State state = State.HEADER;
  private long messageLength;
  /** Stream offset of {@link #pending}'s reader index. */
  private long offset;

  /**
   * @param alloc where the accumulation buffer comes from
   * @param limits the limits to apply
   */
  public XpcMessageDecoder(ByteBufAllocator alloc, XpcLimits limits) {
    this.limits = limits;
    this.pending = alloc.compositeBuffer(Integer.MAX_VALUE);
  }

  /**
   * Adds bytes and returns every message they complete, in order.
   *
   * @param chunk the next bytes of the stream; read entirely (copied) and not released by this method (the caller
   *     keeps its reference and releases it)
   * @return the completed messages, possibly none
   * @throws DtxProtocolException when the bytes are not well-formed ({@link XpcProtocolException}) or announce a
   *     message over the limit ({@link XpcLimitExceededException}); the decoder is then failed
   */
  public List<XpcMessage> decode(ByteBuf chunk) throws DtxProtocolException {
    if (state == State.FAILED || state == State.CLOSED) {
      throw new IllegalStateException("decoder is " + state);
    }
    List<XpcMessage> out = new ArrayList<>(1);
    if (chunk.isReadable()) {
      // Copied, not retained: the caller's buffer is often a slice of a read buffer that is compacted and reused.
      pending.addComponent(true, pending.alloc().buffer(chunk.readableBytes()).writeBytes(chunk));
    }
    try {
      while (true) {
        if (state == State.HEADER) {
          if (pending.readableBytes() < XpcCodec.WRAPPER_HEADER_BYTES) {
            break;
          }
          int at = pending.readerIndex();
          int magic = pending.getIntLE(at);
          if (magic != XpcCodec.WRAPPER_MAGIC) {
            throw new XpcProtocolException("wrapper magic", XpcCodec.hex(XpcCodec.WRAPPER_MAGIC),
                XpcCodec.hex(magic), offset);
          }
          long size = pending.getLongLE(at + 8);
          if (size < 0 || size > limits.maxMessageBytes()) {
            throw new XpcLimitExceededException(limits.maxMessageBytes(), size, offset + 8);
          }
          messageLength = XpcCodec.WRAPPER_HEADER_BYTES + size;
          state = State.BODY;
        }
        if (pending.readableBytes() < messageLength) {
          break;
        }
        ByteBuf message = pending.readSlice((int) messageLength);
        out.add(XpcCodec.decodeMessage(message, offset, limits));
        offset += messageLength;
        state = State.HEADER;
        pending.discardReadComponents();
      }
      return out;
    } catch (DtxProtocolException e) {
      state = State.FAILED;
      pending.skipBytes(pending.readableBytes());
      pending.discardReadComponents();
      throw e;
    }
  }

  /** Bytes buffered towards an incomplete message. */
  public int bufferedBytes() {
    return pending.readableBytes();
  }

  /** The stream offset of the next unread byte. */
  public long offset() {
    return offset;
  }

  /** Releases buffered bytes; the decoder can no longer be used. Idempotent. */
  @Override
  public void close() {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      pending.release();
    }
  }
}
