package dtxkit.runtime;

import dtxkit.runtime.internal.DtxServiceBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A typed service registered with {@link DtxServiceRegistry#register(Class, Object)} (or
 * {@link DtxServiceRegistry#registerPerChannel registerPerChannel}): the channels clients have opened to it, and
 * senders that push the service's callbacks ({@code @OnNotification}, {@code @OnData}) to them.
 * Thread-safe.
 *
 * @param <T> the service interface
 */
public final class DtxServiceHandle<T> {

  private final DtxServiceBinding<T, ?> binding;
  private final List<DtxChannel> channels = new CopyOnWriteArrayList<>();

  DtxServiceHandle(DtxServiceBinding<T, ?> binding) {
    this.binding = binding;
  }

  /** The service interface. */
  public Class<T> serviceType() {
    return binding.serviceType();
  }

  /** The identifier the service is registered under. */
  public String identifier() {
    return binding.identifier();
  }

  /** The service's methods: selector, oneway, argument encodings (see {@link DtxMethodDescriptor}). */
  public List<DtxMethodDescriptor> methods() {
    return binding.methods();
  }

  /** The channels clients currently have open to this service, oldest first. */
  public List<DtxChannel> channels() {
    channels.removeIf(c -> c.state() == DtxChannel.State.CLOSED);
    List<DtxChannel> open = new ArrayList<>();
    for (DtxChannel channel : channels) {
      if (channel.isOpen()) {
        open.add(channel);
      }
    }
    return open;
  }

  /**
   * A sender of callbacks to the client at the other end of {@code channel}: calling a method of the returned
   * events interface sends that callback (a oneway message, or DATA for {@code @OnData}).
   *
   * @param channel one of {@link #channels()}
   * @param eventsType the service's nested events interface
   * @throws IllegalArgumentException {@code eventsType} is not the service's events interface
   */
  public <E> E events(DtxChannel channel, Class<E> eventsType) {
    Objects.requireNonNull(channel, "channel");
    if (binding.eventsType() != eventsType) {
      throw new IllegalArgumentException(binding.serviceType().getName() + " has events interface "
          + (binding.eventsType() == null ? "none" : binding.eventsType().getName()) + ", not " + eventsType.getName());
    }
    return eventsType.cast(binding.newEventSender(channel));
  }

  /** One sender per open client channel, oldest first (see {@link #events(DtxChannel, Class)}). */
  public <E> List<E> events(Class<E> eventsType) {
    List<E> senders = new ArrayList<>();
    for (DtxChannel channel : channels()) {
      senders.add(events(channel, eventsType));
    }
    return senders;
  }

  void attach(DtxChannel channel) {
    // Pruned here too, so a long-running server that never asks for channels() does not keep every closed one.
    channels.removeIf(c -> c.state() == DtxChannel.State.CLOSED);
    channels.add(channel);
  }
}
