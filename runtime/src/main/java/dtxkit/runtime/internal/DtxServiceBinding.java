package dtxkit.runtime.internal;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxMethodDescriptor;
import dtxkit.runtime.DtxServiceHandler;
import java.util.List;

/**
 * What the processor generates for one {@code @DtxService} interface ({@code <I>_DtxBinding}); found by
 * {@link DtxBindings}. Users reach it through the typed API ({@code DtxConnection.openService},
 * {@code DtxServiceRegistry.register}), never by naming the generated class.
 *
 * @param <T> the service interface
 * @param <E> the nested events interface, or {@link Void} when the service declares no callbacks
 */
public interface DtxServiceBinding<T, E> {

  /** The service interface. */
  Class<T> serviceType();

  /** The service identifier a channel is opened with. */
  String identifier();

  /** The nested events interface a client listener implements, or {@code null} when the service declares none. */
  Class<E> eventsType();

  /** The service's {@code @DtxMethod}s, in declaration order. */
  List<DtxMethodDescriptor> methods();

  /** The {@code @OnNotification} callbacks of {@link #eventsType()}, in declaration order (none without one). */
  List<DtxMethodDescriptor> callbacks();

  /** A client proxy that sends every call over {@code channel}. */
  T newClient(DtxChannel channel);

  /**
   * The channel listener that delivers the peer's callbacks to {@code listener}; install it before the channel
   * opens.
   *
   * @throws IllegalArgumentException the service declares no callbacks
   */
  DtxChannelListener newEventReceiver(E listener);

  /** The handler that routes incoming selectors to {@code implementation}. */
  DtxServiceHandler newDispatcher(T implementation);

  /**
   * An implementation of {@link #eventsType()} that pushes each callback over {@code channel}; {@code null} when the
   * service declares no callbacks.
   */
  E newEventSender(DtxChannel channel);

  /**
   * Whether the interface is an Objective-C protocol spoken on {@code dtxproxy:} channels
   * ({@code @DtxService(proxy = true)}): paired with another protocol on one channel, never opened alone. Bindings
   * generated before this existed are plain services.
   */
  default boolean proxy() {
    return false;
  }
}
