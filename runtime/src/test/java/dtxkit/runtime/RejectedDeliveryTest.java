package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.Loopback.Mode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, defect 5: when the application's delivery executor rejects work, nothing runs on the reader; the call
 * fails visibly and the rejection is counted.
 */
class RejectedDeliveryTest {

  @Test
  void aRejectedInvocationIsAnsweredWithAnErrorAndNeverRunsOnTheReader() throws Exception {
    ExecutorService serverExecutor = Executors.newSingleThreadExecutor();
    List<String> handlerThreads = new CopyOnWriteArrayList<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, channel -> invocation -> {
      handlerThreads.add(Thread.currentThread().getName());
      return invocation.arguments().get(0);
    });
    try (Loopback l = Loopback.open(Mode.MEMORY, b -> b.registry(registry).deliveryExecutor(serverExecutor),
        b -> b.callTimeout(Duration.ofSeconds(5)))) {
      DtxChannel channel = l.client.openChannel(TestService.ID);
      assertEquals("before", channel.invoke("echo:", DtxArgument.object("before")));
      serverExecutor.shutdown();
      assertTrue(serverExecutor.awaitTermination(5, TimeUnit.SECONDS));

      DtxRemoteException e = assertThrows(DtxRemoteException.class,
          () -> channel.invoke("echo:", DtxArgument.object("after")));
      assertTrue(e.getMessage().contains("rejected"), e.getMessage());
      assertEquals(List.of(handlerThreads.get(0)), handlerThreads, "the handler ran once, before the shutdown");
      assertEquals(1, l.server.rejectedDeliveryCount());
      assertTrue(l.client.isOpen() && l.server.isOpen(), "the connection goes on");
    }
  }

  @Test
  void rejectedNotificationsAndCompletionsAreCountedAndNeverRunOnTheReader() throws Exception {
    ExecutorService clientExecutor = Executors.newSingleThreadExecutor();
    List<String> listenerThreads = new CopyOnWriteArrayList<>();
    try (Loopback l = Loopback.open(Mode.MEMORY, b -> b.registry(new DtxServiceRegistry()
        .register(TestService.ID, TestService::new)), b -> b.deliveryExecutor(clientExecutor))) {
      DtxChannel channel = l.client.openChannel(TestService.ID, new DtxChannelListener() {
        @Override
        public void onNotification(Object value) {
          listenerThreads.add(Thread.currentThread().getName());
        }
      });
      clientExecutor.shutdown();
      assertTrue(clientExecutor.awaitTermination(5, TimeUnit.SECONDS));

      // The blocking call's reply is matched on the reader; the notification pushed before it is dropped, counted.
      channel.invoke("pushNotification:", DtxArgument.object("lost"));
      assertTrue(listenerThreads.isEmpty(), "the listener never ran (on the reader or anywhere): " + listenerThreads);
      assertEquals(1, l.client.rejectedDeliveryCount());

      // An asynchronous call fails visibly instead of completing on the reader.
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> channel.invokeAsync("echo:", DtxArgument.object("x")).get(10, TimeUnit.SECONDS));
      assertInstanceOf(DtxException.class, failed.getCause());
      assertTrue(failed.getCause().getMessage().contains("rejected"), failed.getCause().getMessage());
      assertEquals(2, l.client.rejectedDeliveryCount());
      assertFalse(listenerThreads.contains("client-reader"));
    }
  }
}
