package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.PartsHarness.Sent;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelAcceptorTest {

  private final PartsHarness h = new PartsHarness();
  private final DtxServiceRegistry registry = new DtxServiceRegistry()
      .register("good", channel -> invocation -> "served")
      .register("broken", channel -> {
        throw new IllegalStateException("cannot start");
      });
  private final ChannelAcceptor acceptor = h.acceptor(registry);

  @AfterEach
  void close() {
    h.close();
  }

  private void request(int id, Object code, Object identifier) {
    DtxMessage m = PartsHarness.invocation(id, 0, true, DtxConnection.REQUEST_CHANNEL,
        code instanceof Integer i ? DtxArgument.int32(i) : DtxArgument.object(code), DtxArgument.object(identifier));
    try {
      acceptor.onRequestChannel(m, List.of(code, identifier));
    } finally {
      m.release();
    }
  }

  private String errorText(Sent reply) {
    assertEquals(DtxMessageType.ERROR, reply.type());
    return ((NSError) reply.payload()).localizedDescription();
  }

  @Test
  void acceptsAKnownServiceUnderTheNegatedCode() throws Exception {
    request(1, 5, "good");
    Sent reply = h.sent().get(0);
    assertEquals(new Sent(DtxMessageType.OK, 1, 1, 0, false, null, List.of()), reply);
    DtxChannel channel = h.channels.get(-5);
    assertEquals("good", channel.identifier());
    assertEquals(DtxChannel.State.OPEN, channel.state());
  }

  @Test
  void refusesBadCodesCodesInUseUnknownAndFailingServices() throws Exception {
    request(1, 0, "good");
    request(2, 5, "good");
    request(3, 5, "good");
    request(4, 6, "missing");
    request(5, 7, "broken");
    request(6, "x", "good");
    List<Sent> sent = h.sent();
    assertTrue(errorText(sent.get(0)).contains("invalid channel code 0"));
    assertEquals(DtxMessageType.OK, sent.get(1).type());
    assertTrue(errorText(sent.get(2)).contains("already in use"));
    assertTrue(errorText(sent.get(3)).contains("Unable to find service with identifier \"missing\""));
    assertTrue(errorText(sent.get(4)).contains("cannot start"));
    assertNull(h.channels.get(-7), "the failed channel is gone");
    assertTrue(errorText(sent.get(5)).contains("expected int32 code, string"));
    assertEquals(1, h.refusals.unhandledCount());
  }
}
