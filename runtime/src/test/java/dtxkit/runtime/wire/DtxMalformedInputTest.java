package dtxkit.runtime.wire;

import static dtxkit.runtime.wire.DtxTesting.ALLOC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per way a peer can break the framing: each asserts the exception type, the field, the offset and the
 * message text, and that the decoder ends FAILED with everything released (the leak extension checks the latter).
 */
class DtxMalformedInputTest {

  /** Length of {@link #good()}: one OK message, so errors after it sit at a non-zero offset. */
  private static final int GOOD = 48;

  /** A stream being written by a test. */
  private static final class Wire {
    final ByteBuf buf = Unpooled.buffer();

    Wire header(int headerLength, int index, int count, long length, int id, int conversation, int channel) {
      buf.writeIntLE(DtxFragmentHeader.MAGIC).writeIntLE(headerLength).writeShortLE(index).writeShortLE(count)
          .writeIntLE((int) length).writeIntLE(id).writeIntLE(conversation).writeIntLE(channel).writeIntLE(0);
      buf.writeZero(Math.max(0, headerLength - 32));
      return this;
    }

    Wire fragment(int index, int count, byte[] body, int id) {
      header(32, index, count, body.length, id, 0, 1);
      buf.writeBytes(body);
      return this;
    }

    Wire message(byte[] body, int id) {
      return fragment(0, 1, body, id);
    }

    byte[] bytes() {
      byte[] out = ByteBufUtil.getBytes(buf);
      buf.release();
      return out;
    }
  }

  /** A message body: payload header (total as u64), aux, payload. */
  private static byte[] body(int type, int auxLength, int payloadLength) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(type).writeByte(0).writeByte(0).writeByte(0).writeIntLE(auxLength)
        .writeLongLE(auxLength + payloadLength).writeZero(auxLength + payloadLength);
    byte[] out = ByteBufUtil.getBytes(b);
    b.release();
    return out;
  }

  private static Wire good() {
    return new Wire().message(body(0, 0, 0), 1);
  }

  /** Decodes {@code bytes} in one piece; returns the thrown exception after checking the decoder's end state. */
  private static <T extends DtxProtocolException> T fails(Class<T> type, DtxLimits limits, byte[] bytes) {
    List<DtxMessage> delivered = new ArrayList<>();
    DtxMessageDecoder decoder = new DtxMessageDecoder(limits, ALLOC);
    T e = assertThrows(type, () -> decoder.decode(DtxTesting.direct(bytes, 0, bytes.length), delivered::add));
    assertEquals(DtxMessageDecoder.State.FAILED, decoder.state());
    assertEquals(e, decoder.failure());
    assertEquals(0, decoder.messagesInFlight());
    assertEquals(0, decoder.bufferedBytes());
    // Messages completed before the error were delivered, in this file always the leading OK.
    for (DtxMessage m : delivered) {
      assertEquals(DtxMessageType.OK, m.type());
      m.release();
    }
    // A failed decoder refuses more input, and releases it.
    ByteBuf more = ALLOC.directBuffer(4).writeInt(1);
    assertThrows(IllegalStateException.class, () -> decoder.decode(more, delivered::add));
    assertEquals(0, more.refCnt());
    decoder.close();
    return e;
  }

  private static <T extends DtxProtocolException> T fails(Class<T> type, byte[] bytes) {
    return fails(type, DtxLimits.defaults(), bytes);
  }

  private static void assertError(DtxProtocolException e, String field, long offset, String text) {
    assertEquals(field, e.field());
    assertEquals(offset, e.offset());
    assertEquals(text, e.getMessage());
    assertTrue(e.isConnectionFatal());
  }

  @Test
  void badMagic() {
    Wire w = good();
    w.buf.writeZero(32);
    DtxProtocolException e = fails(DtxProtocolException.class, w.bytes());
    assertError(e, "magic", GOOD, "bad magic 0x00000000 (expected 0x1F3D5B79) at offset 48");
  }

  @Test
  void headerLengthBelow32() {
    byte[] bytes = good().header(31, 0, 1, 16, 2, 0, 1).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "header length", GOOD + 4,
        "bad header length 31 (expected >= 32) at offset 52");
  }

  @Test
  void headerLengthOverTheFragmentLimit() {
    byte[] bytes = good().header(32, 0, 1, 16, 2, 0, 1).bytes();
    Unpooled.wrappedBuffer(bytes).setIntLE(GOOD + 4, 1 << 20);
    DtxLimitExceededException e = fails(DtxLimitExceededException.class, bytes);
    assertError(e, "bytes per fragment", GOOD + 4, "bytes per fragment exceeded: 1048576 > 131104 at offset 52");
  }

  @Test
  void headerExtensionBytesAreSkipped() throws Exception {
    Wire w = good();
    w.header(40, 0, 1, 16 + 3, 2, 0, 1);
    w.buf.writeBytes(body(1, 0, 3));
    List<DtxMessage> ms = DtxTesting.decodeAll(w.bytes());
    assertEquals(2, ms.size());
    assertEquals(DtxMessageType.DATA, ms.get(1).type());
    assertEquals(3, ms.get(1).payload().readableBytes());
    DtxTesting.releaseAll(ms);
  }

  @Test
  void fragmentCountZero() {
    byte[] bytes = good().header(32, 0, 0, 16, 2, 0, 1).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "fragment count", GOOD + 10,
        "bad fragment count 0 (expected >= 1) at offset 58");
  }

  @Test
  void fragmentIndexNotBelowCount() {
    byte[] bytes = good().header(32, 3, 3, 16, 2, 0, 1).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "fragment index", GOOD + 8,
        "bad fragment index 3 (expected < 3) at offset 56");
  }

  @Test
  void messageLengthOverTheLimit() {
    // A header-only fragment 0 announcing 200 MiB: refused before anything is buffered.
    byte[] bytes = good().header(32, 0, 2, 200L << 20, 2, 0, 1).bytes();
    assertError(fails(DtxLimitExceededException.class, bytes), "bytes per message", GOOD + 12,
        "bytes per message exceeded: 209715200 > 134217728 at offset 60");
  }

  @Test
  void singleFragmentMessageOverTheLimit() {
    DtxLimits limits = DtxLimits.builder().maxMessageBytes(1000).build();
    byte[] bytes = good().header(32, 0, 1, 1001, 2, 0, 1).bytes();
    assertError(fails(DtxLimitExceededException.class, limits, bytes), "bytes per message", GOOD + 12,
        "bytes per message exceeded: 1001 > 1000 at offset 60");
  }

  @Test
  void fragmentBodyOverTheLimit() {
    // Only the header is sent: the limit is checked before waiting for (and buffering) the body.
    byte[] bytes = good().header(32, 0, 1, 200 * 1024, 2, 0, 1).bytes();
    assertError(fails(DtxLimitExceededException.class, bytes), "bytes per fragment", GOOD + 12,
        "bytes per fragment exceeded: 204832 > 131104 at offset 60");
  }

  @Test
  void messageLengthBelowThePayloadHeader() {
    byte[] bytes = good().header(32, 0, 1, 15, 2, 0, 1).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "message length", GOOD + 12,
        "bad message length 15 (expected >= 16) at offset 60");
  }

  @Test
  void messagesInFlightOverTheLimit() {
    DtxLimits limits = DtxLimits.builder().maxMessagesInFlight(2).build();
    Wire w = good();
    for (int id = 10; id < 13; id++) {
      w.header(32, 0, 2, 100, id, 0, 1);
    }
    assertError(fails(DtxLimitExceededException.class, limits, w.bytes()), "messages in flight", GOOD + 64,
        "messages in flight exceeded: 3 > 2 at offset 112");
  }

  @Test
  void bufferedBytesOverTheLimit() {
    DtxLimits limits = DtxLimits.builder().maxMessageBytes(1000).maxBufferedBytes(1500).build();
    Wire w = good();
    w.header(32, 0, 3, 1000, 10, 0, 1);
    w.header(32, 1, 3, 800, 10, 0, 1).buf.writeZero(800);
    w.header(32, 0, 3, 1000, 11, 0, 1);
    long second = GOOD + 32 + 32 + 800 + 32;
    w.header(32, 1, 3, 800, 11, 0, 1);
    assertError(fails(DtxLimitExceededException.class, limits, w.bytes()), "buffered bytes", second + 12,
        "buffered bytes exceeded: 1600 > 1500 at offset " + (second + 12));
  }

  @Test
  void totalLengthMismatch() {
    byte[] body = body(3, 0, 10);
    Unpooled.wrappedBuffer(body).setLongLE(8, 11);
    byte[] bytes = good().message(body, 2).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "total length", GOOD + 32 + 8,
        "bad total length 0x000000000000000B (expected 0xA (message length 26 - 16)) at offset 88");
  }

  @Test
  void u32TotalWithFlagsIsAccepted() throws Exception {
    // Some peers write bytes 8-15 as u32 total + u32 flags: the u64 reading is then wrong, the u32 one matches.
    byte[] body = body(3, 0, 10);
    Unpooled.wrappedBuffer(body).setIntLE(12, 0x0000_0001);
    List<DtxMessage> ms = DtxTesting.decodeAll(good().message(body, 2).bytes());
    assertEquals(10, ms.get(1).payload().readableBytes());
    DtxTesting.releaseAll(ms);
  }

  @Test
  void auxLengthBeyondTheTotal() {
    byte[] body = body(2, 0, 10);
    Unpooled.wrappedBuffer(body).setIntLE(4, 11);
    byte[] bytes = good().message(body, 2).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "aux length", GOOD + 32 + 4,
        "bad aux length 11 (expected <= total length 10) at offset 84");
  }

  @Test
  void unknownMessageType() {
    byte[] bytes = good().message(body(9, 0, 0), 2).bytes();
    assertError(fails(DtxProtocolException.class, bytes), "message type", GOOD + 32,
        "bad message type 0x09 (expected 0 to 8) at offset 80");
  }

  @Test
  void duplicateFragment() {
    byte[] body = body(1, 0, 20);
    Wire w = good().header(32, 0, 3, body.length, 7, 0, 1);
    w.header(32, 1, 3, 18, 7, 0, 1).buf.writeBytes(body, 0, 18);
    long dup = w.buf.writerIndex();
    w.header(32, 1, 3, 18, 7, 0, 1).buf.writeBytes(body, 0, 18);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment index", dup + 8,
        "bad fragment index 1 (expected 2 (duplicate fragment of message 7.0 on channel 1)) at offset " + (dup + 8));
  }

  @Test
  void duplicateFragmentZero() {
    Wire w = good().header(32, 0, 3, 100, 7, 0, 1).header(32, 0, 3, 100, 7, 0, -1);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment index", GOOD + 32 + 8,
        "bad fragment index 0 (expected 1 (duplicate fragment 0 of message 7.0 on channel -1)) at offset 88");
  }

  @Test
  void outOfOrderFragment() {
    byte[] body = body(1, 0, 20);
    Wire w = good().header(32, 0, 3, body.length, 7, 0, 1);
    w.header(32, 2, 3, 18, 7, 0, 1).buf.writeBytes(body, 0, 18);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment index", GOOD + 32 + 8,
        "bad fragment index 2 (expected 1 (out of order fragment of message 7.0 on channel 1)) at offset 88");
  }

  @Test
  void bodyFragmentWithoutFragmentZero() {
    Wire w = good();
    w.header(32, 1, 2, 18, 7, 0, 1).buf.writeZero(18);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment index", GOOD + 8,
        "bad fragment index 1 (expected 0 (out of order: no fragment 0 of message 7.0 on channel 1 seen))"
            + " at offset 56");
  }

  @Test
  void fragmentCountChangesMidMessage() {
    Wire w = good().header(32, 0, 3, 40, 7, 0, 1);
    w.header(32, 1, 4, 18, 7, 0, 1).buf.writeZero(18);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment count", GOOD + 32 + 10,
        "bad fragment count 4 (expected 3 (as in fragment 0 of message 7.0 on channel 1)) at offset 90");
  }

  @Test
  void fragmentsOverflowTheDeclaredTotal() {
    byte[] body = body(1, 0, 20);
    Wire w = good().header(32, 0, 3, body.length, 7, 0, 1);
    w.header(32, 1, 3, 30, 7, 0, 1).buf.writeBytes(body, 0, 30);
    long over = w.buf.writerIndex();
    w.header(32, 2, 3, 10, 7, 0, 1).buf.writeZero(10);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment length", over + 12,
        "bad fragment length 10 (expected <= 6 (rest of the declared total 36)) at offset " + (over + 12));
  }

  @Test
  void fragmentsFallShortOfTheDeclaredTotal() {
    byte[] body = body(1, 0, 20);
    Wire w = good().header(32, 0, 3, body.length, 7, 0, 1);
    w.header(32, 1, 3, 20, 7, 0, 1).buf.writeBytes(body, 0, 20);
    w.header(32, 2, 3, 10, 7, 0, 1).buf.writeBytes(body, 20, 10);
    assertError(fails(DtxProtocolException.class, w.bytes()), "message length", GOOD + 12,
        "bad message length 30 bytes in 2 body fragments (expected 36 (declared by fragment 0 at offset 48))"
            + " at offset 60");
  }

  @Test
  void emptyBodyFragment() {
    Wire w = good().header(32, 0, 3, 40, 7, 0, 1).header(32, 1, 3, 0, 7, 0, 1);
    assertError(fails(DtxProtocolException.class, w.bytes()), "fragment length", GOOD + 32 + 12,
        "bad fragment length 0 (expected > 0) at offset 92");
  }

  @Test
  void interleavedMessagesOnBothChannelSignsReassembleSeparately() throws Exception {
    // Two messages with identifier 7, conversations 0 and 1, fragments interleaved. The key uses |channel|, so the
    // sign may differ between fragments of one message (as when a peer replies on a channel the other side opened).
    byte[] a = body(1, 0, 40);
    byte[] b = body(1, 0, 50);
    Wire w = new Wire().header(32, 0, 3, a.length, 7, 0, 1).header(32, 0, 3, b.length, 7, 1, -1);
    w.header(32, 1, 3, 30, 7, 1, -1).buf.writeBytes(b, 0, 30);
    w.header(32, 1, 3, 30, 7, 0, 1).buf.writeBytes(a, 0, 30);
    w.header(32, 2, 3, b.length - 30, 7, 1, 1).buf.writeBytes(b, 30, b.length - 30);
    w.header(32, 2, 3, a.length - 30, 7, 0, -1).buf.writeBytes(a, 30, a.length - 30);
    List<DtxMessage> ms = DtxTesting.decodeAll(w.bytes());
    assertEquals(2, ms.size());
    assertEquals(1, ms.get(0).conversationIndex());
    assertEquals(-1, ms.get(0).channelCode()); // as on fragment 0
    assertEquals(50, ms.get(0).payload().readableBytes());
    assertEquals(0, ms.get(1).conversationIndex());
    assertEquals(40, ms.get(1).payload().readableBytes());
    assertEquals(0, ms.get(1).streamOffset());
    assertEquals(32, ms.get(0).streamOffset());
    DtxTesting.releaseAll(ms);
  }

  @Test
  void closeReleasesPartialMessagesAndBufferedInput() throws Exception {
    byte[] body = body(1, 0, 100);
    Wire w = new Wire().header(32, 0, 3, body.length, 7, 0, 1);
    w.header(32, 1, 3, 60, 7, 0, 1).buf.writeBytes(body, 0, 60);
    w.header(32, 2, 3, body.length - 60, 7, 0, 1).buf.writeBytes(body, 60, 10);
    byte[] bytes = w.bytes();
    ByteBuf piece = DtxTesting.direct(bytes, 0, bytes.length);
    DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC);
    List<DtxMessage> out = new ArrayList<>();
    decoder.decode(piece.retain(), out::add);
    assertTrue(out.isEmpty());
    assertEquals(1, decoder.messagesInFlight());
    assertEquals(60, decoder.bufferedBytes());
    assertEquals(DtxMessageDecoder.State.BODY, decoder.state());
    decoder.close();
    assertEquals(DtxMessageDecoder.State.CLOSED, decoder.state());
    assertEquals(0, decoder.messagesInFlight());
    piece.release();
    assertEquals(0, piece.refCnt());
    ByteBuf more = ALLOC.directBuffer(1).writeByte(0);
    assertThrows(IllegalStateException.class, () -> decoder.decode(more, out::add));
    assertEquals(0, more.refCnt());
  }

  @Test
  void aMessageOutlivesTheDecoderAndItsInput() throws Exception {
    byte[] bytes = good().message(body(1, 4, 6), 2).bytes();
    ByteBuf piece = DtxTesting.direct(bytes, 0, bytes.length);
    List<DtxMessage> out = new ArrayList<>();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC)) {
      decoder.decode(piece, out::add);
    }
    assertEquals(2, out.size());
    DtxMessage m = out.get(1);
    assertFalse(piece.refCnt() == 0, "the payload is a slice of the input, which it keeps alive");
    assertArrayEquals(new byte[6], m.payloadBytes());
    DtxTesting.releaseAll(out);
    assertEquals(0, piece.refCnt());
    assertInstanceOf(io.netty.util.IllegalReferenceCountException.class,
        assertThrows(RuntimeException.class, m::payload));
  }
}
