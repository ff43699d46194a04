package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.PartsHarness.Sent;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlProtocolTest {

  private final PartsHarness h = new PartsHarness();
  private final ControlProtocol control = h.controlProtocol(null);

  @AfterEach
  void close() {
    h.close();
  }

  private void reply(int id, DtxMessageType type) {
    DtxMessage m = PartsHarness.fromPeer(type, id, 1, 0, false, null);
    try {
      h.pending.onReply(m);
    } finally {
      m.release();
    }
  }

  @Test
  void aChannelRequestCompletesWhenTheReplyIsMatchedOnTheReadingThread() throws Exception {
    CompletableFuture<DtxChannel> opened = control.requestChannel("svc", null);
    Sent request = h.sent().get(0);
    assertEquals(DtxConnection.REQUEST_CHANNEL, request.payload());
    assertEquals(List.of(1, "svc"), request.arguments());
    assertTrue(request.expectsReply());
    assertFalse(opened.isDone());
    DtxChannel channel = h.channels.get(1);
    assertEquals(DtxChannel.State.OPENING, channel.state());
    // The reply completes the request right here, with no delivery executor involved.
    reply(request.identifier(), DtxMessageType.OK);
    assertSame(channel, opened.getNow(null));
    assertEquals(DtxChannel.State.OPEN, channel.state());
  }

  @Test
  void anAbandonedRequestAcceptedLateIsCancelled() throws Exception {
    CompletableFuture<DtxChannel> opened = control.requestChannel("svc", null);
    Sent request = h.sent().get(0);
    assertTrue(opened.cancel(false));
    assertNull(h.channels.get(1), "forgotten at once");
    reply(request.identifier(), DtxMessageType.OK);
    Sent cancel = h.sent().get(0);
    assertEquals(DtxConnection.CHANNEL_CANCELED, cancel.payload());
    assertEquals(List.of(1), cancel.arguments());
    assertFalse(cancel.expectsReply());
    assertEquals(1, h.pending.abandonedCount());
  }

  @Test
  void handshakeAndPeerCancelsAreHandled() throws Exception {
    DtxChannel peerOpened = h.channel(-3, "theirs");
    DtxMessage caps = PartsHarness.invocation(1, 0, true, DtxConnection.NOTIFY_CAPABILITIES,
        DtxArgument.object(Map.of("k", 1)));
    DtxMessage cancel = PartsHarness.invocation(2, 0, true, DtxConnection.CHANNEL_CANCELED, DtxArgument.int32(3));
    try {
      assertTrue(control.onControlInvocation(caps, DtxConnection.NOTIFY_CAPABILITIES, List.of(Map.of("k", 1))));
      assertTrue(control.onControlInvocation(cancel, DtxConnection.CHANNEL_CANCELED, List.of(3)));
      assertFalse(control.onControlInvocation(cancel, "somethingElse", List.of()));
    } finally {
      caps.release();
      cancel.release();
    }
    assertEquals(Map.of("k", 1), control.peerCapabilities());
    assertTrue(control.peerCapabilitiesFuture().isDone());
    assertEquals(DtxChannel.State.CLOSED, peerOpened.state());
    assertNull(h.channels.get(-3));
    List<Sent> sent = h.sent();
    assertEquals(List.of(1, 2), sent.stream().map(Sent::identifier).toList());
    assertTrue(sent.stream().allMatch(s -> s.type() == DtxMessageType.OK && s.conversation() == 1));
  }

  @Test
  void closeCancelsOwnOpenChannelsInOneMessage() throws Exception {
    h.channel(1, "a");
    h.channel(2, "b");
    h.channel(-1, "theirs");
    assertTrue(control.cancelOwnChannels());
    Sent cancel = h.sent().get(0);
    assertEquals(DtxConnection.CHANNEL_CANCELED, cancel.payload());
    assertEquals(List.of(1, 2), cancel.arguments().stream().sorted().toList());
  }
}
