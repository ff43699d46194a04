package dtxkit.runtime.wire;

import static dtxkit.runtime.wire.DtxTesting.ALLOC;
import static dtxkit.runtime.wire.DtxTesting.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.auxdict.AuxValue;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every DTX fixture recorded by go-ios from real devices (fixtures/go-ios/dtx; lz4block.bin, a bare LZ4 stream, is
 * covered by {@link Lz4BlockStreamTest}): decodes completely, to the messages the recording holds, whatever the
 * pieces it is fed in, and re-encodes to the same bytes.
 */
class DtxFixtureDecodeTest {

  /** The DTX streams among the fixtures. */
  static final String[] STREAMS = {
    "conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump", "dtactivitytapmessage.bin",
    "fragmentedmessage.bin", "instruments-metrics-dtx.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin",
    "nsnull.bin", "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin"
  };

  /** What a decoded message looks like, with its bytes reduced to length and CRC, for comparing decodings. */
  private static String summary(DtxMessage m) {
    return m.streamOffset() + " " + m.fragments() + " " + m.type() + " " + Integer.toUnsignedString(m.identifier())
        + "." + m.conversationIndex() + " ch" + m.channelCode() + " r" + m.expectsReply() + " f" + m.flagsA() + ","
        + m.flagsB() + " c" + m.compressed() + " aux" + crc(m.auxBytes()) + " payload" + crc(m.payloadBytes());
  }

  private static String crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return bytes.length + ":" + Long.toHexString(crc.getValue());
  }

  private static List<String> summaries(List<DtxMessage> messages) {
    List<String> out = messages.stream().map(DtxFixtureDecodeTest::summary).collect(Collectors.toList());
    DtxTesting.releaseAll(messages);
    return out;
  }

  /**
   * Decodes {@code bytes} cut at {@code cuts} with untracked buffers (see {@link DtxTesting#UNTRACKED}), returns the
   * summaries, and checks that the decoder and the messages released every piece fed to them.
   */
  private static List<String> splitSummaries(byte[] bytes, int... cuts) throws DtxProtocolException {
    List<ByteBuf> pieces = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      pieces.add(DtxTesting.UNTRACKED.heapBuffer(to - from).writeBytes(bytes, from, to - from));
      from = to;
    }
    List<DtxMessage> messages = new ArrayList<>();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), DtxTesting.UNTRACKED)) {
      for (ByteBuf piece : pieces) {
        decoder.decode(piece, messages::add);
      }
      assertEquals(bytes.length, decoder.offset());
    }
    List<String> out = summaries(messages);
    for (ByteBuf piece : pieces) {
      assertEquals(0, piece.refCnt(), "a piece was not released");
    }
    return out;
  }

  private static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The selector of a DISPATCH, checked as raw text inside its archived NSString payload. */
  private static void assertDispatch(DtxMessage m, int id, int channel, boolean reply, String selector) {
    assertEquals(DtxMessageType.DISPATCH, m.type(), m::toString);
    assertEquals(id, m.identifier(), m::toString);
    assertEquals(0, m.conversationIndex(), m::toString);
    assertEquals(channel, m.channelCode(), m::toString);
    assertEquals(reply, m.expectsReply(), m::toString);
    assertTrue(contains(m.payloadBytes(), selector), () -> m + " does not carry " + selector);
  }

  private static void assertReply(DtxMessage m, DtxMessageType type, int id, int channel) {
    assertEquals(type, m.type(), m::toString);
    assertEquals(id, m.identifier(), m::toString);
    assertEquals(1, m.conversationIndex(), m::toString);
    assertEquals(channel, m.channelCode(), m::toString);
    assertFalse(m.expectsReply(), m::toString);
  }

  private static List<AuxValue> args(DtxMessage m) throws DtxProtocolException {
    return AuxCodec.decodeArguments(m.aux(), 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump", "dtactivitytapmessage.bin",
    "fragmentedmessage.bin", "instruments-metrics-dtx.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin",
    "nsnull.bin", "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin"
  })
  void decodesCompletelyAndEveryAuxParses(String name) throws Exception {
    byte[] bytes = fixture(name);
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC)) {
      List<DtxMessage> messages = DtxTesting.decode(decoder, bytes);
      assertEquals(bytes.length, decoder.offset());
      assertEquals(DtxMessageDecoder.State.HEADER, decoder.state());
      assertEquals(0, decoder.messagesInFlight());
      assertEquals(0, decoder.bufferedBytes());
      assertFalse(messages.isEmpty());
      for (DtxMessage m : messages) {
        // Every aux in the recordings is positional arguments; none is malformed.
        args(m);
      }
      DtxTesting.releaseAll(messages);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump", "dtactivitytapmessage.bin",
    "fragmentedmessage.bin", "instruments-metrics-dtx.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin",
    "nsnull.bin", "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin"
  })
  void decodesIdenticallySplitAtEveryOffset(String name) throws Exception {
    byte[] bytes = fixture(name);
    List<String> whole = summaries(DtxTesting.decodeAll(bytes));
    for (int cut = 1; cut < bytes.length; cut++) {
      List<String> split = splitSummaries(bytes, cut);
      if (!whole.equals(split)) {
        assertEquals(whole, split, "split at " + cut);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump", "dtactivitytapmessage.bin",
    "fragmentedmessage.bin", "instruments-metrics-dtx.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin",
    "nsnull.bin", "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin"
  })
  void decodesIdenticallyFedOneByteAtATime(String name) throws Exception {
    byte[] bytes = fixture(name);
    List<String> whole = summaries(DtxTesting.decodeAll(bytes));
    int[] cuts = new int[bytes.length - 1];
    Arrays.setAll(cuts, i -> i + 1);
    assertEquals(whole, splitSummaries(bytes, cuts));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump", "dtactivitytapmessage.bin",
    "fragmentedmessage.bin", "instruments-metrics-dtx.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin",
    "nsnull.bin", "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin"
  })
  void decodesIdenticallyFromLeakTrackedPieces(String name) throws Exception {
    // Pooled direct pieces of 997 bytes, tracked at PARANOID: bodies straddle pieces, and the leak extension
    // fails this class if any slice of them is not released.
    byte[] bytes = fixture(name);
    List<String> whole = summaries(DtxTesting.decodeAll(bytes));
    int[] cuts = new int[(bytes.length - 1) / 997];
    Arrays.setAll(cuts, i -> (i + 1) * 997);
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC)) {
      assertEquals(whole, summaries(DtxTesting.decode(decoder, bytes, cuts)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump", "dtactivitytapmessage.bin",
    "fragmentedmessage.bin", "notifyOfPublishedCapabilites", "nsmutablestring.bin",
    "nsnull.bin", "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin"
  })
  void reEncodingGivesTheRecordedBytes(String name) throws Exception {
    // instruments-metrics-dtx.bin is left out: dtxkit does not compress, so it cannot reproduce that message.
    byte[] bytes = fixture(name);
    List<DtxMessage> messages = DtxTesting.decodeAll(bytes);
    List<byte[]> reEncoded = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    for (DtxMessage m : messages) {
      // The recording's fragment size is the device's (65,504 in fragmentedmessage.bin): encode with the same.
      int maxBody = m.fragments().size() > 1
          ? (int) m.fragments().get(1).length() : DtxFragmentEncoder.DEFAULT_MAX_FRAGMENT_BODY;
      offsets.add(m.streamOffset());
      reEncoded.add(DtxTesting.drain(new DtxFragmentEncoder(maxBody, ALLOC).encode(m)));
    }
    for (int i = 0; i < reEncoded.size(); i++) {
      byte[] again = reEncoded.get(i);
      int from = (int) (long) offsets.get(i);
      assertArrayEquals(Arrays.copyOfRange(bytes, from, from + again.length), again, "message " + i);
    }
    assertEquals(bytes.length, reEncoded.stream().mapToInt(b -> b.length).sum());
  }

  @Test
  void connIn2IsTheDeviceSideOfACapabilitiesExchange() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("conn-in2.dump"));
    assertEquals(8, ms.size());
    assertDispatch(ms.get(0), 1, 0, false, "_notifyOfPublishedCapabilities:");
    List<AuxValue> caps = args(ms.get(0));
    assertEquals(1, caps.size());
    assertTrue(contains(((AuxValue.Buffer) caps.get(0)).value(), "bplist00"));
    assertReply(ms.get(1), DtxMessageType.OK, 2, 0);
    assertEquals(0, ms.get(1).payload().readableBytes());
    int[] objectIds = {3, 5, 6, 7, 8, 9};
    for (int i = 0; i < objectIds.length; i++) {
      assertReply(ms.get(2 + i), DtxMessageType.OBJECT, objectIds[i], 1);
      assertTrue(contains(ms.get(2 + i).payloadBytes(), "NSKeyedArchiver"));
    }
    assertEquals(List.of(0L, 668L, 716L, 903L, 1203L, 1503L, 1689L, 1989L),
        ms.stream().map(DtxMessage::streamOffset).collect(Collectors.toList()));
    DtxTesting.releaseAll(ms);
  }

  @Test
  void connOut2IsTheHostSideOfTheSameSession() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("conn-out2.dump"));
    assertEquals(8, ms.size());
    assertDispatch(ms.get(0), 1, 0, false, "_notifyOfPublishedCapabilities:");
    assertDispatch(ms.get(1), 2, 0, true, "_requestChannelWithCode:identifier:");
    List<AuxValue> open = args(ms.get(1));
    assertEquals(AuxValue.int32(1), open.get(0));
    assertTrue(contains(((AuxValue.Buffer) open.get(1)).value(),
        "dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface"));
    assertDispatch(ms.get(2), 3, 1, true, "_IDE_initiateControlSessionWithProtocolVersion:");
    assertDispatch(ms.get(3), 5, 1, true, "_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:");
    assertEquals(2, args(ms.get(3)).size());
    assertDispatch(ms.get(5), 7, 1, true, "_IDE_authorizeTestSessionWithProcessID:");
    assertDispatch(ms.get(7), 9, 1, true, "_IDE_authorizeTestSessionWithProcessID:");
    DtxTesting.releaseAll(ms);
  }

  @Test
  void connIn4IsATestRunReportedByTheDevice() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("conn-in4.dump"));
    assertEquals(61, ms.size());
    assertDispatch(ms.get(0), 1, 0, false, "_notifyOfPublishedCapabilities:");
    assertReply(ms.get(1), DtxMessageType.OK, 3, 0);
    // The device opens a channel of its own on the host.
    assertDispatch(ms.get(3), 2, 0, true, "_requestChannelWithCode:identifier:");
    assertEquals(AuxValue.int32(1), args(ms.get(3)).get(0));
    assertDispatch(ms.get(5), 4, 1, true, "_XCT_testBundleReadyWithProtocolVersion:minimumVersion:");
    assertEquals(2, args(ms.get(5)).size());
    // The device acknowledges on the channel the host opened: negative code.
    assertReply(ms.get(6), DtxMessageType.OK, 7, -1);
    assertDispatch(ms.get(7), 6, 1, true, "_XCT_logDebugMessage:");
    DtxMessage begin = ms.stream().filter(m -> m.identifier() == 25).findFirst().orElseThrow();
    assertDispatch(begin, 25, 1, true, "_XCT_didBeginExecutingTestPlan");
    assertEquals(0, begin.aux().readableBytes());
    assertTrue(args(begin).isEmpty());
    DtxMessage end = ms.stream().filter(m -> m.identifier() == 55).findFirst().orElseThrow();
    assertDispatch(end, 55, 1, true, "_XCT_didFinishExecutingTestPlan");
    assertDispatch(ms.get(ms.size() - 1), 59, 1, true, "_XCT_logDebugMessage:");
    long logs = ms.stream().filter(m -> contains(m.payloadBytes(), "_XCT_logDebugMessage:")).count();
    assertTrue(logs > 30, "log messages: " + logs);
    DtxTesting.releaseAll(ms);
  }

  @Test
  void connOut4IsTheHostSideOfTheTestRun() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("conn-out4.dump"));
    assertEquals(60, ms.size());
    assertDispatch(ms.get(0), 2, 0, false, "_notifyOfPublishedCapabilities:");
    assertDispatch(ms.get(1), 3, 0, true, "_requestChannelWithCode:identifier:");
    assertEquals(AuxValue.int32(1), args(ms.get(1)).get(0));
    for (DtxMessage m : ms) {
      assertTrue(m.channelCode() >= -1 && m.channelCode() <= 1, m::toString);
    }
    DtxTesting.releaseAll(ms);
  }

  @Test
  void fragmentedMessageReassemblesFromTwoBodies() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("fragmentedmessage.bin"));
    assertEquals(1, ms.size());
    DtxMessage m = ms.get(0);
    assertReply(m, DtxMessageType.OBJECT, 1, 1);
    assertEquals(List.of(new DtxFragmentInfo(0, 3, 79643), new DtxFragmentInfo(1, 3, 65504),
        new DtxFragmentInfo(2, 3, 14139)), m.fragments());
    assertEquals(65504 + 14139, m.bodyLength());
    assertEquals(65504 + 14139 - 16, m.payload().readableBytes());
    assertTrue(contains(Arrays.copyOf(m.payloadBytes(), 8), "bplist00"));
    m.release();
  }

  @Test
  void unknownDhhMessageIsData() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("unknown-d-h-h-message.bin"));
    DtxMessage m = ms.get(0);
    assertEquals(DtxMessageType.DATA, m.type());
    assertEquals(18, m.identifier());
    assertEquals(0, m.conversationIndex());
    assertEquals(-2, m.channelCode());
    assertEquals(586, m.payload().readableBytes());
    assertNull(AuxCodec.decode(m.aux(), 0));
    m.release();
  }

  @Test
  void requestChannelHasAnInt32CodeAndABufferIdentifier() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("requestChannelWithCodeIdentifier.bin"));
    DtxMessage m = ms.get(0);
    assertDispatch(m, 3, 0, true, "_requestChannelWithCode:identifier:");
    AuxValue.Dictionary aux = AuxCodec.decode(m.aux(), 0);
    assertEquals(AuxValue.Dictionary.DEFAULT_FLAGS, aux.flags());
    assertEquals(2, aux.entries().size());
    assertInstanceOf(AuxValue.Null.class, aux.entries().get(0).key());
    assertEquals(AuxValue.int32(1), aux.entries().get(0).value());
    AuxValue.Buffer identifier = assertInstanceOf(AuxValue.Buffer.class, aux.entries().get(1).value());
    assertEquals(215, identifier.length());
    assertTrue(contains(identifier.value(),
        "dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface"));
    m.release();
  }

  @Test
  void notifyOfPublishedCapabilitiesCarriesTheCapabilitiesDictionary() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("notifyOfPublishedCapabilites"));
    DtxMessage m = ms.get(0);
    assertDispatch(m, 2, 0, false, "_notifyOfPublishedCapabilities:");
    List<AuxValue> args = args(m);
    assertEquals(1, args.size());
    byte[] caps = ((AuxValue.Buffer) args.get(0)).value();
    assertEquals(397, caps.length);
    assertTrue(contains(caps, "com.apple.private.DTXBlockCompression"));
    assertTrue(contains(caps, "com.apple.private.DTXConnection"));
    m.release();
  }

  @Test
  void archivedObjectNotifications() throws Exception {
    DtxMessage tap = DtxTesting.decodeAll(fixture("dtactivitytapmessage.bin")).get(0);
    assertEquals(DtxMessageType.OBJECT, tap.type());
    assertEquals(5, tap.identifier());
    assertEquals(0, tap.conversationIndex());
    assertEquals(-1, tap.channelCode());
    assertTrue(contains(tap.payloadBytes(), "DTTapMessagePlist"));
    tap.release();
    DtxMessage string = DtxTesting.decodeAll(fixture("nsmutablestring.bin")).get(0);
    assertReply(string, DtxMessageType.OBJECT, 30, 0);
    assertTrue(contains(string.payloadBytes(), "NSMutableString"));
    string.release();
    DtxMessage nsnull = DtxTesting.decodeAll(fixture("nsnull.bin")).get(0);
    assertReply(nsnull, DtxMessageType.OBJECT, 151, 0);
    assertTrue(contains(nsnull.payloadBytes(), "NSNull"));
    nsnull.release();
  }
}
