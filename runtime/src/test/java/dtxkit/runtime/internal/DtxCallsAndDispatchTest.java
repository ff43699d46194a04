package dtxkit.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxException;
import dtxkit.runtime.DtxRemoteException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class DtxCallsAndDispatchTest {

  @Test
  void mapAsyncConvertsTheReply() throws Exception {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    CompletableFuture<Integer> mapped = DtxCalls.mapAsync(reply, DtxConversions::toInt);
    reply.complete(5L);
    assertEquals(5, mapped.get());
  }

  @Test
  void mapAsyncPassesFailuresUnwrapped() {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    CompletableFuture<Integer> mapped = DtxCalls.mapAsync(reply, DtxConversions::toInt);
    DtxRemoteException remote = new DtxRemoteException("D", 3, "no");
    reply.completeExceptionally(remote);
    ExecutionException e = assertThrows(ExecutionException.class, mapped::get);
    assertSame(remote, e.getCause());
  }

  @Test
  void mapAsyncReportsConversionFailures() {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    CompletableFuture<Integer> mapped = DtxCalls.mapAsync(reply, DtxConversions::toInt);
    reply.complete("five");
    ExecutionException e = assertThrows(ExecutionException.class, mapped::get);
    assertTrue(e.getCause() instanceof DtxException);
    assertEquals("expected an int, got String \"five\"", e.getCause().getMessage());
  }

  @Test
  void cancellingTheMappedFutureCancelsTheReply() {
    CompletableFuture<Object> reply = new CompletableFuture<>();
    CompletableFuture<Integer> mapped = DtxCalls.mapAsync(reply, DtxConversions::toInt);
    assertTrue(mapped.cancel(true));
    assertTrue(reply.isCancelled());
  }

  @Test
  void replyAsyncEncodesOnCompletionAndUnwrapsFailures() throws Exception {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    CompletableFuture<Object> reply = DtxDispatch.replyAsync(result, v -> "v" + v);
    result.complete(1);
    assertEquals("v1", reply.get());

    CompletableFuture<Integer> failing = new CompletableFuture<>();
    CompletableFuture<Object> failed = DtxDispatch.replyAsync(failing.thenApply(v -> v), v -> v);
    IllegalStateException boom = new IllegalStateException("boom");
    failing.completeExceptionally(boom);
    assertSame(boom, assertThrows(ExecutionException.class, failed::get).getCause());
    assertThrows(NullPointerException.class, () -> DtxDispatch.replyAsync(null, v -> v));
  }
}
