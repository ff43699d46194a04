package dtxkit.runtime;

import dtxkit.runtime.internal.DtxServiceBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A typed service opened on a channel of its own ({@link DtxConnection#openService}): the client, its channel, the
 * service's method descriptors, and the channel's end. Closing the handle cancels the channel
 * ({@code _channelCanceled:}); the peer's callbacks then stop.
 *
 * <pre>{@code
 * try (DtxClientHandle<ProcessControl, ProcessControl.Events> pc = connection.openService(ProcessControl.class,
 *         ProcessControl.Events.class, new ProcessControl.Events() {
 *             public void outputReceived(String output, int pid, long machTime) { System.out.print(output); }
 *         })) {
 *     pc.onClose(cause -> System.out.println("processcontrol ended" + (cause == null ? "" : ": " + cause)));
 *     int pid = pc.client().launchSuspendedProcess("", "com.apple.mobilesafari", Map.of(), List.of(), Map.of());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @param <T> the service interface
 * @param <E> the events interface the peer's callbacks are delivered to, or {@link Void} when none is listened to
 */
public final class DtxClientHandle<T, E> extends DtxChannelHandle<DtxClientHandle<T, E>> {

  private final DtxServiceBinding<T, ?> binding;
  private final Class<E> eventsType;
  private final T client;

  DtxClientHandle(DtxServiceBinding<T, ?> binding, Class<E> eventsType, DtxChannel channel, Events events) {
    super(channel, events);
    this.binding = binding;
    this.eventsType = eventsType;
    this.client = binding.newClient(channel);
  }

  /** {@inheritDoc} (Declared here too, so that code compiled when this class declared it still links.) */
  @Override
  public DtxClientHandle<T, E> onClose(Consumer<? super Throwable> callback) {
    return super.onClose(callback);
  }

  /** The typed client; its calls go over {@link #channel()}. */
  public T client() {
    return client;
  }

  /** The service interface. */
  public Class<T> serviceType() {
    return binding.serviceType();
  }

  /** The service identifier the channel was opened with. */
  public String identifier() {
    return binding.identifier();
  }

  /** The events interface callbacks are delivered to, or {@code null} when the handle listens to none. */
  public Class<E> eventsType() {
    return eventsType;
  }

  /** The service's methods: selector, oneway, argument encodings (see {@link DtxMethodDescriptor}). */
  public List<DtxMethodDescriptor> methods() {
    return binding.methods();
  }

  /** The callbacks the service declares, whether or not this handle listens to them. */
  public List<DtxMethodDescriptor> callbacks() {
    return binding.callbacks();
  }

  /**
   * Runs {@code callback} with what a callback delivery threw (the listener itself, or a value the peer sent that
   * does not convert to the declared type), before the connection answers the peer with an error; for a consumer
   * that wants to end its own stream on bad input.
   *
   * @return this handle
   */
  public DtxClientHandle<T, E> onEventFailure(Consumer<? super RuntimeException> callback) {
    events().onEventFailure(Objects.requireNonNull(callback, "callback"));
    return this;
  }

  @Override
  public String toString() {
    return "DtxClientHandle{" + binding.serviceType().getSimpleName() + " on " + channel() + "}";
  }

  /**
   * The listener installed on the handle's channel before it opens: delivers to the generated event receiver (or the
   * caller's raw listener) and runs the handle's close callbacks.
   */
  static final class Events implements DtxChannelListener {
    private final DtxChannelListener delegate;
    private final String identifier;
    private final List<Consumer<? super Throwable>> closeCallbacks = new ArrayList<>();
    private final List<Consumer<? super RuntimeException>> failureCallbacks = new CopyOnWriteArrayList<>();
    private boolean closed;
    private Throwable cause;

    /** {@code delegate} null: invocations are answered as unknown selectors, notifications and data dropped. */
    Events(DtxChannelListener delegate, String identifier) {
      this.delegate = delegate;
      this.identifier = identifier;
    }

    void onClose(Consumer<? super Throwable> callback) {
      Throwable ended;
      synchronized (this) {
        if (!closed) {
          closeCallbacks.add(callback);
          return;
        }
        ended = cause;
      }
      callback.accept(ended);
    }

    void onEventFailure(Consumer<? super RuntimeException> callback) {
      failureCallbacks.add(callback);
    }

    @Override
    public void onInvocation(DtxInvocation invocation) {
      if (delegate == null) {
        throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), identifier);
      }
      try {
        delegate.onInvocation(invocation);
      } catch (RuntimeException e) {
        failed(e);
        throw e;
      }
    }

    @Override
    public void onNotification(Object value) {
      if (delegate != null) {
        try {
          delegate.onNotification(value);
        } catch (RuntimeException e) {
          failed(e);
          throw e;
        }
      }
    }

    @Override
    public void onData(byte[] data) {
      if (delegate != null) {
        try {
          delegate.onData(data);
        } catch (RuntimeException e) {
          failed(e);
          throw e;
        }
      }
    }

    @Override
    public void onBarrier() {
      if (delegate != null) {
        delegate.onBarrier();
      }
    }

    @Override
    public void onClosed(Throwable causeOrNull) {
      List<Consumer<? super Throwable>> callbacks;
      synchronized (this) {
        closed = true;
        cause = causeOrNull;
        callbacks = List.copyOf(closeCallbacks);
        closeCallbacks.clear();
      }
      if (delegate != null) {
        delegate.onClosed(causeOrNull);
      }
      for (Consumer<? super Throwable> callback : callbacks) {
        callback.accept(causeOrNull);
      }
    }

    private void failed(RuntimeException e) {
      for (Consumer<? super RuntimeException> callback : failureCallbacks) {
        callback.accept(e);
      }
    }
  }
}
