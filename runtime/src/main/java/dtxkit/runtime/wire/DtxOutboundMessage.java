package dtxkit.runtime.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.NoSuchElementException;

/**
 * A message being sent, handed out as wire fragments one at a time by {@link #nextFragment()}.
 *
 * <p>Each fragment is one buffer holding its 32-byte header and its body; bodies are zero-copy slices of the
 * message's aux and payload. The message is released when the last fragment has been handed out, or by
 * {@link #close()}, whichever is first. Not thread-safe: one writer takes fragments from it.
 */
public final class DtxOutboundMessage implements AutoCloseable {

  private final DtxMessage message;
  private final int fragmentCount;
  private final long bodyLength;
  private final int maxFragmentBody;
  private final ByteBufAllocator alloc;
  /** Payload header + aux + payload as one composite, built on the first body fragment. */
  private CompositeByteBuf body;
  private int nextIndex;
  private boolean released;

  DtxOutboundMessage(DtxMessage message, int fragmentCount, long bodyLength, int maxFragmentBody,
      ByteBufAllocator alloc) {
    this.message = message;
    this.fragmentCount = fragmentCount;
    this.bodyLength = bodyLength;
    this.maxFragmentBody = maxFragmentBody;
    this.alloc = alloc;
  }

  /** The message's identifier. */
  public int identifier() {
    return message.identifier();
  }

  /** The message's conversation index. */
  public int conversationIndex() {
    return message.conversationIndex();
  }

  /** The message's channel code as on the wire. */
  public int channelCode() {
    return message.channelCode();
  }

  /** The message's type. */
  public DtxMessageType type() {
    return message.type();
  }

  /** How many fragments the message is sent in. */
  public int fragmentCount() {
    return fragmentCount;
  }

  /** The index of the fragment {@link #nextFragment()} returns next. */
  public int nextIndex() {
    return nextIndex;
  }

  /** Message body length: payload header, aux and payload. */
  public long bodyLength() {
    return bodyLength;
  }

  /** Total bytes on the wire: the body plus one 32-byte header per fragment. */
  public long wireLength() {
    return bodyLength + (long) fragmentCount * DtxFragmentHeader.SIZE;
  }

  /** True while fragments remain and the message was not closed. */
  public boolean hasNextFragment() {
    return !released && nextIndex < fragmentCount;
  }

  /**
   * The next fragment: header and body in one buffer.
   *
   * @return a buffer the caller owns and must release (writing it to a Netty channel does that)
   * @throws NoSuchElementException when no fragment is left or the message was closed
   */
  public ByteBuf nextFragment() {
    if (!hasNextFragment()) {
      throw new NoSuchElementException("no fragment left (" + nextIndex + "/" + fragmentCount
          + (released ? ", closed" : "") + ")");
    }
    int index = nextIndex;
    ByteBuf fragment;
    if (fragmentCount > 1 && index == 0) {
      fragment = header(index, bodyLength);
    } else {
      CompositeByteBuf whole = body();
      long start = fragmentCount == 1 ? 0 : (long) (index - 1) * maxFragmentBody;
      int length = (int) Math.min(maxFragmentBody, bodyLength - start);
      if (fragmentCount == 1) {
        length = (int) bodyLength;
      }
      ByteBuf header = header(index, length);
      CompositeByteBuf out = alloc.compositeBuffer(2);
      out.addComponent(true, header);
      out.addComponent(true, whole.retainedSlice((int) start, length));
      fragment = out;
    }
    nextIndex++;
    if (nextIndex == fragmentCount) {
      close();
    }
    return fragment;
  }

  /**
   * Writes the next fragment to {@code out}: the same bytes {@link #nextFragment()} would hand out, written from the
   * message's own buffers, the two headers from one small array. Builds no buffer for the fragment (a composite, a
   * pooled header buffer and a slice per fragment cost more than the rest of writing a small call: JFR of the mock
   * device's typed calls) and, for a heap payload, writes its bytes straight from its array.
   *
   * @throws NoSuchElementException when no fragment is left or the message was closed
   * @throws IOException from {@code out}; the fragment counts as handed out all the same (the caller discards the
   *     message)
   */
  public void writeNextFragment(OutputStream out) throws IOException {
    if (!hasNextFragment()) {
      throw new NoSuchElementException("no fragment left (" + nextIndex + "/" + fragmentCount
          + (released ? ", closed" : "") + ")");
    }
    int index = nextIndex;
    try {
      if (fragmentCount > 1 && index == 0) {
        byte[] head = new byte[DtxFragmentHeader.SIZE];
        putHeader(head, index, bodyLength);
        out.write(head);
        return;
      }
      long start = fragmentCount == 1 ? 0 : (long) (index - 1) * maxFragmentBody;
      int length = (int) (fragmentCount == 1 ? bodyLength : Math.min(maxFragmentBody, bodyLength - start));
      boolean withPayloadHeader = start == 0;
      byte[] head = new byte[DtxFragmentHeader.SIZE + (withPayloadHeader ? DtxPayloadHeader.SIZE : 0)];
      putHeader(head, index, length);
      ByteBuf aux = message.aux();
      ByteBuf payload = message.payload();
      int auxLength = aux.readableBytes();
      if (withPayloadHeader) {
        int at = DtxFragmentHeader.SIZE;
        head[at] = (byte) message.type().code();
        head[at + 1] = (byte) message.flagsA();
        head[at + 2] = (byte) message.flagsB();
        putLongLE(head, at + 4, auxLength, 4);
        putLongLE(head, at + 8, (long) auxLength + payload.readableBytes(), 8);
      }
      out.write(head);
      // The body is payload header (16), aux, payload; write this fragment's part of the last two.
      long from = Math.max(start, DtxPayloadHeader.SIZE);
      long to = start + length;
      long auxStart = DtxPayloadHeader.SIZE;
      long payloadStart = auxStart + auxLength;
      writeRange(aux, from - auxStart, Math.min(to, payloadStart) - auxStart, out);
      writeRange(payload, Math.max(from, payloadStart) - payloadStart, to - payloadStart, out);
    } finally {
      nextIndex++;
      if (nextIndex == fragmentCount) {
        close();
      }
    }
  }

  /** Writes {@code part}'s readable bytes {@code [from, to)} (clamped to them), if any. */
  private static void writeRange(ByteBuf part, long from, long to, OutputStream out) throws IOException {
    long start = Math.max(0, from);
    long end = Math.min(part.readableBytes(), to);
    if (end > start) {
      part.getBytes(part.readerIndex() + (int) start, out, (int) (end - start));
    }
  }

  private void putHeader(byte[] head, int index, long length) {
    putLongLE(head, 0, DtxFragmentHeader.MAGIC, 4);
    putLongLE(head, 4, DtxFragmentHeader.SIZE, 4);
    putLongLE(head, 8, index, 2);
    putLongLE(head, 10, fragmentCount, 2);
    putLongLE(head, 12, length, 4);
    putLongLE(head, 16, message.identifier(), 4);
    putLongLE(head, 20, message.conversationIndex(), 4);
    putLongLE(head, 24, message.channelCode(), 4);
    putLongLE(head, 28, message.expectsReply() ? DtxFragmentHeader.FLAG_EXPECTS_REPLY : 0, 4);
  }

  private static void putLongLE(byte[] out, int at, long v, int width) {
    for (int i = 0; i < width; i++) {
      out[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  private ByteBuf header(int index, long length) {
    ByteBuf header = alloc.buffer(DtxFragmentHeader.SIZE);
    new DtxFragmentHeader(DtxFragmentHeader.SIZE, index, fragmentCount, length, message.identifier(),
        message.conversationIndex(), message.channelCode(),
        message.expectsReply() ? DtxFragmentHeader.FLAG_EXPECTS_REPLY : 0).write(header);
    return header;
  }

  private CompositeByteBuf body() {
    if (body == null) {
      ByteBuf payloadHeader = alloc.buffer(DtxPayloadHeader.SIZE);
      long auxLength = message.aux().readableBytes();
      new DtxPayloadHeader(message.type().code(), message.flagsA(), message.flagsB(), 0, auxLength,
          auxLength + message.payload().readableBytes()).write(payloadHeader);
      body = alloc.compositeBuffer(3);
      body.addComponent(true, payloadHeader);
      body.addComponent(true, message.aux().retainedDuplicate());
      body.addComponent(true, message.payload().retainedDuplicate());
    }
    return body;
  }

  /** Releases the message (and anything prepared from it) unless done already; fragments handed out stay valid. */
  @Override
  public void close() {
    if (!released) {
      released = true;
      if (body != null) {
        body.release();
        body = null;
      }
      message.release();
    }
  }
}
