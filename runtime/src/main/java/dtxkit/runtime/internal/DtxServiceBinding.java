package dtxkit.runtime.internal;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxServiceHandler;

/**
 * What the processor generates for one {@code @DtxService} interface ({@code <I>_DtxBinding}), listed in
 * {@code META-INF/services/dtxkit.runtime.internal.DtxServiceBinding} so that the runtime finds it through
 * {@link java.util.ServiceLoader} by interface or by identifier; see {@link DtxBindings}.
 *
 * @param <T> the service interface
 */
public interface DtxServiceBinding<T> {

  /** The service interface. */
  Class<T> serviceType();

  /** The service identifier a channel is opened with. */
  String identifier();

  /** The nested events interface a client listener implements, or {@code null} when the service declares none. */
  Class<?> eventsType();

  /** A client proxy that sends every call over {@code channel}. */
  T newClient(DtxChannel channel);

  /**
   * The channel listener that delivers the peer's callbacks to {@code listener}, an instance of
   * {@link #eventsType()}; install it before the channel opens.
   *
   * @throws IllegalArgumentException the service declares no callbacks
   */
  DtxChannelListener newEventReceiver(Object listener);

  /** The handler that routes incoming selectors to {@code implementation}. */
  DtxServiceHandler newDispatcher(T implementation);

  /**
   * An implementation of {@link #eventsType()} that pushes each callback over {@code channel}; {@code null} when the
   * service declares no callbacks.
   */
  Object newEventSender(DtxChannel channel);
}
