package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.PartsHarness.Sent;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InboundRouterTest {

  private final List<Runnable> executor = new ArrayList<>();
  private final PartsHarness h = new PartsHarness(executor::add);
  private final InboundRouter router = h.router(h.controlProtocol(null));
  private final InboundRouter.Queuer plain = (queue, task) -> queue.offer(task, false);

  @AfterEach
  void close() {
    h.close();
  }

  private void runDeliveries() {
    while (!executor.isEmpty()) {
      executor.remove(0).run();
    }
  }

  @Test
  void notificationsGoToTheirChannelsListenerOffTheReader() {
    List<Object> seen = new ArrayList<>();
    DtxChannel channel = h.channel(2, "svc");
    channel.setListener(new DtxChannelListener() {
      @Override
      public void onNotification(Object value) {
        seen.add(value);
      }
    });
    router.route(PartsHarness.fromPeer(DtxMessageType.OBJECT, 1, 0, -2, false, "sample"), plain);
    assertTrue(seen.isEmpty(), "queued, not run by the router");
    runDeliveries();
    assertEquals(List.of("sample"), seen);
  }

  @Test
  void invocationsReachTheListenerInOrderOffTheReader() throws Exception {
    List<String> seen = new ArrayList<>();
    DtxChannel channel = h.channel(-1, "svc");
    channel.setListener(new DtxChannelListener() {
      @Override
      public void onInvocation(DtxInvocation invocation) {
        seen.add(invocation.selector() + invocation.arguments());
      }
    });
    router.route(PartsHarness.invocation(5, 1, false, "greet:", DtxArgument.object("you")), plain);
    router.route(PartsHarness.invocation(6, 1, false, "bye"), plain);
    assertTrue(seen.isEmpty());
    runDeliveries();
    assertEquals(List.of("greet:[you]", "bye[]"), seen);
    assertEquals(List.of(), h.sent());
  }

  @Test
  void repliesCompleteCallsAndUnknownChannelsAreRefused() throws Exception {
    DtxChannel channel = h.channel(3, "svc");
    CompletableFuture<Object> call = h.outbound.call(channel, "x", new DtxArgument[0], false, 0);
    int id = h.sent().get(0).identifier();
    router.route(PartsHarness.fromPeer(DtxMessageType.OBJECT, id, 1, 3, false, 42), plain);
    assertEquals(42, call.getNow(null));
    router.route(PartsHarness.invocation(6, 9, true, "nobody"), plain);
    Sent refusal = h.sent().get(0);
    assertEquals(DtxMessageType.ERROR, refusal.type());
    assertTrue(((NSError) refusal.payload()).localizedDescription().contains("unknown channel -9"));
    assertEquals(1, h.refusals.unhandledCount());
  }

  @Test
  void aFullQueueRefusesWithAnError() throws Exception {
    List<Integer> handled = new ArrayList<>();
    DtxChannel channel = h.channel(-1, "svc");
    channel.setListener(new DtxChannelListener() {
      @Override
      public void onInvocation(DtxInvocation invocation) {
        handled.add(invocation.identifier());
      }
    });
    for (int i = 1; i <= 9; i++) {
      router.route(PartsHarness.invocation(i, 1, i == 9, "slow"), plain);
    }
    // Capacity 8 (PartsHarness): the ninth is refused at once, with an ERROR since it expects a reply.
    List<Sent> sent = h.sent();
    assertEquals(1, sent.size());
    assertEquals(9, sent.get(0).identifier());
    assertEquals(DtxMessageType.ERROR, sent.get(0).type());
    assertEquals(1, h.refusals.overflowCount());
    runDeliveries();
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), handled);
  }
}
