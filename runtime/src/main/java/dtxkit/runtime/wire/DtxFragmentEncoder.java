package dtxkit.runtime.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Turns messages into wire fragments: one fragment when the body (16-byte payload header + aux + payload) fits in
 * the maximum fragment body, otherwise a header-only fragment 0 carrying the total size followed by body fragments
 * of at most the maximum each. Fragment bodies are zero-copy slices of the message's buffers.
 *
 * <p>The fragments are not produced all at once: {@link #encode} returns a {@link DtxOutboundMessage} that hands them
 * out one at a time, so a writer can interleave fragments of messages on different channels. Thread-safe (no
 * mutable state).
 */
public final class DtxFragmentEncoder {

  /** The default maximum fragment body: 128 KiB, the size Apple's own fragmenter uses. */
  public static final int DEFAULT_MAX_FRAGMENT_BODY = 128 * 1024;
  /** The most fragments one message can have (the count is a u16). */
  public static final int MAX_FRAGMENTS = 0xFFFF;

  private final int maxFragmentBody;
  private final ByteBufAllocator alloc;

  /** An encoder with {@link #DEFAULT_MAX_FRAGMENT_BODY} allocating headers from {@link ByteBufAllocator#DEFAULT}. */
  public DtxFragmentEncoder() {
    this(DEFAULT_MAX_FRAGMENT_BODY, ByteBufAllocator.DEFAULT);
  }

  /**
   * An encoder.
   *
   * @param maxFragmentBody the largest fragment body, at least 16 (a payload header)
   * @param alloc allocates the small header buffers
   */
  public DtxFragmentEncoder(int maxFragmentBody, ByteBufAllocator alloc) {
    if (maxFragmentBody < DtxPayloadHeader.SIZE) {
      throw new IllegalArgumentException("maxFragmentBody must be >= 16: " + maxFragmentBody);
    }
    this.maxFragmentBody = maxFragmentBody;
    this.alloc = Objects.requireNonNull(alloc, "alloc");
  }

  /** The largest fragment body this encoder writes. */
  public int maxFragmentBody() {
    return maxFragmentBody;
  }

  /**
   * Prepares a message for sending.
   *
   * @param message <b>taken over</b>: one reference is released by the returned outbound message once its last
   *     fragment is handed out or it is closed (also released by this method when it throws)
   * @return the fragments to write, one at a time
   * @throws IllegalArgumentException when the message is marked compressed (dtxkit does not send compressed
   *     messages), or is too large for a u32 length or for 65535 fragments
   */
  public DtxOutboundMessage encode(DtxMessage message) {
    Objects.requireNonNull(message, "message");
    try {
      if (message.compressed()) {
        throw new IllegalArgumentException("sending compressed messages is not supported: " + message);
      }
      long bodyLength = message.bodyLength();
      if (bodyLength > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("message body over 4 GiB: " + bodyLength);
      }
      int count = bodyLength <= maxFragmentBody ? 1 : 1 + (int) ((bodyLength + maxFragmentBody - 1) / maxFragmentBody);
      if (bodyLength > maxFragmentBody && (bodyLength + maxFragmentBody - 1) / maxFragmentBody + 1 > MAX_FRAGMENTS) {
        throw new IllegalArgumentException(
            "message of " + bodyLength + " bytes needs more than " + MAX_FRAGMENTS + " fragments");
      }
      return new DtxOutboundMessage(message, count, bodyLength, maxFragmentBody, alloc);
    } catch (RuntimeException e) {
      message.release();
      throw e;
    }
  }
}
