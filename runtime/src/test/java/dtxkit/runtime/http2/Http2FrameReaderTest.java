package dtxkit.runtime.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2FrameReaderTest {
  /** Records every callback as a line. */
  static final class Recorder implements Http2FrameListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onData(int streamId, ByteBuf data, int flowControlledBytes, boolean endStream) {
      events.add("DATA " + streamId + " " + ByteBufUtil.hexDump(data) + " fc=" + flowControlledBytes
          + (endStream ? " END" : ""));
    }

    @Override
    public void onHeaders(int streamId, int headerBlockBytes, boolean endStream) {
      events.add("HEADERS " + streamId + " block=" + headerBlockBytes + (endStream ? " END" : ""));
    }

    @Override
    public void onRstStream(int streamId, long errorCode) {
      events.add("RST " + streamId + " " + Http2.errorName(errorCode));
    }

    @Override
    public void onSettings(boolean ack, Http2Settings settings) {
      events.add("SETTINGS" + (ack ? " ACK" : "") + " " + settings.values());
    }

    @Override
    public void onPing(boolean ack, long opaque) {
      events.add("PING" + (ack ? " ACK " : " ") + Long.toHexString(opaque));
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, String debug) {
      events.add("GOAWAY " + lastStreamId + " " + Http2.errorName(errorCode) + " " + debug);
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
      events.add("WU " + streamId + " " + increment);
    }
  }

  static byte[] f(int type, int flags, int stream, String hexPayload) {
    ByteBuf b = Http2.frame(type, flags, stream, HexFormat.of().parseHex(hexPayload.replace(" ", "")));
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static final byte[] STREAM = concat(
      Http2.PREFACE,
      f(Http2.SETTINGS, 0, 0, "0003 00000064 0004 00100000"),
      f(Http2.WINDOW_UPDATE, 0, 0, "000f0001"),
      f(Http2.PRIORITY, 0, 1, "00000000 10"),
      f(Http2.HEADERS, Http2.FLAG_PRIORITY | Http2.FLAG_PADDED, 1, "02 00000000 10 aabb 0000"),
      f(Http2.CONTINUATION, Http2.FLAG_END_HEADERS, 1, "cc"),
      f(Http2.DATA, Http2.FLAG_PADDED, 1, "03 0102 000000"),
      f(0x0b, 0xff, 7, "deadbeef"),
      f(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM, 3, ""),
      f(Http2.DATA, Http2.FLAG_END_STREAM, 3, ""),
      f(Http2.RST_STREAM, 0, 3, "00000005"),
      f(Http2.PING, 0, 0, "0102030405060708"),
      f(Http2.SETTINGS, Http2.FLAG_ACK, 0, ""),
      f(Http2.GOAWAY, 0, 0, "00000003 00000000 627965"));

  static final List<String> EVENTS = List.of(
      "SETTINGS {3=100, 4=1048576}",
      "WU 0 983041",
      "HEADERS 1 block=3",
      "DATA 1 0102 fc=6",
      "HEADERS 3 block=0 END",
      "DATA 3  fc=0 END",
      "RST 3 STREAM_CLOSED",
      "PING 102030405060708",
      "SETTINGS ACK {}",
      "GOAWAY 3 NO_ERROR bye");

  @Test
  void decodesEveryFrameIgnoringPriorityAndUnknownTypes() throws Exception {
    Recorder r = new Recorder();
    ByteBuf in = Unpooled.wrappedBuffer(STREAM);
    new Http2FrameReader(true, Http2.DEFAULT_MAX_FRAME_SIZE).read(in, r);
    in.release();
    assertEquals(EVENTS, r.events);
  }

  @Test
  void sameEventsAtEverySplitPoint() throws Exception {
    for (int split = 0; split <= STREAM.length; split++) {
      Recorder r = new Recorder();
      Http2FrameReader reader = new Http2FrameReader(true, Http2.DEFAULT_MAX_FRAME_SIZE);
      ByteBuf acc = Unpooled.buffer();
      acc.writeBytes(STREAM, 0, split);
      reader.read(acc, r);
      acc.writeBytes(STREAM, split, STREAM.length - split);
      reader.read(acc, r);
      assertEquals(0, acc.readableBytes());
      acc.release();
      assertEquals(EVENTS, r.events, "split at " + split);
      assertEquals(STREAM.length, reader.offset());
    }
  }

  static String error(String hexFrames) {
    return error(HexFormat.of().parseHex(hexFrames.replace(" ", "")));
  }

  static String error(byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    try {
      return assertThrows(Http2ProtocolException.class,
          () -> new Http2FrameReader(false, Http2.DEFAULT_MAX_FRAME_SIZE).read(in, new Recorder())).getMessage();
    } finally {
      in.release();
    }
  }

  @Test
  void malformedFramesNameFieldErrorAndOffset() {
    assertEquals("SETTINGS stream: must be stream 0, got 1 (PROTOCOL_ERROR) at offset 0",
        error(f(Http2.SETTINGS, 0, 1, "")));
    assertEquals("SETTINGS length: ACK must be empty, got 6 bytes (FRAME_SIZE_ERROR) at offset 0",
        error(f(Http2.SETTINGS, 1, 0, "000400000001")));
    assertEquals("SETTINGS_INITIAL_WINDOW_SIZE: 2147483648 > 2147483647 (FLOW_CONTROL_ERROR) at offset 0",
        error(f(Http2.SETTINGS, 0, 0, "000480000000")));
    assertEquals("WINDOW_UPDATE increment: 0 on stream 1 (PROTOCOL_ERROR) at offset 9",
        error(concat(f(Http2.SETTINGS, 0, 0, ""), f(Http2.WINDOW_UPDATE, 0, 1, "00000000"))));
    assertEquals("PING length: expected 8, got 4 (FRAME_SIZE_ERROR) at offset 0",
        error(f(Http2.PING, 0, 0, "00000000")));
    assertEquals("DATA stream: must not be stream 0 (PROTOCOL_ERROR) at offset 0", error(f(Http2.DATA, 0, 0, "")));
    assertEquals("DATA padding: 9 padding bytes > 2 payload bytes (PROTOCOL_ERROR) at offset 0",
        error(f(Http2.DATA, Http2.FLAG_PADDED, 1, "09 0000")));
    assertEquals("PUSH_PROMISE: server push was never enabled by RemoteXPC (PROTOCOL_ERROR) at offset 0",
        error(f(Http2.PUSH_PROMISE, 0, 1, "00000002")));
    assertEquals("DATA: CONTINUATION for stream 1 expected, got DATA on stream 1 (PROTOCOL_ERROR) at offset 9",
        error(concat(f(Http2.HEADERS, 0, 1, ""), f(Http2.DATA, 0, 1, ""))));
    assertEquals("CONTINUATION: no open header block on stream 1 (PROTOCOL_ERROR) at offset 0",
        error(f(Http2.CONTINUATION, Http2.FLAG_END_HEADERS, 1, "")));
    assertEquals("frame length: 16385 > SETTINGS_MAX_FRAME_SIZE 16384 (FRAME_SIZE_ERROR) at offset 0",
        error("004001 00 00 00000001"));
  }

  @Test
  void failedReaderRefusesMoreInput() {
    Http2FrameReader reader = new Http2FrameReader(false, Http2.DEFAULT_MAX_FRAME_SIZE);
    ByteBuf in = Unpooled.wrappedBuffer(f(Http2.PING, 0, 0, ""));
    assertThrows(Http2ProtocolException.class, () -> reader.read(in, new Recorder()));
    assertThrows(IllegalStateException.class, () -> reader.read(in, new Recorder()));
    in.release();
  }
}
