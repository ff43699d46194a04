package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingCallsTest {

  private final Deliveries deliveries = new Deliveries("p", Runnable::run, 4);
  private final PendingCalls pending = new PendingCalls("p", deliveries,
      new LogLimiter(org.slf4j.LoggerFactory.getLogger(PendingCallsTest.class), "p"));

  private void reply(int id, DtxMessageType type, Object payload) {
    DtxMessage m = PartsHarness.fromPeer(type, id, 1, -1, false, payload);
    try {
      pending.onReply(m);
    } finally {
      m.release();
    }
  }

  @Test
  void repliesCompleteTheirCallsByIdentifier() throws Exception {
    CallFuture ok = new CallFuture(pending, 1);
    CallFuture object = new CallFuture(pending, 2);
    CallFuture error = new CallFuture(pending, 3);
    pending.add(1, ok, false, "a");
    pending.add(2, object, true, "b");
    pending.add(3, error, false, "c");
    reply(2, DtxMessageType.OBJECT, "value");
    reply(1, DtxMessageType.OK, null);
    reply(3, DtxMessageType.ERROR, new NSError("D", 7, DtxRemoteException.userInfo("no")));
    assertEquals("value", object.get());
    assertEquals(null, ok.get());
    ExecutionException e = assertThrows(ExecutionException.class, error::get);
    assertEquals(7, assertInstanceOf(DtxRemoteException.class, e.getCause()).code());
    assertEquals(0, pending.size());
  }

  @Test
  void unmatchedAndAbandonedRepliesAreCounted() {
    reply(9, DtxMessageType.OK, null);
    assertEquals(1, pending.unmatchedCount());
    CallFuture call = new CallFuture(pending, 4);
    pending.add(4, call, false, "x");
    assertTrue(call.cancel(false));
    reply(4, DtxMessageType.OK, null);
    assertEquals(1, pending.abandonedCount());
    assertEquals(1, pending.unmatchedCount());
  }

  @Test
  void anAsyncDeadlineFailsTheCallAndAbandonsIt() throws Exception {
    CallFuture call = new CallFuture(pending, 5);
    pending.add(5, call, true, "slow");
    pending.deadline(5, call, "reply to slow", TimeUnit.MILLISECONDS.toNanos(20));
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    assertInstanceOf(DtxTimeoutException.class, e.getCause());
    reply(5, DtxMessageType.OK, null);
    assertEquals(1, pending.abandonedCount());
  }

  @Test
  void failAllFailsEveryCallWithTheReason() {
    CallFuture a = new CallFuture(pending, 1);
    CallFuture b = new CallFuture(pending, 2);
    pending.add(1, a, false, "a");
    pending.add(2, b, true, "b");
    DtxConnectionClosedException why = new DtxConnectionClosedException("gone", null);
    pending.failAll(why);
    assertSame(why, assertThrows(ExecutionException.class, a::get).getCause());
    assertSame(why, assertThrows(ExecutionException.class, b::get).getCause());
    assertFalse(pending.remove(1));
  }

  @Test
  void awaitRethrowsTheSameTypeAndCancelsOnTimeout() {
    CallFuture call = new CallFuture(pending, 6);
    pending.add(6, call, false, "t");
    assertThrows(DtxTimeoutException.class, () -> PendingCalls.await(call, "t", 1_000_000));
    assertTrue(call.isCancelled());
    CallFuture failed = new CallFuture(pending, 7);
    failed.completeExceptionally(new DtxRemoteException("D", 1, "x"));
    DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> PendingCalls.await(failed, "f", 1_000_000));
    assertInstanceOf(DtxRemoteException.class, e.getCause(), "the original kept as the cause");
  }
}
