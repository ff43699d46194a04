package dtxkit.runtime.wire;

import static dtxkit.runtime.wire.DtxTesting.ALLOC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.auxdict.AuxValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Encode, then decode: every message type, with and without aux, in one fragment and in many. */
class DtxRoundTripTest {

  private static final int SMALL_FRAGMENT = 1024;

  private static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static DtxMessage message(DtxMessageType type, byte[] aux, byte[] payload) {
    return DtxMessage.builder(type)
        .identifier(0xFFFF_FFF0) // above 2^31: identifiers are unsigned on the wire
        .conversationIndex(1)
        .channelCode(-7)
        .expectsReply(true)
        .payloadFlags(0x10, 0x02)
        .aux(Unpooled.wrappedBuffer(aux))
        .payload(Unpooled.wrappedBuffer(payload))
        .build();
  }

  private static void assertSame(DtxMessageType type, byte[] aux, byte[] payload, DtxMessage m) {
    assertEquals(type, m.type());
    assertEquals(0xFFFF_FFF0, m.identifier());
    assertEquals(1, m.conversationIndex());
    assertEquals(-7, m.channelCode());
    assertTrue(m.expectsReply());
    assertEquals(0x10, m.flagsA());
    assertEquals(0x02, m.flagsB());
    assertFalse(m.compressed());
    assertArrayEquals(aux, m.auxBytes());
    assertArrayEquals(payload, m.payloadBytes());
  }

  private static DtxMessage roundTrip(DtxMessage message, int maxFragmentBody, int expectedFragments)
      throws DtxProtocolException {
    DtxOutboundMessage out = new DtxFragmentEncoder(maxFragmentBody, ALLOC).encode(message);
    assertEquals(expectedFragments, out.fragmentCount());
    long wireLength = out.wireLength();
    byte[] wire = DtxTesting.drain(out);
    assertEquals(wireLength, wire.length);
    List<DtxMessage> decoded = DtxTesting.decodeAll(wire);
    assertEquals(1, decoded.size());
    DtxMessage m = decoded.get(0);
    assertEquals(0, m.streamOffset());
    assertEquals(expectedFragments, m.fragments().size());
    return m;
  }

  @ParameterizedTest
  @EnumSource(DtxMessageType.class)
  void singleFragmentWithAndWithoutAux(DtxMessageType type) throws Exception {
    byte[] aux = bytes(100, 1);
    byte[] payload = bytes(500, 2);
    DtxMessage m = roundTrip(message(type, aux, payload), SMALL_FRAGMENT, 1);
    assertSame(type, aux, payload, m);
    assertEquals(List.of(new DtxFragmentInfo(0, 1, 616)), m.fragments());
    m.release();

    DtxMessage bare = roundTrip(message(type, new byte[0], new byte[0]), SMALL_FRAGMENT, 1);
    assertSame(type, new byte[0], new byte[0], bare);
    bare.release();
  }

  @ParameterizedTest
  @EnumSource(DtxMessageType.class)
  void multiFragmentWithAndWithoutAux(DtxMessageType type) throws Exception {
    byte[] aux = bytes(1500, 3);
    byte[] payload = bytes(3000, 4);
    // 16 + 1500 + 3000 = 4516 bytes: header-only fragment 0 and five bodies of at most 1024.
    DtxMessage m = roundTrip(message(type, aux, payload), SMALL_FRAGMENT, 6);
    assertSame(type, aux, payload, m);
    assertEquals(new DtxFragmentInfo(0, 6, 4516), m.fragments().get(0));
    assertEquals(new DtxFragmentInfo(5, 6, 4516 - 4 * 1024), m.fragments().get(5));
    m.release();

    DtxMessage noAux = roundTrip(message(type, new byte[0], payload), SMALL_FRAGMENT, 4);
    assertSame(type, new byte[0], payload, noAux);
    noAux.release();
  }

  @Test
  void bodyOfExactlyTheMaximumIsOneFragmentAndOneMoreByteIsThree() throws Exception {
    DtxMessage exact = roundTrip(message(DtxMessageType.DATA, new byte[0], bytes(1024 - 16, 5)), SMALL_FRAGMENT, 1);
    exact.release();
    DtxMessage over = roundTrip(message(DtxMessageType.DATA, new byte[0], bytes(1024 - 15, 5)), SMALL_FRAGMENT, 3);
    assertEquals(List.of(new DtxFragmentInfo(0, 3, 1025), new DtxFragmentInfo(1, 3, 1024),
        new DtxFragmentInfo(2, 3, 1)), over.fragments());
    over.release();
  }

  @Test
  void defaultEncoderSplitsAt128KiB() throws Exception {
    byte[] payload = bytes(300_000, 6);
    DtxMessage m = roundTrip(
        DtxMessage.builder(DtxMessageType.OBJECT).payload(Unpooled.wrappedBuffer(payload)).build(),
        DtxFragmentEncoder.DEFAULT_MAX_FRAGMENT_BODY, 4);
    assertEquals(131072, m.fragments().get(1).length());
    assertEquals(131072, m.fragments().get(2).length());
    assertEquals(300_016 - 2 * 131072, m.fragments().get(3).length());
    assertArrayEquals(payload, m.payloadBytes());
    m.release();
  }

  @Test
  void auxArgumentsSurviveTheRoundTrip() throws Exception {
    List<AuxValue> args = List.of(AuxValue.int32(1), AuxValue.buffer(new byte[] {1, 2, 3}), AuxValue.string("x"),
        AuxValue.int64(-5), AuxValue.float64(0.5));
    DtxMessage sent = DtxMessage.builder(DtxMessageType.DISPATCH)
        .identifier(9)
        .aux(AuxCodec.encodeArguments(args, ALLOC))
        .payload(new byte[] {42})
        .build();
    DtxMessage m = roundTrip(sent, SMALL_FRAGMENT, 1);
    assertEquals(args, AuxCodec.decodeArguments(m.aux(), 0));
    m.release();
  }

  @Test
  void fragmentsAreHandedOutOneAtATimeAndCanBeInterleaved() throws Exception {
    DtxFragmentEncoder encoder = new DtxFragmentEncoder(SMALL_FRAGMENT, ALLOC);
    byte[] p1 = bytes(2500, 7);
    byte[] p2 = bytes(3500, 8);
    DtxOutboundMessage a = encoder.encode(
        DtxMessage.builder(DtxMessageType.DATA).identifier(1).channelCode(1).payload(p1).build());
    DtxOutboundMessage b = encoder.encode(
        DtxMessage.builder(DtxMessageType.DATA).identifier(2).channelCode(2).payload(p2).build());
    // Round-robin the two messages' fragments into one stream, as a fair writer would.
    ByteBuf stream = Unpooled.buffer();
    List<Integer> order = new ArrayList<>();
    while (a.hasNextFragment() || b.hasNextFragment()) {
      for (DtxOutboundMessage out : List.of(a, b)) {
        if (out.hasNextFragment()) {
          order.add(out.channelCode() * 10 + out.nextIndex());
          ByteBuf fragment = out.nextFragment();
          stream.writeBytes(fragment);
          fragment.release();
        }
      }
    }
    assertEquals(List.of(10, 20, 11, 21, 12, 22, 13, 23, 24), order);
    assertThrows(NoSuchElementException.class, a::nextFragment);
    byte[] wire = new byte[stream.readableBytes()];
    stream.readBytes(wire);
    List<DtxMessage> decoded = DtxTesting.decodeAll(wire);
    assertEquals(2, decoded.size());
    assertEquals(1, decoded.get(0).identifier());
    assertArrayEquals(p1, decoded.get(0).payloadBytes());
    assertArrayEquals(p2, decoded.get(1).payloadBytes());
    DtxTesting.releaseAll(decoded);
  }

  @Test
  void fragmentBodiesAreSlicesOfTheMessageNotCopies() {
    ByteBuf payload = ALLOC.directBuffer(4096);
    payload.writeBytes(bytes(4096, 9));
    DtxOutboundMessage out = new DtxFragmentEncoder(SMALL_FRAGMENT, ALLOC)
        .encode(DtxMessage.builder(DtxMessageType.DATA).payload(payload).build());
    out.nextFragment().release();
    ByteBuf second = out.nextFragment();
    // Writing through the payload shows in the fragment already handed out: it shares the memory.
    payload.setByte(100, payload.getByte(100) ^ 0xFF);
    assertEquals(payload.getByte(100), second.getByte(32 + 16 + 100));
    second.release();
    out.close();
    assertEquals(0, payload.refCnt());
  }

  @Test
  void closingAnOutboundMessageEarlyReleasesTheMessage() {
    DtxMessage m = message(DtxMessageType.DATA, new byte[0], bytes(5000, 10));
    DtxOutboundMessage out = new DtxFragmentEncoder(SMALL_FRAGMENT, ALLOC).encode(m);
    out.nextFragment().release();
    out.nextFragment().release();
    out.close();
    assertEquals(0, m.refCnt());
    assertFalse(out.hasNextFragment());
  }

  @Test
  void compressedMessagesAreNotSentAndAreReleased() {
    DtxMessage m = DtxMessage.builder(DtxMessageType.COMPRESSED).compressed(true).payload(new byte[] {1}).build();
    assertThrows(IllegalArgumentException.class, () -> new DtxFragmentEncoder().encode(m));
    assertEquals(0, m.refCnt());
  }

  @Test
  void appiumStyleRequestFlagIsNotMistakenForCompression() throws Exception {
    // appium sets payload-header byte 1 to 0x10 on requests (bit 12, inside the compression field of some readers).
    DtxMessage sent = DtxMessage.builder(DtxMessageType.DISPATCH).payloadFlags(0x10, 0)
        .payload("bplist00-not-compressed".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build();
    DtxMessage m = roundTrip(sent, SMALL_FRAGMENT, 1);
    assertFalse(m.compressed());
    assertEquals(0x10, m.flagsA());
    assertEquals(23, m.payload().readableBytes());
    m.release();
  }

  @Test
  void compressionFieldWithABlockStreamIsDecompressed() throws Exception {
    // Type OBJECT with a non-zero compression field (bits 12-19) and a bv4- (stored) block stream.
    ByteBuf stream = Unpooled.buffer();
    stream.writeIntLE(3).writeBytes("bv4-".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).writeIntLE(3)
        .writeBytes(new byte[] {4, 5, 6}).writeBytes("bv4$".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    DtxMessage sent = DtxMessage.builder(DtxMessageType.OBJECT).payloadFlags(0x30, 0).payload(stream).build();
    DtxMessage m = roundTrip(sent, SMALL_FRAGMENT, 1);
    assertTrue(m.compressed());
    assertEquals(DtxMessageType.OBJECT, m.type());
    assertArrayEquals(new byte[] {4, 5, 6}, m.payloadBytes());
    m.release();
  }

  @Test
  void limitsValidateTheirValues() {
    DtxLimits d = DtxLimits.defaults();
    assertEquals(100, d.maxMessagesInFlight());
    assertEquals(128L << 20, d.maxMessageBytes());
    assertEquals(256L << 20, d.maxBufferedBytes());
    assertEquals(128 * 1024 + 32, d.maxFragmentBytes());
    assertEquals(d.toString(), d.toBuilder().build().toString());
    assertThrows(IllegalArgumentException.class, () -> DtxLimits.builder().maxMessagesInFlight(0));
    assertThrows(IllegalArgumentException.class, () -> DtxLimits.builder().maxFragmentBytes(47));
    assertThrows(IllegalArgumentException.class, () -> DtxLimits.builder().maxMessageBytes(1L << 31));
    assertThrows(IllegalArgumentException.class,
        () -> DtxLimits.builder().maxMessageBytes(1000).maxBufferedBytes(999).build());
  }
}
