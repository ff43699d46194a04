package dtxkit.runtime;

import dtxkit.runtime.internal.DtxBindings;
import dtxkit.runtime.internal.DtxServiceBinding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The typed side of a {@link DtxConnection}: finds the generated binding of a {@code @DtxService} interface and opens
 * its channel, either as the connection's shared client ({@link DtxConnection#open(Class)}) or as a handle the caller
 * owns ({@link DtxConnection#openService}). Generated classes are reached only through {@link DtxBindings}.
 */
final class TypedServices {

  private final DtxConnection connection;
  /** Shared clients by interface; guarded by itself. */
  private final Map<Class<?>, DtxClientHandle<?, ?>> shared = new LinkedHashMap<>();

  TypedServices(DtxConnection connection) {
    this.connection = connection;
  }

  /** The shared client of {@code service}, opening (or reopening, after its channel closed) its channel. */
  <T> T shared(Class<T> service) {
    DtxServiceBinding<T, ?> binding = DtxBindings.forType(service);
    synchronized (shared) {
      DtxClientHandle<?, ?> existing = shared.get(service);
      if (existing != null && existing.isOpen()) {
        return service.cast(existing.client());
      }
      DtxClientHandle<T, Void> handle = open(binding, null);
      shared.put(service, handle);
      return handle.client();
    }
  }

  /** A new channel to {@code service} whose unsolicited messages go to {@code listener} (or nowhere, when null). */
  <T> DtxClientHandle<T, Void> open(Class<T> service, DtxChannelListener listener) {
    return open(DtxBindings.forType(service), listener);
  }

  /** A new channel to {@code service} whose callbacks go to {@code listener}, in place before the channel opens. */
  <T, E> DtxClientHandle<T, E> open(Class<T> service, Class<E> eventsType, E listener) {
    Objects.requireNonNull(listener, "listener");
    DtxServiceBinding<T, E> binding = plain(DtxBindings.forType(service, eventsType));
    if (!eventsType.isInstance(listener)) {
      throw new IllegalArgumentException("listener " + listener.getClass().getName() + " does not implement "
          + eventsType.getName());
    }
    DtxClientHandle.Events events = new DtxClientHandle.Events(binding.newEventReceiver(listener),
        binding.identifier());
    DtxChannel channel = connection.openChannel(binding.identifier(), events);
    return new DtxClientHandle<>(binding, eventsType, channel, events);
  }

  /**
   * A new {@code dtxproxy:} channel exporting {@code local} (its dispatcher in place before the request) and calling
   * {@code remote}.
   */
  <R, L> DtxProxyHandle<R, L> openProxy(Class<R> remote, Class<L> local, L implementation) {
    Objects.requireNonNull(implementation, "implementation");
    DtxServiceBinding<R, ?> remoteBinding = DtxProxyHandle.proxyBinding(remote);
    DtxServiceBinding<L, ?> localBinding = DtxProxyHandle.proxyBinding(local);
    String identifier = DtxProxyHandle.identifier(localBinding, remoteBinding);
    DtxClientHandle.Events events = new DtxClientHandle.Events(null, identifier);
    DtxChannel channel = connection.openChannel(identifier, events,
        Dispatchers.of(localBinding, implementation));
    return new DtxProxyHandle<>(remoteBinding, localBinding, channel, implementation, events);
  }

  private static <T, E> DtxServiceBinding<T, E> plain(DtxServiceBinding<T, E> binding) {
    if (binding.proxy()) {
      throw new IllegalArgumentException(binding.serviceType().getName() + " is a dtxproxy: protocol (\""
          + binding.identifier() + "\"); pair it with another protocol through openProxy or registerProxy");
    }
    return binding;
  }

  private <T> DtxClientHandle<T, Void> open(DtxServiceBinding<T, ?> binding, DtxChannelListener listener) {
    plain(binding);
    DtxClientHandle.Events events = new DtxClientHandle.Events(listener, binding.identifier());
    DtxChannel channel = connection.openChannel(binding.identifier(), events);
    return new DtxClientHandle<>(binding, null, channel, events);
  }
}
