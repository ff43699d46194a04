package dtxkit.runtime.rsd.server;

import static dtxkit.runtime.rsd.server.RawFrames.concat;
import static dtxkit.runtime.rsd.server.RawFrames.frame;
import static dtxkit.runtime.rsd.server.RawFrames.hex;
import static dtxkit.runtime.rsd.server.RawFrames.xpc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.http2.Http2;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.server.RawFrames.Frame;
import dtxkit.runtime.xpc.XpcCodec;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcFlags;
import dtxkit.runtime.xpc.XpcLimits;
import dtxkit.runtime.xpc.XpcMessage;
import dtxkit.runtime.xpc.XpcUuid;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server answers each client order frame for frame as the iPhone does (seed 000). */
class RsdServerFrameOrderTest {
  // The client frames of seed 000's table, rebuilt as bytes.
  static final byte[] PREFACE = Http2.PREFACE;
  static final byte[] SETTINGS_1MIB = frame(Http2.SETTINGS, 0, 0, hex("0003 00000064 0004 00100000"));
  static final byte[] SETTINGS_16MIB = frame(Http2.SETTINGS, 0, 0, hex("0003 00000064 0004 01000000"));
  static final byte[] WINDOW_UPDATE = frame(Http2.WINDOW_UPDATE, 0, 0, hex("000f0001"));
  static final byte[] HEADERS_1 = frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, new byte[0]);
  static final byte[] EMPTY_DICT_MESSAGE = xpc(new XpcMessage(XpcFlags.ALWAYS_SET, 0, XpcDictionary.empty()));
  static final byte[] DATA_1_EMPTY_DICT = frame(Http2.DATA, 0, 1, EMPTY_DICT_MESSAGE);
  static final byte[] SETTINGS_ACK = frame(Http2.SETTINGS, Http2.FLAG_ACK, 0, new byte[0]);
  static final byte[] HEADERS_3 = frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 3, new byte[0]);
  static final byte[] VERSION_FLAGS_MESSAGE = xpc(XpcMessage.headerOnly(0x0201, 0));
  static final byte[] DATA_1_VERSION_FLAGS = frame(Http2.DATA, 0, 1, VERSION_FLAGS_MESSAGE);
  static final byte[] INIT_HANDSHAKE_MESSAGE = xpc(XpcMessage.headerOnly(0x00400001, 0));
  static final byte[] DATA_3_INIT_HANDSHAKE = frame(Http2.DATA, 0, 3, INIT_HANDSHAKE_MESSAGE);

  PeerInfo peerInfo;
  RsdServer server;

  @BeforeEach
  void start() throws Exception {
    peerInfo = PeerInfo.builder()
        .udid("00008110-001A2B3C4D5E801E").productType("iPhone15,2").osVersion("17.4").buildVersion("21E219")
        .service(RsdService.of("com.apple.instruments.dtservicehub", 50001, false))
        .service(RsdService.of("com.apple.mobile.lockdown.remote.untrusted", 50002, true))
        .build();
    server = RsdServer.builder(peerInfo).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void seed000ClientFramesGetTheIphoneOrder() throws Exception {
    byte[] recorded = concat(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, HEADERS_1, DATA_1_EMPTY_DICT, SETTINGS_ACK,
        HEADERS_3, DATA_1_VERSION_FLAGS, DATA_3_INIT_HANDSHAKE);
    // Seed 000: 217 bytes, 9 frames, before CDS's own RST_STREAM (13 bytes) which we do not replay.
    assertEquals(217 - 13, recorded.length);
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(recorded);
      assertIphoneResponse(c);
    }
  }

  /** The ten frames of the iPhone pcap order, #0..#9. */
  void assertIphoneResponse(RawFrames c) throws Exception {
    Frame f = c.read();
    assertEquals(Http2.SETTINGS, f.type());
    assertEquals(0, f.flags());
    assertArrayEquals(hex("0003 00000064 0004 00100000"), f.payload());
    f = c.read();
    assertEquals(Http2.WINDOW_UPDATE, f.type());
    assertEquals(0, f.stream());
    assertEquals(983041, f.word());
    f = c.read();
    assertEquals(Http2.SETTINGS, f.type());
    assertEquals(Http2.FLAG_ACK, f.flags());
    f = c.read();
    assertEquals(List.of(Http2.HEADERS, 1, Http2.FLAG_END_HEADERS, 0), List.of(f.type(), f.stream(), f.flags(),
        f.payload().length));
    f = c.read();
    assertEquals(List.of(Http2.DATA, 1), List.of(f.type(), f.stream()));
    assertArrayEquals(EMPTY_DICT_MESSAGE, f.payload());
    f = c.read();
    assertEquals(List.of(Http2.DATA, 1), List.of(f.type(), f.stream()));
    assertArrayEquals(VERSION_FLAGS_MESSAGE, f.payload());
    f = c.read();
    assertEquals(List.of(Http2.HEADERS, 3, Http2.FLAG_END_HEADERS), List.of(f.type(), f.stream(), f.flags()));
    f = c.read();
    assertEquals(List.of(Http2.DATA, 3), List.of(f.type(), f.stream()));
    assertArrayEquals(INIT_HANDSHAKE_MESSAGE, f.payload());
    f = c.read();
    assertEquals(List.of(Http2.DATA, 1), List.of(f.type(), f.stream()));
    XpcMessage info = decode(f.payload());
    assertEquals(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, info.flags());
    PeerInfo parsed = PeerInfo.fromXpc(info.dictionary());
    assertEquals("00008110-001A2B3C4D5E801E", parsed.udid());
    assertEquals(peerInfo.toXpc(), info.dictionary());
    f = c.read();
    assertEquals(List.of(Http2.RST_STREAM, 1, Http2.STREAM_CLOSED), List.of(f.type(), f.stream(), f.word()));
  }

  static XpcMessage decode(byte[] bytes) throws Exception {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      return XpcCodec.decodeMessage(b, 0, XpcLimits.DEFAULT);
    } finally {
      b.release();
    }
  }

  @Test
  void appiumOrderAckLastGetsTheSameAnswer() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_16MIB, frame(Http2.WINDOW_UPDATE, 0, 0, hex("00ff0001")), HEADERS_1,
          DATA_1_EMPTY_DICT, HEADERS_3, DATA_1_VERSION_FLAGS, DATA_3_INIT_HANDSHAKE, SETTINGS_ACK);
      assertIphoneResponse(c);
    }
  }

  @Test
  void messagesSplitAcrossFramesAndSharingOneFrameAreEachMirrored() throws Exception {
    byte[] firstHalf = java.util.Arrays.copyOfRange(EMPTY_DICT_MESSAGE, 0, 10);
    byte[] secondHalf = java.util.Arrays.copyOfRange(EMPTY_DICT_MESSAGE, 10, EMPTY_DICT_MESSAGE.length);
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, HEADERS_1, HEADERS_3,
          frame(Http2.DATA, 0, 1, firstHalf),
          frame(Http2.DATA, 0, 1, concat(secondHalf, VERSION_FLAGS_MESSAGE)),
          DATA_3_INIT_HANDSHAKE, SETTINGS_ACK);
      assertIphoneResponse(c);
    }
  }

  @Test
  void pymobiledevice3OrderWithHandshakeAfterThePeerInfoIsAccepted() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_16MIB, frame(Http2.WINDOW_UPDATE, 0, 0, hex("00ff0001")), HEADERS_1,
          DATA_1_EMPTY_DICT, HEADERS_3, DATA_1_VERSION_FLAGS, DATA_3_INIT_HANDSHAKE);
      assertIphoneResponse(c);
      XpcDictionary handshake = XpcDictionary.builder().put("MessageType", "Handshake")
          .put("UUID", new XpcUuid(UUID.randomUUID())).build();
      c.write(SETTINGS_ACK, frame(Http2.DATA, 0, 1, xpc(new XpcMessage(0x10101, 1, handshake))),
          frame(Http2.PING, 0, 0, hex("0102030405060708")));
      Frame pong = c.read();
      assertEquals(List.of(Http2.PING, Http2.FLAG_ACK), List.of(pong.type(), pong.flags()));
      assertArrayEquals(hex("0102030405060708"), pong.payload());
      assertEquals(1, server.clientHandshakes());
      assertEquals(0, server.unhandledMessages());
    }
  }

  @Test
  void optionKeepsTheRootStreamOpenAfterThePeerInfo() throws Exception {
    try (RsdServer quiet = RsdServer.builder(peerInfo).resetRootAfterPeerInfo(false).start();
        RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), quiet.port())) {
      c.write(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, HEADERS_1, DATA_1_EMPTY_DICT, HEADERS_3, DATA_1_VERSION_FLAGS,
          DATA_3_INIT_HANDSHAKE, frame(Http2.PING, 0, 0, new byte[8]));
      List<Frame> frames = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        frames.add(c.read());
      }
      // The PING ACK bypasses the queue, so it may come anywhere; what matters: peer info last, no RST_STREAM.
      assertTrue(frames.stream().anyMatch(f -> f.type() == Http2.PING && f.flags() == Http2.FLAG_ACK));
      assertTrue(frames.stream().noneMatch(f -> f.type() == Http2.RST_STREAM));
      Frame last = frames.stream().filter(f -> f.type() != Http2.PING).reduce((a, b) -> b).orElseThrow();
      assertEquals(List.of(Http2.DATA, 1), List.of(last.type(), last.stream()));
      assertEquals(peerInfo.toXpc(), decode(last.payload()).dictionary());
    }
  }

  // ------------------------------------------------------------------------------------------------ wrong orders

  /** Reads the handshake answer to SETTINGS (SETTINGS, WINDOW_UPDATE, ACK). */
  static void skipSettingsAnswer(RawFrames c) throws Exception {
    assertEquals(Http2.SETTINGS, c.read().type());
    assertEquals(Http2.WINDOW_UPDATE, c.read().type());
    assertEquals(Http2.SETTINGS, c.read().type());
  }

  @Test
  void dataOnAStreamNeverOpenedGetsRstStreamClosed() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, DATA_3_INIT_HANDSHAKE);
      skipSettingsAnswer(c);
      Frame f = c.read();
      assertEquals(List.of(Http2.RST_STREAM, 3, Http2.STREAM_CLOSED), List.of(f.type(), f.stream(), f.word()));
    }
  }

  @Test
  void versionFlagsBeforeReplyChannelIsRejectedLikeRemoted() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, HEADERS_1, DATA_1_EMPTY_DICT, DATA_1_VERSION_FLAGS, HEADERS_3);
      skipSettingsAnswer(c);
      assertEquals(Http2.HEADERS, c.read().type());
      assertEquals(Http2.DATA, c.read().type());
      Frame goAway = c.read();
      assertGoAway(goAway, Http2.PROTOCOL_ERROR, "Invalid or missing remote device connection version flags");
      assertTrue(c.readsToEndWithin(2));
    }
  }

  @Test
  void peerInfoWaitsForStreamOneAndDataBeforeSettingsIsAConnectionError() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, HEADERS_1);
      assertGoAway(c.read(), Http2.PROTOCOL_ERROR, "the client must send SETTINGS first, got HEADERS(1)");
      assertTrue(c.readsToEndWithin(0));
    }
  }

  static void assertGoAway(Frame f, int code, String debugContains) {
    assertEquals(Http2.GOAWAY, f.type(), f.toString());
    byte[] p = f.payload();
    int error = ((p[4] & 0xFF) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF);
    assertEquals(code, error);
    String debug = new String(p, 8, p.length - 8, StandardCharsets.UTF_8);
    assertTrue(debug.contains(debugContains), debug);
  }

  // ------------------------------------------------------------------------------------------------ malformed

  @Test
  void badPrefaceClosesWithGoAway() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertGoAway(c.read(), Http2.PROTOCOL_ERROR, "preface: expected");
      assertTrue(c.readsToEndWithin(0));
    }
  }

  @Test
  void malformedSettingsFrameClosesWithFrameSizeError() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, frame(Http2.SETTINGS, 0, 0, new byte[5]));
      assertGoAway(c.read(), Http2.FRAME_SIZE_ERROR, "SETTINGS length: 5 is not a multiple of 6 (FRAME_SIZE_ERROR) at offset 24");
      assertTrue(c.readsToEndWithin(0));
    }
  }

  @Test
  void oversizedFrameClosesWithFrameSizeError() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_1MIB, hex("004001 00 00 00000001"));
      skipSettingsAnswer(c);
      assertGoAway(c.read(), Http2.FRAME_SIZE_ERROR, "frame length: 16385 > SETTINGS_MAX_FRAME_SIZE 16384");
      assertTrue(c.readsToEndWithin(0));
    }
  }

  @Test
  void malformedXpcClosesWithProtocolErrorNamingTheField() throws Exception {
    byte[] bad = EMPTY_DICT_MESSAGE.clone();
    bad[32] = 0x45; // type 0x0000F045: unknown
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_1MIB, HEADERS_1, frame(Http2.DATA, 0, 1, bad));
      skipSettingsAnswer(c);
      assertEquals(Http2.HEADERS, c.read().type());
      assertGoAway(c.read(), Http2.PROTOCOL_ERROR, "bad type 0x0000F045 (unknown) (expected a supported XPC type code) at offset 32");
      assertTrue(c.readsToEndWithin(0));
    }
  }

  @Test
  void truncatedConnectionDoesNotHangTheServer() throws Exception {
    try (RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), server.port())) {
      c.write(PREFACE, SETTINGS_1MIB, HEADERS_1, new byte[] {0, 0, 44, 0, 0, 0, 0, 0, 1, 1, 2});
      skipSettingsAnswer(c);
      assertEquals(Http2.HEADERS, c.read().type());
    }
    // close() joins every connection's threads: it returns only if the half-read frame did not wedge the reader.
    server.close();
  }

  // ------------------------------------------------------------------------------------------------ flow control

  @Test
  void inboundWindowIsReplenishedInBatchesNotPerFrame() throws Exception {
    // 24 wrapper + 8 payload header + 12 dictionary header + 4 key + 8 data header + 16328 bytes = one full frame.
    byte[] message = xpc(new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 5,
        XpcDictionary.builder().put("pad", new dtxkit.runtime.xpc.XpcData(new byte[16_328])).build()));
    assertEquals(16_384, message.length);
    try (RsdServer s = RsdServer.builder(peerInfo).resetRootAfterPeerInfo(false).start();
        RawFrames c = new RawFrames(InetAddress.getLoopbackAddress(), s.port())) {
      c.write(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, HEADERS_1);
      skipSettingsAnswer(c);
      assertEquals(Http2.HEADERS, c.read().type());
      int frames = 64; // 64 frames of one message each: exactly the 1 MiB the server granted
      for (int i = 0; i < frames; i++) {
        c.write(frame(Http2.DATA, 0, 1, message));
      }
      // Half of each 1 MiB window is given back at a time: two updates per window for 64 frames, not 64.
      List<String> updates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Frame f = c.read();
        assertEquals(Http2.WINDOW_UPDATE, f.type(), f.toString());
        updates.add(f.stream() + ":" + f.word());
      }
      assertEquals(List.of("0:524288", "1:524288", "0:524288", "1:524288"), updates);
      // Each window update follows the handling of the frame that crossed the threshold, so all 64 were handled.
      assertEquals(64, s.unhandledMessages());
    }
  }
}
