package dtxkit.runtime.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.testing.CountingAllocator;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for XPC: {@link XpcCodec#decodeMessage} on the whole input, a streaming
 * {@link XpcMessageDecoder} fed it in seeded pieces, and {@link PeerInfo#fromXpc} on what decodes to a peer info;
 * seeded with the recorded XPC fixtures, the RSD handshake messages and a built peer info with every XPC type. A
 * finding is anything but a {@link DtxProtocolException} escaping, a failed decoder still holding bytes, a buffer
 * not released, an allocation beyond twice the input, or a decoded message that does not re-encode and decode to
 * the same value.
 */
class XpcFuzzTargetsTest {

  private static final XpcLimits LIMITS = new XpcLimits(1 << 20, 16);

  static Stream<Arguments> xpcMessages() {
    List<Arguments> out = new ArrayList<>();
    FuzzSeeds.fixtures("xpc", FuzzSeeds.XPC).forEach(out::add);
    out.add(FuzzSeeds.named("built peer info", XpcDecoderFuzzTest.peerInfoMessage()));
    out.add(FuzzSeeds.named("empty dictionary", encode(new XpcMessage(XpcFlags.ALWAYS_SET, 0, XpcDictionary.empty()))));
    out.add(FuzzSeeds.named("version flags", encode(XpcMessage.headerOnly(0x0201, 0))));
    out.add(FuzzSeeds.named("init handshake", encode(XpcMessage.headerOnly(0x00400001, 0))));
    out.add(FuzzSeeds.named("two messages", concat(encode(XpcMessage.headerOnly(0x0201, 0)),
        encode(new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 1,
            XpcDictionary.builder().put("Request", "Ping").build())))));
    return out.stream();
  }

  @MethodSource("xpcMessages")
  @FuzzTest(maxDuration = "5m")
  void xpcDecoder(byte[] input) throws Exception {
    NoStderr.check(() -> xpcDecoderInput(input));
  }

  /** One input of {@link #xpcDecoder}. */
  private void xpcDecoderInput(byte[] input) throws Exception {
    try {
      XpcMessage m = XpcCodec.decodeMessage(Unpooled.wrappedBuffer(input), 0, LIMITS);
      checkRoundTrip(m);
      peerInfo(m);
    } catch (DtxProtocolException expected) {
      // Refused.
    }
    CountingAllocator alloc = new CountingAllocator();
    XpcMessageDecoder decoder = new XpcMessageDecoder(alloc, LIMITS);
    try {
      int from = 0;
      for (int to : FuzzSeeds.splits(input)) {
        ByteBuf piece = Unpooled.wrappedBuffer(input, from, to - from);
        from = to;
        try {
          for (XpcMessage m : decoder.decode(piece)) {
            peerInfo(m);
          }
        } catch (DtxProtocolException e) {
          assertEquals(0, decoder.bufferedBytes(), "a failed decoder still holds bytes");
          break;
        }
      }
    } finally {
      decoder.close();
    }
    assertEquals(0, alloc.live(), "buffers not released");
    assertTrue(alloc.largest() <= 2L * input.length + 1024, "largest allocation " + alloc.largest());
  }

  private static void peerInfo(XpcMessage m) {
    if (m.body() instanceof XpcDictionary d && d.get("Properties") != null) {
      try {
        PeerInfo.fromXpc(d);
      } catch (DtxProtocolException expected) {
        // Not a peer info after all.
      }
    }
  }

  /** A decoded message encodes to bytes that decode to an equal message. */
  private static void checkRoundTrip(XpcMessage m) {
    byte[] once = encode(m);
    try {
      XpcMessage again = XpcCodec.decodeMessage(Unpooled.wrappedBuffer(once), 0, LIMITS);
      assertEquals(m.body(), again.body(), "XPC body changed in a round trip");
      assertEquals(m.flags(), again.flags(), "XPC flags changed in a round trip");
    } catch (DtxProtocolException e) {
      throw new AssertionError("the encoding of a decoded XPC message does not decode", e);
    }
  }

  static byte[] encode(XpcMessage m) {
    return FuzzSeeds.drain(XpcCodec.encodeMessage(m, Unpooled.buffer().alloc()));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
