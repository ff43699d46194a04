package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeliveriesTest {

  @Test
  void completesOnTheExecutor() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    Deliveries deliveries = new Deliveries("d", queued::add, 4);
    CompletableFuture<String> future = new CompletableFuture<>();
    deliveries.complete(future, "v", null);
    assertTrue(!future.isDone() && queued.size() == 1, "not on the calling thread");
    queued.get(0).run();
    assertEquals("v", future.get());
  }

  @Test
  void aRejectedCompletionFailsTheFutureElsewhereAndIsCounted() throws Exception {
    Deliveries deliveries = new Deliveries("d", r -> {
      throw new RejectedExecutionException("shut down");
    }, 4);
    CompletableFuture<String> future = new CompletableFuture<>();
    String caller = Thread.currentThread().getName();
    CompletableFuture<String> where = future.handle((v, e) -> Thread.currentThread().getName());
    deliveries.complete(future, "v", null);
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
    assertInstanceOf(DtxException.class, e.getCause());
    assertNotEquals(caller, where.get(10, TimeUnit.SECONDS));
    assertEquals(1, deliveries.rejectedCount());
  }

  @Test
  void aRejectedQueueAnswersItsRejectableTasksAndRunsNothingHere() {
    Deliveries deliveries = new Deliveries("d", r -> {
      throw new RejectedExecutionException("shut down");
    }, 4);
    SerialQueue queue = deliveries.newQueue(true);
    List<String> happened = new ArrayList<>();
    queue.offer(() -> happened.add("plain ran"), false);
    queue.offer(Deliveries.rejectable(() -> happened.add("rejectable ran"), e -> happened.add("answered")), false);
    queue.resume();
    assertEquals(List.of("answered"), happened);
    assertEquals(2, deliveries.rejectedCount());
  }
}
