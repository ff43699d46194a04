package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.PartsHarness.Sent;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Outbound} builds the messages, {@link Refusals} answers what nobody takes. */
class OutboundAndRefusalsTest {

  private final PartsHarness h = new PartsHarness();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void callsAreRegisteredAndNumberedAndRepliesCarryTheNegatedCode() throws Exception {
    DtxChannel channel = h.channel(3, "svc");
    CompletableFuture<Object> call = h.outbound.call(channel, "echo:", new DtxArgument[] {DtxArgument.int32(7)},
        false, 0);
    h.outbound.sendDispatch(channel, "fire", new DtxArgument[0]);
    h.outbound.replyTo(3, 40, 1, "answer", null);
    h.outbound.replyTo(-2, 41, 1, null, null);
    List<Sent> sent = h.sent();
    assertEquals(new Sent(DtxMessageType.DISPATCH, 1, 0, 3, true, "echo:", List.of(7)), sent.get(0));
    assertEquals(new Sent(DtxMessageType.DISPATCH, 2, 0, 3, false, "fire", List.of()), sent.get(1));
    assertEquals(new Sent(DtxMessageType.OBJECT, 40, 1, -3, false, "answer", List.of()), sent.get(2));
    assertEquals(new Sent(DtxMessageType.OK, 41, 1, 2, false, null, List.of()), sent.get(3));
    assertEquals(1, h.pending.size());
    assertFalse(call.isDone());
  }

  @Test
  void anUnarchivableReplyBecomesAnError() throws Exception {
    h.outbound.replyTo(1, 5, 1, new Object(), null);
    Sent reply = h.sent().get(0);
    assertEquals(DtxMessageType.ERROR, reply.type());
    assertTrue(((NSError) reply.payload()).localizedDescription().contains("cannot be archived"));
  }

  @Test
  void nothingIsSentOnceClosed() throws Exception {
    DtxChannel channel = h.channel(1, "svc");
    h.closed = new DtxConnectionClosedException("gone", null);
    assertThrows(DtxConnectionClosedException.class, () -> h.outbound.sendDispatch(channel, "x", new DtxArgument[0]));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> h.outbound.call(channel, "y", new DtxArgument[0], false, 0).get());
    assertInstanceOf(DtxConnectionClosedException.class, e.getCause());
    assertEquals(List.of(), h.sent());
    assertEquals(0, h.pending.size());
  }

  @Test
  void refusalsAnswerErrorWhenAReplyIsExpectedAndCount() throws Exception {
    DtxMessage expects = PartsHarness.invocation(8, 4, true, "what");
    DtxMessage not = PartsHarness.invocation(9, 4, false, "what");
    try {
      h.refusals.unknownChannel(expects, -4, "invocation what");
      h.refusals.unknownChannel(not, -4, "invocation what");
      DtxChannel channel = h.channel(-4, "svc");
      h.refusals.overflow(channel, expects, "invocation what");
    } finally {
      expects.release();
      not.release();
    }
    List<Sent> sent = h.sent();
    assertEquals(2, sent.size(), "no answer to a message that expects none");
    assertEquals(DtxMessageType.ERROR, sent.get(0).type());
    assertEquals(8, sent.get(0).identifier());
    assertEquals(1, sent.get(0).conversation());
    assertEquals(2, ((NSError) sent.get(0).payload()).code());
    assertTrue(((NSError) sent.get(1).payload()).localizedDescription().contains("is full"));
    assertEquals(2, h.refusals.unhandledCount());
    assertEquals(1, h.refusals.overflowCount());
  }
}
