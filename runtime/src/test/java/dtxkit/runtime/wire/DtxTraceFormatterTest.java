package dtxkit.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dtxkit.runtime.wire.DtxTraceFormatter.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pins the trace line format: scripts grep it, so any change must show up here. */
class DtxTraceFormatterTest {

  @Test
  void sentDispatchWithSelector() {
    assertEquals(">> ch=1 id=5.0 frag=1/1 DISPATCH sel=_requestChannelWithCode:identifier: len=446",
        DtxTraceFormatter.format(Direction.SENT, 1, 5, 0, 0, 1, DtxMessageType.DISPATCH, false,
            "_requestChannelWithCode:identifier:", 446));
  }

  @Test
  void receivedFragmentWithoutSelectorAndUnsignedIdentifier() {
    assertEquals("<< ch=-3 id=4294967295.1 frag=2/3 OBJECT len=65504",
        DtxTraceFormatter.format(Direction.RECEIVED, -3, -1, 1, 1, 3, DtxMessageType.OBJECT, false, null, 65504));
  }

  @Test
  void wholeDecodedMessages() throws Exception {
    List<DtxMessage> ms = DtxTesting.decodeAll(DtxTesting.fixture("fragmentedmessage.bin"));
    assertEquals("<< ch=1 id=1.1 frag=1/3 OBJECT len=79643",
        DtxTraceFormatter.format(Direction.RECEIVED, ms.get(0), null));
    DtxTesting.releaseAll(ms);
    ms = DtxTesting.decodeAll(DtxTesting.fixture("instruments-metrics-dtx.bin"));
    // A compressed message is marked, and its length is the decompressed body's.
    assertEquals("<< ch=-9 id=61.0 frag=1/1 COMPRESSED+lz4 len=158608",
        DtxTraceFormatter.format(Direction.RECEIVED, ms.get(0), null));
    DtxTesting.releaseAll(ms);
  }

  @Test
  void builtMessageCountsAsOneFragment() {
    DtxMessage m = DtxMessage.builder(DtxMessageType.OK).identifier(7).conversationIndex(1).channelCode(-2).build();
    assertEquals(">> ch=-2 id=7.1 frag=1/1 OK len=16", DtxTraceFormatter.format(Direction.SENT, m, null));
    m.release();
  }
}
