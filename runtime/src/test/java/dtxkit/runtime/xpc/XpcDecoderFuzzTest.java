package dtxkit.runtime.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.testing.Mutations;
import dtxkit.runtime.testing.RecordingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of recorded and built XPC messages fed to {@link XpcCodec#decodeMessage}, to a streaming
 * {@link XpcMessageDecoder} in seeded pieces, and (when they still decode) to {@link PeerInfo#fromXpc}: only
 * {@link DtxProtocolException}s escape and no allocation comes near a declared size.
 */
class XpcDecoderFuzzTest {

  private static final XpcLimits LIMITS = new XpcLimits(1 << 20, 16);

  /** A peer info message with every XPC type in it, as an RSD handshake carries. */
  static byte[] peerInfoMessage() {
    XpcDictionary props = XpcDictionary.builder()
        .put("UniqueDeviceID", "00008110-001A2B3C4D5E801E").put("ProductType", "iPhone14,2")
        .put("Flag", true).put("Count", new XpcInt64(-3)).put("Big", new XpcUInt64(7)).put("Ratio", new XpcDouble(0.5))
        .put("Blob", new XpcData(new byte[] {1, 2, 3, 4, 5})).put("When", XpcDate.of(java.time.Instant.EPOCH))
        .put("Id", new XpcUuid(new UUID(1, 2))).put("List", XpcArray.of(new XpcString("a"), XpcNull.INSTANCE))
        .build();
    PeerInfo info = PeerInfo.builder().udid("00008110-001A2B3C4D5E801E").productType("iPhone14,2")
        .property("Extra", props).service(RsdService.of("com.apple.instruments.dtservicehub", 58000, false))
        .service(RsdService.of("com.apple.coredevice.appservice", 58001, true)).uuid(new UUID(3, 4)).build();
    ByteBuf b = XpcCodec.encodeMessage(new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 1, info.toXpc()), Unpooled.buffer().alloc());
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  @Test
  void theBuiltMessageDecodesToThePeerInfo() throws Exception {
    byte[] bytes = peerInfoMessage();
    XpcMessage m = XpcCodec.decodeMessage(Unpooled.wrappedBuffer(bytes), 0, LIMITS);
    assertEquals(58000, PeerInfo.fromXpc(m.dictionary()).service("com.apple.instruments.dtservicehub").port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"xpc_dict.bin", "xpc_empty_dict.bin", "built"})
  void mutatedMessagesOnlyFailAsProtocolErrors(String fixture) throws IOException {
    byte[] seed = fixture.equals("built") ? peerInfoMessage() : XpcCodecTest.fixture(fixture);
    RecordingAllocator alloc = new RecordingAllocator();
    int rejected = Mutations.feedAll(Mutations.of(seed, 64, 1500, fixture.hashCode()), bytes -> {
      decodeWhole(bytes);
      decodeStreaming(bytes, alloc, new Random(bytes.length));
    }, DtxProtocolException.class);
    assertTrue(rejected > 0);
    assertTrue(alloc.largest() <= 2L * seed.length + 1024, "allocated " + alloc.largest());
  }

  @Test
  void randomBytesAfterTheMagicsOnlyFailAsProtocolErrors() {
    byte[] prefix = Mutations.putIntLE(new byte[4], 0, XpcCodec.WRAPPER_MAGIC);
    Mutations.feedAll(Mutations.random(prefix, 1000, 120, 5), XpcDecoderFuzzTest::decodeWhole,
        DtxProtocolException.class);
    byte[] both = peerInfoMessage();
    Mutations.feedAll(Mutations.random(java.util.Arrays.copyOf(both, 32), 1000, 120, 6), bytes -> {
      putSize(bytes);
      decodeWhole(bytes);
    }, DtxProtocolException.class);
  }

  /** A deep nesting of arrays that declares sane sizes everywhere is refused at the depth limit, not by the stack. */
  @Test
  void deepNestingIsRefusedAtTheDepthLimit() {
    XpcObject o = XpcNull.INSTANCE;
    for (int i = 0; i < 500; i++) {
      o = XpcArray.of(o);
    }
    ByteBuf b = Unpooled.buffer();
    XpcCodec.encode(o, b);
    byte[] bytes = ByteBufUtil.getBytes(b);
    b.release();
    XpcProtocolException e = assertThrows(XpcProtocolException.class,
        () -> XpcCodec.decode(Unpooled.wrappedBuffer(bytes), 0, LIMITS));
    assertTrue(e.getMessage().contains("depth"), e.getMessage());
  }

  /** A wrapper declaring 2^63-1 body bytes is refused from its 24 header bytes, before any body is buffered. */
  @Test
  void hugeDeclaredMessageSizeIsRefusedBeforeAllocating() {
    byte[] header = java.util.Arrays.copyOf(peerInfoMessage(), XpcCodec.WRAPPER_HEADER_BYTES);
    RecordingAllocator alloc = new RecordingAllocator();
    for (long size : new long[] {Long.MAX_VALUE, -1, 0xFFFFFFFFL, LIMITS.maxMessageBytes() + 1}) {
      for (int i = 0; i < 8; i++) {
        header[8 + i] = (byte) (size >>> (8 * i));
      }
      XpcMessageDecoder decoder = new XpcMessageDecoder(alloc, LIMITS);
      ByteBuf chunk = Unpooled.wrappedBuffer(header);
      XpcLimitExceededException e =
          assertThrows(XpcLimitExceededException.class, () -> decoder.decode(chunk), "size " + size);
      // The wire size is a u64: 2^64-1 is named as such, not as -1.
      assertTrue(e.getMessage().contains("exceeded: " + Long.toUnsignedString(size) + " > "), e.getMessage());
      decoder.close();
    }
    assertTrue(alloc.largest() <= XpcCodec.WRAPPER_HEADER_BYTES, "allocated " + alloc.largest());
  }

  private static void putSize(byte[] bytes) {
    long size = bytes.length - XpcCodec.WRAPPER_HEADER_BYTES;
    for (int i = 0; i < 8; i++) {
      bytes[8 + i] = (byte) (size >>> (8 * i));
    }
  }

  private static void decodeWhole(byte[] bytes) throws DtxProtocolException {
    XpcMessage m = XpcCodec.decodeMessage(Unpooled.wrappedBuffer(bytes), 0, LIMITS);
    if (m.body() instanceof XpcDictionary d && d.get("Properties") != null) {
      PeerInfo.fromXpc(d);
    }
  }

  private static void decodeStreaming(byte[] bytes, RecordingAllocator alloc, Random random)
      throws DtxProtocolException {
    XpcMessageDecoder decoder = new XpcMessageDecoder(alloc, LIMITS);
    try {
      int from = 0;
      while (from < bytes.length) {
        int to = Math.min(bytes.length, from + 1 + random.nextInt(Math.max(1, bytes.length / 3)));
        ByteBuf chunk = alloc.directBuffer(to - from).writeBytes(bytes, from, to - from);
        try {
          List<XpcMessage> out = decoder.decode(chunk);
          for (XpcMessage m : out) {
            if (m.body() instanceof XpcDictionary d && d.get("Properties") != null) {
              PeerInfo.fromXpc(d);
            }
          }
        } catch (DtxProtocolException e) {
          assertEquals(0, decoder.bufferedBytes());
          throw e;
        } finally {
          chunk.release();
        }
        from = to;
      }
    } finally {
      decoder.close();
    }
  }
}
