package dtxkit.runtime.xpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class XpcCodecTest {
  private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = XpcCodecTest.class.getResourceAsStream("/fixtures/go-ios/xpc/" + name)) {
      return in.readAllBytes();
    }
  }

  static XpcMessage decode(byte[] bytes) throws DtxProtocolException {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    try {
      return XpcCodec.decodeMessage(buf, 0, XpcLimits.DEFAULT);
    } finally {
      buf.release();
    }
  }

  static byte[] encode(XpcMessage m) {
    ByteBuf buf = XpcCodec.encodeMessage(m, ALLOC);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void goIosDictFixtureDecodesAndReencodesByteExact() throws Exception {
    byte[] bytes = fixture("xpc_dict.bin");
    XpcMessage m = decode(bytes);
    assertEquals(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT | XpcFlags.WANTS_REPLY, m.flags());
    assertEquals(1, m.messageId());
    XpcDictionary d = m.dictionary();
    assertEquals("CoreDevice.coreDeviceVersion", d.entries().keySet().iterator().next());
    assertEquals("A7DD28AC-2911-4549-811D-85917B9AC72F", d.getString("CoreDevice.deviceIdentifier"));
    assertEquals(new XpcInt64(0), d.get("CoreDevice.CoreDeviceDDIProtocolVersion"));
    XpcDictionary version = d.getDictionary("CoreDevice.coreDeviceVersion");
    assertEquals(new XpcInt64(2), version.get("originalComponentsCount"));
    assertEquals("348.1", version.getString("stringValue"));
    XpcArray components = (XpcArray) version.get("components");
    assertEquals(List.of(new XpcUInt64(348), new XpcUInt64(1), new XpcUInt64(0), new XpcUInt64(0),
        new XpcUInt64(0)), components.elements());
    XpcDictionary options = d.getDictionary("CoreDevice.input").getDictionary("options");
    XpcData platform = (XpcData) options.get("platformSpecificOptions");
    assertEquals(42, platform.length());
    assertEquals(XpcNull.INSTANCE, options.get("workingDirectory"));
    assertEquals(XpcBool.TRUE, options.get("standardIOUsesPseudoterminals"));
    assertEquals(XpcBool.FALSE, options.get("startStopped"));
    assertArrayEquals(bytes, encode(m));
  }

  @Test
  void goIosEmptyDictFixtureDecodesAndReencodesByteExact() throws Exception {
    byte[] bytes = fixture("xpc_empty_dict.bin");
    XpcMessage m = decode(bytes);
    assertEquals(XpcFlags.ALWAYS_SET, m.flags());
    assertEquals(0, m.messageId());
    assertEquals(XpcDictionary.empty(), m.body());
    assertArrayEquals(bytes, encode(m));
  }

  static XpcDictionary everyType() {
    return XpcDictionary.builder()
        .put("null", XpcNull.INSTANCE)
        .put("bool", true)
        .put("int64", new XpcInt64(-5))
        .put("uint64", new XpcUInt64(0x0100000000000006L))
        .put("uint64max", new XpcUInt64(-1L))
        .put("double", new XpcDouble(3.25))
        .put("date", XpcDate.of(Instant.parse("2026-04-18T10:00:00.123456789Z")))
        .put("data", new XpcData(new byte[] {1, 2, 3, 4, 5}))
        .put("string", "héllo")
        .put("uuid", new XpcUuid(UUID.fromString("01234567-89ab-cdef-0123-456789abcdef")))
        .put("array", XpcArray.of(new XpcString("a"), new XpcInt64(1), XpcDictionary.empty()))
        .put("fd", new XpcFd(7))
        .put("shmem", new XpcShmem(4096, 0))
        .put("file", new XpcFileTransfer(9, XpcDictionary.builder().put("s", new XpcUInt64(1234)).build()))
        .put("", "empty key")
        .put("abc", "key padded by its NUL exactly to four")
        .build();
  }

  @Test
  void everyTypeRoundTripsAndKeepsInt64DistinctFromUint64() throws Exception {
    XpcMessage m = new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 42, everyType());
    byte[] bytes = encode(m);
    assertEquals(0, bytes.length % 4);
    XpcMessage back = decode(bytes);
    assertEquals(m, back);
    assertInstanceOf(XpcInt64.class, back.dictionary().get("int64"));
    assertInstanceOf(XpcUInt64.class, back.dictionary().get("uint64"));
    assertNotEquals(new XpcInt64(7), new XpcUInt64(7));
    assertEquals("18446744073709551615", ((XpcUInt64) back.dictionary().get("uint64max")).toUnsignedString());
    assertEquals(Instant.parse("2026-04-18T10:00:00.123456789Z"),
        ((XpcDate) back.dictionary().get("date")).toInstant());
    assertEquals(1234, ((XpcFileTransfer) back.dictionary().get("file")).size());
    assertArrayEquals(bytes, encode(back));
  }

  @Test
  void headerOnlyMessageHasSizeZero() throws Exception {
    byte[] bytes = encode(XpcMessage.headerOnly(0x0201, 0));
    assertEquals(24, bytes.length);
    assertEquals("920bb029010200000000000000000000" + "0000000000000000", ByteBufUtil.hexDump(bytes));
    assertNull(decode(bytes).body());
  }

  @Test
  void callerMistakesAreIllegalArguments() {
    assertThrows(IllegalArgumentException.class, () -> new XpcString("a\0b"));
    assertThrows(IllegalArgumentException.class, () -> XpcDictionary.builder().put("a\0b", "x"));
    assertThrows(NullPointerException.class, () -> XpcDictionary.builder().put("k", (XpcObject) null));
  }

  @Test
  void flagsDescribeByMeaning() {
    assertEquals("0x00400001 ALWAYS_SET|INIT_HANDSHAKE", XpcFlags.describe(0x00400001));
    assertEquals("0x80000201 ALWAYS_SET|HANDSHAKE_VERSION|0x80000000", XpcFlags.describe(0x80000201));
  }

  // ------------------------------------------------------------------------------------------------ malformed

  static byte[] withInt(byte[] base, int index, int value) {
    byte[] copy = base.clone();
    copy[index] = (byte) value;
    copy[index + 1] = (byte) (value >> 8);
    copy[index + 2] = (byte) (value >> 16);
    copy[index + 3] = (byte) (value >> 24);
    return copy;
  }

  @Test
  void badWrapperMagicNamesFieldValuesAndOffset() throws Exception {
    byte[] bad = withInt(fixture("xpc_empty_dict.bin"), 0, 0);
    XpcProtocolException e = assertThrows(XpcProtocolException.class, () -> decode(bad));
    assertEquals("bad wrapper magic 0x00000000 (expected 0x29B00B92) at offset 0", e.getMessage());
  }

  @Test
  void badPayloadMagicAndVersion() throws Exception {
    byte[] badMagic = withInt(fixture("xpc_empty_dict.bin"), 24, 0x11111111);
    assertEquals("bad payload magic 0x11111111 (expected 0x42133742) at offset 24",
        assertThrows(XpcProtocolException.class, () -> decode(badMagic)).getMessage());
    byte[] badVersion = withInt(fixture("xpc_empty_dict.bin"), 28, 4);
    assertEquals("bad payload version 4 (expected 5) at offset 28",
        assertThrows(XpcProtocolException.class, () -> decode(badVersion)).getMessage());
  }

  @Test
  void unknownTypeIsAProtocolErrorWithOffset() throws Exception {
    byte[] bad = withInt(fixture("xpc_empty_dict.bin"), 32, 0x6000);
    XpcProtocolException e = assertThrows(XpcProtocolException.class, () -> decode(bad));
    assertEquals("bad type 0x00006000 (pointer) (expected a supported XPC type code) at offset 32", e.getMessage());
    assertEquals(32, e.offset());
    byte[] unknown = withInt(fixture("xpc_empty_dict.bin"), 32, 0x12345);
    assertTrue(assertThrows(XpcProtocolException.class, () -> decode(unknown)).getMessage()
        .contains("0x00012345 (unknown)"));
  }

  @Test
  void dictionaryLengthOverrunningTheMessageIsRejected() throws Exception {
    byte[] bad = withInt(fixture("xpc_empty_dict.bin"), 36, 0x7FFFFFF0);
    XpcProtocolException e = assertThrows(XpcProtocolException.class, () -> decode(bad));
    assertEquals("dictionary length", e.field());
    assertEquals("dictionary length: length 2147483632 overruns its container (4 bytes left) at offset 40",
        e.getMessage());
  }

  @Test
  void hugeCountIsRejectedBeforeAllocating() throws Exception {
    byte[] bad = withInt(fixture("xpc_empty_dict.bin"), 40, 0x7FFFFFFF);
    XpcProtocolException e = assertThrows(XpcProtocolException.class, () -> decode(bad));
    assertTrue(e.getMessage().startsWith("dictionary count 2147483647: length 17179869176 overruns"), e.getMessage());
  }

  @Test
  void wrapperSizeMustMatch() throws Exception {
    byte[] bad = withInt(fixture("xpc_empty_dict.bin"), 8, 21);
    assertEquals("bad wrapper size 21 (expected 20) at offset 8",
        assertThrows(XpcProtocolException.class, () -> decode(bad)).getMessage());
  }

  @Test
  void stringWithoutTerminatorAndBadUtf8() {
    ByteBuf buf = Unpooled.buffer();
    buf.writeIntLE(XpcTypes.STRING).writeIntLE(4).writeBytes(new byte[] {'a', 'b', 'c', 'd'});
    XpcProtocolException e = assertThrows(XpcProtocolException.class,
        () -> XpcCodec.decode(buf, 100, XpcLimits.DEFAULT));
    assertEquals("bad string terminator 0x64 (expected 0x00) at offset 111", e.getMessage());
    ByteBuf utf = Unpooled.buffer();
    utf.writeIntLE(XpcTypes.STRING).writeIntLE(2).writeBytes(new byte[] {(byte) 0xC3, 0, 0, 0});
    assertEquals("string: not valid UTF-8 at offset 8",
        assertThrows(XpcProtocolException.class, () -> XpcCodec.decode(utf, 0, XpcLimits.DEFAULT)).getMessage());
  }

  @Test
  void nestingDeeperThanTheLimitIsRejected() {
    XpcObject o = XpcDictionary.empty();
    for (int i = 0; i < 5; i++) {
      o = XpcArray.of(o);
    }
    ByteBuf buf = Unpooled.buffer();
    XpcCodec.encode(o, buf);
    XpcProtocolException e = assertThrows(XpcProtocolException.class,
        () -> XpcCodec.decode(buf, 0, new XpcLimits(1 << 20, 3)));
    assertEquals("nesting depth: nesting deeper than 3 at offset 36", e.getMessage());
  }

  // ------------------------------------------------------------------------------------------------ stream decoder

  @Test
  void decoderReassemblesAtEverySplitPoint() throws Exception {
    byte[] one = fixture("xpc_dict.bin");
    byte[] two = encode(XpcMessage.headerOnly(0x0201, 0));
    byte[] both = new byte[one.length + two.length];
    System.arraycopy(one, 0, both, 0, one.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    for (int split = 0; split <= both.length; split++) {
      List<XpcMessage> got = new ArrayList<>();
      try (XpcMessageDecoder decoder = new XpcMessageDecoder(ALLOC, XpcLimits.DEFAULT)) {
        ByteBuf a = Unpooled.wrappedBuffer(both, 0, split);
        ByteBuf b = Unpooled.wrappedBuffer(both, split, both.length - split);
        got.addAll(decoder.decode(a));
        got.addAll(decoder.decode(b));
        a.release();
        b.release();
        assertEquals(0, decoder.bufferedBytes());
        assertEquals(both.length, decoder.offset());
      }
      assertEquals(2, got.size(), "split at " + split);
      assertArrayEquals(one, encode(got.get(0)));
      assertEquals(0x0201, got.get(1).flags());
    }
  }

  @Test
  void decoderRejectsOversizedMessageBeforeBuffering() throws Exception {
    ByteBuf header = Unpooled.buffer();
    header.writeIntLE(XpcCodec.WRAPPER_MAGIC).writeIntLE(1).writeLongLE(1L << 40).writeLongLE(0);
    try (XpcMessageDecoder decoder = new XpcMessageDecoder(ALLOC, new XpcLimits(1 << 20, 8))) {
      XpcLimitExceededException e = assertThrows(XpcLimitExceededException.class, () -> decoder.decode(header));
      assertEquals("XPC message bytes exceeded: 1099511627776 > 1048576 at offset 8", e.getMessage());
      assertThrows(IllegalStateException.class, () -> decoder.decode(Unpooled.EMPTY_BUFFER));
    } finally {
      header.release();
    }
  }

  @Test
  void decoderReportsStreamOffsetOfALaterBadMessage() throws Exception {
    byte[] good = fixture("xpc_empty_dict.bin");
    byte[] bad = withInt(good, 0, 0x12345678);
    try (XpcMessageDecoder decoder = new XpcMessageDecoder(ALLOC, XpcLimits.DEFAULT)) {
      ByteBuf a = Unpooled.wrappedBuffer(good);
      assertEquals(1, decoder.decode(a).size());
      a.release();
      ByteBuf b = Unpooled.wrappedBuffer(bad);
      XpcProtocolException e = assertThrows(XpcProtocolException.class, () -> decoder.decode(b));
      b.release();
      assertEquals(good.length, e.offset());
    }
  }

  /**
   * What both RemoteXPC ends time out with: a decoder knows since when its message is incomplete, and
   * {@link XpcMessageDecoder#overdue} names the stream whose message took longer than the timeout.
   */
  @Test
  void aDecoderTellsSinceWhenItsMessageIsIncomplete() throws Exception {
    byte[] good = fixture("xpc_empty_dict.bin");
    try (XpcMessageDecoder decoder = new XpcMessageDecoder(ALLOC, XpcLimits.DEFAULT)) {
      java.util.Map<Integer, XpcMessageDecoder> byStream = java.util.Map.of(3, decoder);
      assertEquals(0, decoder.incompleteSince());
      long before = System.nanoTime();
      ByteBuf head = Unpooled.wrappedBuffer(good, 0, good.length - 1);
      assertEquals(0, decoder.decode(head).size());
      head.release();
      long since = decoder.incompleteSince();
      assertTrue(since >= before, "incomplete since it was started");
      java.time.Duration timeout = java.time.Duration.ofSeconds(30);
      assertNull(XpcMessageDecoder.overdue(byStream, since + timeout.toNanos() - 1, timeout));
      assertEquals("an XPC message begun at offset 0 of stream 3 did not arrive whole within 30000 ms (message"
          + " timeout; " + (good.length - 1) + " bytes held)",
          XpcMessageDecoder.overdue(byStream, since + timeout.toNanos(), timeout));
      assertNull(XpcMessageDecoder.overdue(byStream, since + timeout.toNanos(), java.time.Duration.ZERO));
      ByteBuf tail = Unpooled.wrappedBuffer(good, good.length - 1, 1);
      assertEquals(1, decoder.decode(tail).size());
      tail.release();
      assertEquals(0, decoder.incompleteSince(), "complete again");
      assertNull(XpcMessageDecoder.overdue(byStream, Long.MAX_VALUE, timeout));
    }
  }
}
