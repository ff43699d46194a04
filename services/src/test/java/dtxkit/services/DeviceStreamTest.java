package dtxkit.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.mock.MockDeviceExtension;
import dtxkit.services.sysmontap.SysmonSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Demand, cancellation and failure of {@link DeviceStream}, on its own and against the mock device. */
@ExtendWith(MockDeviceExtension.class)
class DeviceStreamTest {

  /** Collects what a Flow subscriber sees, requesting one item at a time. */
  private static final class OneAtATime<T> implements Flow.Subscriber<T> {
    final List<T> items = new ArrayList<>();
    final CompletableFuture<Throwable> end = new CompletableFuture<>();
    final int wanted;
    Flow.Subscription subscription;

    OneAtATime(int wanted) {
      this.wanted = wanted;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(T item) {
      items.add(item);
      if (items.size() == wanted) {
        subscription.cancel();
        end.complete(null);
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      end.complete(throwable);
    }

    @Override
    public void onComplete() {
      end.complete(null);
    }
  }

  @Test
  void cancellingStopsTheServiceAndClosesItsChannel(Instruments instruments, MockDevice device) throws Exception {
    OneAtATime<SysmonSample> subscriber = new OneAtATime<>(3);
    instruments.sysmon(Duration.ofMillis(20)).subscribe(subscriber);
    assertNull(subscriber.end.get(10, TimeUnit.SECONDS));
    assertEquals(3, subscriber.items.size());
    assertFalse(subscriber.items.get(0).valid());
    // cancel() ran stop and _channelCanceled: before returning
    assertTrue(instruments.connection().channels().stream()
        .noneMatch(c -> c.identifier().endsWith("sysmontap")));
    assertTrue(device.connections().get(0).channels().stream()
        .noneMatch(c -> c.identifier().endsWith("sysmontap")));
  }

  @Test
  void closingTheIteratorClosesTheChannel(Instruments instruments) {
    DeviceStream.Iterator<?> it = instruments.network().iterator();
    assertNotNull(it.poll(Duration.ofSeconds(10)));
    List<DtxChannel> open = instruments.connection().channels();
    assertTrue(open.stream().anyMatch(c -> c.identifier().endsWith("networking")));
    it.close();
    assertTrue(instruments.connection().channels().stream().noneMatch(c -> c.identifier().endsWith("networking")));
    assertFalse(it.hasNext());
  }

  @Test
  void aServiceThatCannotStartFailsTheSubscription(Instruments instruments) throws Exception {
    DeviceStream<Object> stream = new DeviceStream<>("nothing", sink -> {
      instruments.connection().openChannel("com.apple.instruments.server.services.absent");
      return () -> { };
    });
    assertInstanceOf(DtxRemoteException.class, assertThrows(DtxException.class, stream::iterator));
    OneAtATime<Object> subscriber = new OneAtATime<>(1);
    stream.subscribe(subscriber);
    assertInstanceOf(DtxRemoteException.class, subscriber.end.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aSubscriberThatFallsTooFarBehindGetsAnErrorNotSilence() throws Exception {
    AtomicInteger stops = new AtomicInteger();
    DeviceStream<Integer> stream = new DeviceStream<>("numbers", sink -> {
      for (int i = 0; i <= DeviceStream.MAX_BUFFERED; i++) {
        sink.next(i);
      }
      return stops::incrementAndGet;
    });
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    stream.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        // requests nothing
      }

      @Override
      public void onNext(Integer item) {
        end.completeExceptionally(new AssertionError("no demand, yet got " + item));
      }

      @Override
      public void onError(Throwable throwable) {
        end.complete(throwable);
      }

      @Override
      public void onComplete() {
        end.complete(null);
      }
    });
    Throwable error = end.get(10, TimeUnit.SECONDS);
    assertInstanceOf(DtxException.class, error);
    assertTrue(error.getMessage().contains("fell behind by 10000 items"), error.getMessage());
    assertEquals(1, stops.get(), "the service is stopped once");
  }

  @Test
  void nonPositiveDemandIsAnError() throws Exception {
    DeviceStream<Integer> stream = new DeviceStream<>("numbers", sink -> () -> { });
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    stream.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(0);
      }

      @Override
      public void onNext(Integer item) {
      }

      @Override
      public void onError(Throwable throwable) {
        end.complete(throwable);
      }

      @Override
      public void onComplete() {
        end.complete(null);
      }
    });
    assertInstanceOf(IllegalArgumentException.class, end.get(10, TimeUnit.SECONDS));
  }

  @Test
  void theStreamEndsWhenTheDeviceGoesAway() throws Exception {
    MockDevice device = MockDevice.start();
    try (Instruments instruments = device.connect();
        DeviceStream.Iterator<SysmonSample> it = instruments.sysmon(Duration.ofMillis(20)).iterator()) {
      assertNotNull(it.poll(Duration.ofSeconds(10)));
      device.close();
      try {
        while (it.hasNext()) {
          it.next(); // samples already buffered, then the end
        }
      } catch (DtxException dropped) {
        // a dropped connection may end the stream with its cause; either way it ended
        assertNotNull(dropped.getMessage());
      }
      assertFalse(it.hasNext());
    } finally {
      device.close();
    }
  }

  @Test
  void processEventsEndWhenTheDeviceGoesAway() throws Exception {
    MockDevice device = MockDevice.start();
    try (Instruments instruments = device.connect();
        DeviceStream.Iterator<ProcessEvent> events = instruments.processEvents().iterator()) {
      instruments.launch("com.apple.calculator");
      assertNotNull(events.poll(Duration.ofSeconds(10)));
      device.close();
      try {
        while (events.hasNext()) {
          events.next();
        }
      } catch (DtxException dropped) {
        assertNotNull(dropped.getMessage());
      }
      assertFalse(events.hasNext());
    } finally {
      device.close();
    }
  }
}
