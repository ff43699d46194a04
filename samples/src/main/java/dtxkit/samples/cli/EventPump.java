package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxConnectionClosedException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Hands events from a channel's delivery thread to the command's thread, which prints them until the stream's
 * bounds ({@code --count}, {@code --duration}), its end, or the connection's close (Ctrl-C closes it).
 *
 * @param <T> the event type
 */
final class EventPump<T> {
  /** Why {@link #drain} returned. */
  enum Stop { COUNT, DURATION, ENDED, CLOSED }

  private static final Object END = new Object();
  private static final Object CLOSED = new Object();

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile Throwable closeCause;

  /** Ends the pump when {@code connection} closes (also when Ctrl-C closes it). */
  EventPump<T> until(DtxConnection connection) {
    connection.closeFuture().whenComplete((v, e) -> {
      closeCause = connection.closeCause();
      queue.add(CLOSED);
    });
    return this;
  }

  /** Queues one event; any thread. */
  void offer(T event) {
    queue.add(event);
  }

  /** Marks the end of the stream (e.g. the followed process terminated); events queued before still drain. */
  void end() {
    queue.add(END);
  }

  /**
   * Ends the stream with an error the device caused (an event that does not decode); {@link #drain} throws it as a
   * {@link CliException} after the events queued before it.
   */
  void fail(String what, Throwable cause) {
    if (cause instanceof DtxConnectionClosedException closed) {
      // The connection's end, seen through the stream: the same as the close (Ctrl-C, or the device left).
      if (closeCause == null) {
        closeCause = closed;
      }
      queue.add(CLOSED);
      return;
    }
    queue.add(new Failure(what, cause));
  }

  private record Failure(String what, Throwable cause) {}

  /**
   * Subscribes to {@code stream} (e.g. a {@link dtxkit.services.DeviceStream} of the {@code Instruments} facade) with
   * unbounded demand, feeding its items, its end and its error into this pump.
   *
   * @return cancels the subscription, which stops the device's service and closes its channel
   */
  Runnable subscribe(Flow.Publisher<? extends T> stream) {
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    stream.subscribe(new Flow.Subscriber<T>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription.set(s);
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(T item) {
        offer(item);
      }

      @Override
      public void onError(Throwable t) {
        fail(null, t);
      }

      @Override
      public void onComplete() {
        end();
      }
    });
    return () -> {
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    };
  }

  /** Why the connection closed (the connection's close exception), once {@link Stop#CLOSED}; may be null. */
  Throwable closeCause() {
    return closeCause;
  }

  /**
   * Hands events to {@code sink} on this thread until a bound, the end, or the close.
   *
   * @param bounds {@code --count} and {@code --duration}
   * @param counts which events count towards {@code --count}
   * @param sink prints an event
   * @return why it stopped
   * @throws CliException when {@link #fail} was called
   */
  @SuppressWarnings("unchecked")
  Stop drain(StreamOptions bounds, Predicate<T> counts, Consumer<T> sink) throws InterruptedException {
    Instant deadline = bounds.deadline();
    long seen = 0;
    if (bounds.countReached(0)) {
      return Stop.COUNT;
    }
    while (true) {
      Object next;
      if (deadline == null) {
        next = queue.take();
      } else {
        long left = Duration.between(Instant.now(), deadline).toNanos();
        next = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
        if (next == null) {
          return Stop.DURATION;
        }
      }
      if (next == END) {
        return Stop.ENDED;
      }
      if (next == CLOSED) {
        return Stop.CLOSED;
      }
      if (next instanceof Failure f) {
        if (f.what() == null && f.cause() instanceof RuntimeException e) {
          throw e; // a DtxException from the stream: the tool's error handler words it
        }
        throw new CliException((f.what() == null ? "the stream failed" : f.what()) + ": " + f.cause().getMessage(),
            f.cause());
      }
      T event = (T) next;
      sink.accept(event);
      if (counts.test(event) && bounds.countReached(++seen)) {
        return Stop.COUNT;
      }
    }
  }
}
