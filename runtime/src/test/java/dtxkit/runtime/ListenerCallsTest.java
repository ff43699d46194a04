package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, defect 1: every blocking call made from a listener or a completion stage running on a single-thread
 * delivery executor completes (opening a channel used to wait for that same thread and time out).
 */
class ListenerCallsTest {

  private final ExecutorService single = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "single-delivery");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void shutdown() {
    single.shutdownNow();
  }

  /** Holds the delivery thread until released, so that stages are attached before their futures can complete. */
  private java.util.concurrent.CountDownLatch holdDeliveryThread() {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    single.execute(() -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return release;
  }

  private Loopback open() throws Exception {
    return Loopback.open(Mode.MEMORY, b -> b.registry(new DtxServiceRegistry().register(TestService.ID,
        TestService::new)), b -> b.deliveryExecutor(single).callTimeout(Duration.ofSeconds(3)));
  }

  @Test
  void openChannelFromAListenerOnASingleThreadExecutor() throws Exception {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    try (Loopback l = open()) {
      DtxChannel first = l.client.openChannel(TestService.ID, new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          try {
            DtxChannel second = l.client.openChannel(TestService.ID);
            outcome.complete(second.invoke("echo:", DtxArgument.object("from " + value)));
          } catch (RuntimeException e) {
            outcome.completeExceptionally(e);
          }
        }
      });
      first.invoke("pushNotification:", DtxArgument.object("listener"));
      assertEquals("from listener", outcome.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void openChannelAndCancelFromACompletionStage() throws Exception {
    try (Loopback l = open()) {
      DtxChannel first = l.client.openChannel(TestService.ID);
      java.util.concurrent.CountDownLatch release = holdDeliveryThread();
      CompletableFuture<Object> outcome = first.invokeAsync("echo:", DtxArgument.object("stage")).thenApply(v -> {
        assertTrue(Thread.currentThread().getName().startsWith("single-delivery"), Thread.currentThread().getName());
        DtxChannel second = l.client.openChannel(TestService.ID);
        Object echoed = second.invoke("echo:", DtxArgument.object(v + " 2"));
        second.cancel();
        return echoed;
      });
      release.countDown();
      assertEquals("stage 2", outcome.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void openChannelAsyncStillCompletesOnTheDeliveryExecutor() throws Exception {
    try (Loopback l = open()) {
      java.util.concurrent.CountDownLatch release = holdDeliveryThread();
      CompletableFuture<String> thread = l.client.openChannelAsync(TestService.ID)
          .thenApply(c -> Thread.currentThread().getName());
      release.countDown();
      assertEquals("single-delivery", thread.get(10, TimeUnit.SECONDS));
    }
  }
}
