package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener a {@link DtxClientHandle} installs on its channel, without a connection. */
class DtxClientHandleEventsTest {

  private static DtxInvocation invocation(String selector) {
    return new DtxInvocation(selector, List.of(), true, null, 1);
  }

  @Test
  void closeCallbacksRunAfterTheDelegateAndOnceEach() {
    List<String> seen = new ArrayList<>();
    DtxClientHandle.Events events = new DtxClientHandle.Events(new DtxChannelListener() {
      @Override
      public void onClosed(Throwable causeOrNull) {
        seen.add("delegate " + causeOrNull.getMessage());
      }
    }, "com.example.service");
    events.onClose(cause -> seen.add("first " + cause.getMessage()));
    events.onClose(cause -> seen.add("second " + cause.getMessage()));
    IOException cause = new IOException("dropped");
    events.onClosed(cause);
    assertEquals(List.of("delegate dropped", "first dropped", "second dropped"), seen);
    // Registered after the end: runs at once, with the same cause.
    events.onClose(late -> seen.add("late " + late.getMessage()));
    assertEquals("late dropped", seen.get(3));
    assertEquals(4, seen.size());
  }

  @Test
  void withoutADelegateInvocationsAreUnknownSelectors() {
    DtxClientHandle.Events events = new DtxClientHandle.Events(null, "com.example.service");
    DtxUnrecognizedSelectorException e = assertThrows(DtxUnrecognizedSelectorException.class,
        () -> events.onInvocation(invocation("surprise:")));
    assertTrue(e.getMessage().contains("surprise:"), e.getMessage());
    events.onNotification("dropped");
    events.onData(new byte[] {1});
    events.onBarrier();
  }

  @Test
  void aFailingDeliveryIsReportedThenRethrown() {
    IllegalStateException boom = new IllegalStateException("bad value");
    DtxClientHandle.Events events = new DtxClientHandle.Events(new DtxChannelListener() {
      @Override
      public void onInvocation(DtxInvocation invocation) {
        throw boom;
      }

      @Override
      public void onData(byte[] data) {
        throw boom;
      }
    }, "com.example.service");
    List<RuntimeException> failures = new ArrayList<>();
    events.onEventFailure(failures::add);
    assertSame(boom, assertThrows(IllegalStateException.class, () -> events.onInvocation(invocation("x:"))));
    assertSame(boom, assertThrows(IllegalStateException.class, () -> events.onData(new byte[0])));
    assertEquals(List.of(boom, boom), failures);
  }
}
