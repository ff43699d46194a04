package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import org.junit.jupiter.api.Test;

/** Pins the one-line trace the connection logs per message on {@value DtxConnection#TRACE_LOGGER}. */
class TraceLineTest {

  @Test
  void sentDispatchLine() {
    DtxMessage m = DtxMessage.builder(DtxMessageType.DISPATCH).identifier(5).channelCode(1).expectsReply(true)
        .aux(Codec.encodeArguments(new DtxArgument[] {DtxArgument.int32(3)}))
        .payload(Codec.archive("killPid:")).build();
    try {
      long len = m.bodyLength();
      assertEquals(">> ch=1 id=5.0 frag=1/1 DISPATCH sel=killPid: len=" + len, Codec.traceLine(true, m, 1, "killPid:"));
    } finally {
      m.release();
    }
  }

  @Test
  void sentFragmentedDataLineNamesTheFragmentCount() {
    DtxMessage m = DtxMessage.builder(DtxMessageType.DATA).identifier(9).channelCode(-2)
        .payload(new byte[300_000]).build();
    try {
      var outgoing = Codec.fragments(m.retain());
      assertEquals(4, outgoing.fragmentCount());
      outgoing.discard();
      assertEquals(">> ch=-2 id=9.0 frag=1/4 DATA len=300016", Codec.traceLine(true, m, 4, null));
    } finally {
      m.release();
    }
  }

  @Test
  void receivedReplyLine() {
    DtxMessage m = DtxMessage.builder(DtxMessageType.OK).identifier(7).conversationIndex(1).channelCode(-1).build();
    try {
      assertEquals("<< ch=-1 id=7.1 frag=1/1 OK len=16", Codec.traceLine(false, m, 0, null));
    } finally {
      m.release();
    }
  }
}
