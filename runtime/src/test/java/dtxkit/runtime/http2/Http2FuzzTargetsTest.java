package dtxkit.runtime.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import dtxkit.runtime.xpc.XpcCodec;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcFlags;
import dtxkit.runtime.xpc.XpcMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for {@link Http2FrameReader}, fed in seeded pieces into an accumulating
 * buffer as a connection's read loop does; an input starting with 'P' is read as a client's stream (the preface
 * first), any other as a server's. Seeded with a stream of every frame type and the openings of an RSD client and
 * server (settings, window update, the two streams and XPC messages in DATA frames). A finding is anything but a
 * {@link DtxProtocolException} escaping, a read past a partial frame, or an offset that does not add up.
 */
class Http2FuzzTargetsTest {

  static Stream<Arguments> http2Streams() {
    byte[] ping = xpc(new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 1,
        XpcDictionary.builder().put("Request", "Ping").build()));
    byte[] emptyDict = xpc(new XpcMessage(XpcFlags.ALWAYS_SET, 0, XpcDictionary.empty()));
    byte[] versionFlags = xpc(XpcMessage.headerOnly(0x0201, 0));
    byte[] clientOpening = Http2FrameReaderTest.concat(Http2.PREFACE,
        frame(Http2.SETTINGS, 0, 0, "0003 00000064 0004 00100000"), frame(Http2.WINDOW_UPDATE, 0, 0, "000f0001"),
        frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, ""), frame(Http2.DATA, 0, 1, emptyDict),
        frame(Http2.SETTINGS, Http2.FLAG_ACK, 0, ""), frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 3, ""),
        frame(Http2.DATA, 0, 1, versionFlags), frame(Http2.DATA, 0, 3, xpc(XpcMessage.headerOnly(0x00400001, 0))),
        frame(Http2.DATA, 0, 1, ping), frame(Http2.RST_STREAM, 0, 3, "00000008"));
    byte[] serverOpening = Http2FrameReaderTest.concat(
        frame(Http2.SETTINGS, 0, 0, "0003 00000064 0004 00100000"), frame(Http2.WINDOW_UPDATE, 0, 0, "000f0001"),
        frame(Http2.SETTINGS, Http2.FLAG_ACK, 0, ""), frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, ""),
        frame(Http2.DATA, 0, 1, emptyDict), frame(Http2.DATA, 0, 1, versionFlags),
        frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 3, ""), frame(Http2.PING, 0, 0, "0102030405060708"),
        frame(Http2.GOAWAY, 0, 0, "00000003 00000000 627965"));
    return Stream.of(FuzzSeeds.named("every frame type", Http2FrameReaderTest.STREAM),
        FuzzSeeds.named("rsd client opening", clientOpening), FuzzSeeds.named("rsd server opening", serverOpening));
  }

  @MethodSource("http2Streams")
  @FuzzTest(maxDuration = "5m")
  void http2FrameReader(byte[] input) throws Exception {
    NoStderr.check(() -> http2FrameReaderInput(input));
  }

  /** One input of {@link #http2FrameReader}. */
  private void http2FrameReaderInput(byte[] input) throws Exception {
    boolean preface = input.length > 0 && input[0] == 'P';
    Http2FrameReader reader = new Http2FrameReader(preface, Http2.DEFAULT_MAX_FRAME_SIZE);
    ByteBuf acc = Unpooled.buffer();
    long consumed = 0;
    try {
      int from = 0;
      for (int to : FuzzSeeds.splits(input)) {
        acc.writeBytes(input, from, to - from);
        from = to;
        int before = acc.readableBytes();
        try {
          reader.read(acc, new Http2FrameReaderTest.Recorder());
        } catch (DtxProtocolException refused) {
          return;
        }
        assertTrue(acc.readableBytes() <= before, "read grew the buffer");
        consumed += before - acc.readableBytes();
        assertEquals(consumed, reader.offset(), "reader offset");
        if (acc.readableBytes() >= Http2.FRAME_HEADER_BYTES + Http2.DEFAULT_MAX_FRAME_SIZE
            + (preface && consumed == 0 ? Http2.PREFACE.length : 0)) {
          throw new AssertionError("a whole frame was left unread: " + acc.readableBytes() + " bytes");
        }
        acc.discardReadBytes();
      }
    } finally {
      acc.release();
    }
  }

  private static byte[] frame(int type, int flags, int stream, String hex) {
    return Http2FrameReaderTest.f(type, flags, stream, hex);
  }

  private static byte[] frame(int type, int flags, int stream, byte[] payload) {
    return FuzzSeeds.drain(Http2.frame(type, flags, stream, payload));
  }

  private static byte[] xpc(XpcMessage m) {
    return FuzzSeeds.drain(XpcCodec.encodeMessage(m, Unpooled.buffer().alloc()));
  }
}
