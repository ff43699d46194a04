package dtxkit.runtime.auxdict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The aux dictionary codec: every tag both ways, exact bytes, and one test per malformed case. */
class AuxCodecTest {

  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] encode(List<AuxValue> args) {
    ByteBuf b = AuxCodec.encodeArguments(args, ALLOC);
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  private static List<AuxValue> decode(byte[] aux) throws DtxProtocolException {
    return AuxCodec.decodeArguments(Unpooled.wrappedBuffer(aux), 1000);
  }

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  @Test
  void noArgumentsIsNoAuxAtAll() throws Exception {
    ByteBuf b = AuxCodec.encodeArguments(List.of(), ALLOC);
    assertEquals(0, b.readableBytes());
    b.release();
    assertTrue(decode(new byte[0]).isEmpty());
    assertNull(AuxCodec.decode(Unpooled.EMPTY_BUFFER, 0));
  }

  @Test
  void int32ArgumentHasTheBytesDevicesSend() throws Exception {
    // As in requestChannelWithCodeIdentifier.bin: 0x1F0, 0, body length, then null key (10) + int32 (3) 1.
    byte[] expected = hex("f0010000 00000000 0c000000 00000000 0a000000 03000000 01000000");
    assertArrayEquals(expected, encode(List.of(AuxValue.int32(1))));
    assertEquals(List.of(AuxValue.int32(1)), decode(expected));
  }

  @Test
  void everyTagRoundTrips() throws Exception {
    List<AuxValue> args = List.of(
        AuxValue.string("héllo"),
        AuxValue.buffer(new byte[] {0, 1, 2, (byte) 0xFF}),
        AuxValue.buffer(new byte[0]),
        AuxValue.int32(Integer.MIN_VALUE),
        AuxValue.int64(Long.MAX_VALUE),
        AuxValue.float64(-1.5),
        AuxValue.NULL,
        new AuxValue.Dictionary(0x300, List.of(
            new AuxEntry(AuxValue.string("k"), AuxValue.int64(5)),
            new AuxEntry(AuxValue.NULL, new AuxValue.Dictionary(List.of())))));
    byte[] bytes = encode(args);
    int expectedLength = 16;
    for (AuxValue v : args) {
      expectedLength += 4 + AuxCodec.encodedLength(v);
    }
    assertEquals(expectedLength, bytes.length);
    assertEquals(args, decode(bytes));
  }

  @Test
  void valuesMapToPlainJava() {
    assertEquals("s", AuxValue.string("s").javaValue());
    assertEquals(3, AuxValue.int32(3).javaValue());
    assertEquals(4L, AuxValue.int64(4).javaValue());
    assertEquals(0.25, AuxValue.float64(0.25).javaValue());
    assertNull(AuxValue.NULL.javaValue());
    assertArrayEquals(new byte[] {9}, (byte[]) AuxValue.buffer(new byte[] {9}).javaValue());
  }

  @Test
  void tag4IsReadAsInt64AndWrittenAs6() throws Exception {
    byte[] tag4 = hex("f0010000 00000000 10000000 00000000 0a000000 04000000 0500000000000000");
    List<AuxValue> args = decode(tag4);
    assertEquals(List.of(AuxValue.int64(5)), args);
    byte[] written = encode(args);
    assertEquals(6, written[16 + 4]);
  }

  @Test
  void dictionaryFlagBitsAreKeptWhenRead() throws Exception {
    // conn-in4.dump has tag words 0x300, 0x700, 0x1F00...: the bits above the tag byte survive a round trip.
    byte[] aux = hex("f01f0000 00000000 0c000000 00000000 0a000000 03000000 07000000");
    AuxValue.Dictionary d = AuxCodec.decode(Unpooled.wrappedBuffer(aux), 0);
    assertEquals(0x1F00, d.flags());
    ByteBuf again = AuxCodec.encode(d, ALLOC);
    assertArrayEquals(aux, ByteBufUtil.getBytes(again));
    again.release();
  }

  @Test
  void defaultDictionaryTagWordIs0x1F0() {
    assertEquals(0x1F0, encode(List.of(AuxValue.NULL))[0] & 0xFF | (encode(List.of(AuxValue.NULL))[1] & 0xFF) << 8);
    assertThrows(IllegalArgumentException.class, () -> new AuxValue.Dictionary(0x1F0, List.of()));
  }

  @Test
  void keyedEntriesAreKeptInOrderButAreNotPositional() throws Exception {
    AuxValue.Dictionary d = new AuxValue.Dictionary(List.of(
        new AuxEntry(AuxValue.string("b"), AuxValue.int32(2)),
        new AuxEntry(AuxValue.string("a"), AuxValue.int32(1))));
    ByteBuf b = AuxCodec.encode(d, ALLOC);
    assertEquals(d, AuxCodec.decode(b, 0));
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> AuxCodec.decodeArguments(b, 0));
    assertEquals("aux key", e.field());
    b.release();
  }

  @Test
  void unknownTag() {
    byte[] aux = hex("f0010000 00000000 08000000 00000000 0a000000 05000000");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux tag", e.field());
    assertEquals(1020, e.offset());
    assertEquals("bad aux tag 0x00000005 (expected 1, 2, 3, 4, 6, 9, 10 or 0xF0) at offset 1020", e.getMessage());
    assertFalse(e.isConnectionFatal());
  }

  @Test
  void truncatedInt32() {
    byte[] aux = hex("f0010000 00000000 0a000000 00000000 0a000000 03000000 0100");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux int32", e.field());
    assertEquals(1024, e.offset());
    assertEquals("bad aux int32 2 bytes left (truncated) (expected 4 bytes) at offset 1024", e.getMessage());
  }

  @Test
  void truncatedBufferIsRefusedBeforeAllocating() {
    // A buffer announcing 2 GiB with 3 bytes present: refused from the length alone.
    byte[] aux = hex("f0010000 00000000 0f000000 00000000 0a000000 02000000 ffffff7f 616263");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux buffer length", e.field());
    assertEquals(1024, e.offset());
  }

  @Test
  void truncatedString() {
    byte[] aux = hex("f0010000 00000000 0f000000 00000000 0a000000 01000000 04000000 616263");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux string length", e.field());
    assertEquals(1024, e.offset());
  }

  @Test
  void truncatedDictionaryHeader() {
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(hex("f0010000 0000")));
    assertEquals("aux dictionary header", e.field());
    assertEquals(1004, e.offset());
  }

  @Test
  void dictionaryLengthBeyondTheAux() {
    byte[] aux = hex("f0010000 00000000 ff000000 00000000 0a000000");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux dictionary length", e.field());
    assertEquals(1008, e.offset());
  }

  @Test
  void keyWithoutValue() {
    byte[] aux = hex("f0010000 00000000 04000000 00000000 0a000000");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux value", e.field());
    assertEquals(1020, e.offset());
  }

  @Test
  void valueRunningPastTheDictionaryEnd() {
    // The body length says 10, the int32 entry needs 12: the value is cut at the dictionary's end.
    byte[] aux = hex("f0010000 00000000 0a000000 00000000 0a000000 03000000 01000000");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux int32", e.field());
    assertEquals(1024, e.offset());
  }

  @Test
  void trailingBytesAfterTheDictionary() {
    byte[] aux = hex("f0010000 00000000 08000000 00000000 0a000000 0a000000 0a000000");
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(aux));
    assertEquals("aux length", e.field());
    assertEquals(1024, e.offset());
  }

  @Test
  void rootThatIsNotADictionary() {
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(hex("03000000 01000000")));
    assertEquals("aux root", e.field());
    assertEquals(1000, e.offset());
  }

  @Test
  void nestingDeeperThanTheLimit() {
    AuxValue v = new AuxValue.Dictionary(List.of());
    for (int i = 0; i < AuxCodec.MAX_DEPTH; i++) {
      v = new AuxValue.Dictionary(List.of(AuxEntry.positional(v)));
    }
    ByteBuf b = AuxCodec.encode((AuxValue.Dictionary) v, ALLOC);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> AuxCodec.decode(b, 0));
    assertEquals("aux dictionary depth", e.field());
    b.release();
  }

  @Test
  void bufferValuesAreDefensiveCopies() {
    byte[] raw = {1, 2};
    AuxValue.Buffer b = AuxValue.buffer(raw);
    raw[0] = 9;
    b.value()[1] = 9;
    assertArrayEquals(new byte[] {1, 2}, b.value());
    assertEquals(AuxValue.buffer(new byte[] {1, 2}), b);
    assertSame(AuxValue.NULL, AuxEntry.positional(AuxValue.NULL).key());
  }
}
