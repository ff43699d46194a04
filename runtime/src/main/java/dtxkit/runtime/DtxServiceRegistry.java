package dtxkit.runtime;

import dtxkit.runtime.internal.DtxBindings;
import dtxkit.runtime.internal.DtxServiceBinding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Service identifier → {@link DtxServiceFactory}: which channels a peer may open on a connection. One registry can
 * serve many connections ({@link DtxServer}); each opened channel gets its own handler from the factory.
 *
 * <pre>{@code
 * DtxServiceRegistry registry = new DtxServiceRegistry()
 *     .register("com.apple.instruments.server.services.deviceinfo", channel -> invocation -> switch (invocation.selector()) {
 *       case "runningProcesses" -> List.of();
 *       default -> throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), "DTDeviceInfoService");
 *     });
 * }</pre>
 *
 * <p>Thread-safe; registering while connections are served affects channels opened afterwards.
 */
public final class DtxServiceRegistry {

  private final Map<String, DtxServiceFactory> factories = new LinkedHashMap<>();
  private final Map<String, Integer> versions = new LinkedHashMap<>();

  /** An empty registry. */
  public DtxServiceRegistry() {}

  /**
   * Registers (or replaces) the factory for an identifier.
   *
   * @param identifier the service identifier a peer names in {@code _requestChannelWithCode:identifier:}
   * @param factory creates a handler per opened channel
   * @return this registry
   */
  public synchronized DtxServiceRegistry register(String identifier, DtxServiceFactory factory) {
    factories.put(Objects.requireNonNull(identifier, "identifier"), Objects.requireNonNull(factory, "factory"));
    versions.putIfAbsent(identifier, 1);
    return this;
  }

  /**
   * Sets the version a service is published with in {@link #publishedCapabilities()} (a device publishes e.g.
   * {@code com.apple.instruments.server.services.deviceinfo} = 2); registering gives version 1.
   *
   * @return this registry
   * @throws IllegalArgumentException when nothing is registered under {@code identifier}
   */
  public synchronized DtxServiceRegistry version(String identifier, int version) {
    if (!factories.containsKey(identifier)) {
      throw new IllegalArgumentException("no service registered as " + identifier);
    }
    versions.put(identifier, version);
    return this;
  }

  /**
   * The capabilities a server serving this registry publishes in its {@code _notifyOfPublishedCapabilities:}, the
   * way a device's DTServiceHub does: {@code com.apple.private.DTXBlockCompression} = 0 (dtxkit never sends
   * compressed messages), {@code com.apple.private.DTXConnection} = 1, then every registered identifier with its
   * version, in registration order.
   *
   * @return a new, modifiable, ordered map
   */
  public synchronized Map<String, Object> publishedCapabilities() {
    Map<String, Object> caps = new LinkedHashMap<>();
    caps.put("com.apple.private.DTXBlockCompression", 0);
    caps.put("com.apple.private.DTXConnection", 1);
    caps.putAll(versions);
    return caps;
  }

  /**
   * Serves a {@code @DtxService} implementation under its declared identifier: each channel a peer opens to it gets
   * the generated dispatcher over {@code implementation} (shared by all channels, so it must be thread-safe if
   * several clients connect). The returned handle pushes callbacks to the clients.
   *
   * <pre>{@code
   * DtxServiceHandle<ProcessControl> handle = registry.register(ProcessControl.class, new FakeProcessControl());
   * ...
   * for (ProcessControl.Events client : handle.events(ProcessControl.Events.class)) {
   *     client.outputReceived("hello\n", 42, 0L);
   * }
   * }</pre>
   *
   * @throws IllegalArgumentException {@code service} has no generated binding
   */
  public <T> DtxServiceHandle<T> register(Class<T> service, T implementation) {
    Objects.requireNonNull(implementation, "implementation");
    return registerPerChannel(service, channel -> implementation);
  }

  /**
   * Serves a {@code @DtxService} with one implementation per channel, for implementations that keep per-client state
   * or push to their client: {@code factory} is called for each channel a peer opens (see
   * {@link DtxServiceFactory} for when) and its result gets the generated dispatcher.
   *
   * @param factory creates the implementation for a channel; it may keep the channel
   * @throws IllegalArgumentException {@code service} has no generated binding
   */
  public <T> DtxServiceHandle<T> registerPerChannel(Class<T> service,
      Function<? super DtxChannel, ? extends T> factory) {
    Objects.requireNonNull(factory, "factory");
    DtxServiceBinding<T, ?> binding = DtxBindings.forType(service);
    if (binding.proxy()) {
      throw new IllegalArgumentException(service.getName() + " is a dtxproxy: protocol (\"" + binding.identifier()
          + "\"); accept its channels with registerProxy");
    }
    DtxServiceHandle<T> handle = new DtxServiceHandle<>(binding);
    register(binding.identifier(), channel -> {
      T implementation = Objects.requireNonNull(factory.apply(channel), "the factory returned null");
      handle.attach(channel);
      return Dispatchers.of(binding, implementation);
    });
    return handle;
  }

  /**
   * {@link #registerPerChannel(Class, Function)} for an implementation that pushes callbacks to its client:
   * {@code factory} also gets a sender of the service's events interface bound to that channel.
   *
   * <pre>{@code
   * registry.registerPerChannel(ProcessControl.class, ProcessControl.Events.class,
   *     (channel, client) -> new FakeProcessControl(client));   // client.outputReceived(...) pushes to the peer
   * }</pre>
   *
   * @param eventsType the service's events interface
   * @param factory creates the implementation for a channel from the channel and its event sender
   * @throws IllegalArgumentException no binding, or {@code eventsType} is not the service's events interface
   */
  public <T, E> DtxServiceHandle<T> registerPerChannel(Class<T> service, Class<E> eventsType,
      BiFunction<? super DtxChannel, ? super E, ? extends T> factory) {
    Objects.requireNonNull(factory, "factory");
    DtxServiceBinding<T, E> binding = DtxBindings.forType(service, eventsType);
    return registerPerChannel(service, channel -> factory.apply(channel, binding.newEventSender(channel)));
  }

  /**
   * Accepts the {@code dtxproxy:} channels the peer opens to pair two Objective-C protocols
   * ({@code @DtxService(proxy = true)} interfaces): this side exports {@code local} and calls {@code remote}. The peer
   * names the channel from its side, {@code dtxproxy:<remote>:<local>} (an XCTest runner requests
   * {@code dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface}, so the IDE registers
   * {@code registerProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class, ...)}); that identifier is
   * what this registers. For each such channel {@code factory} gets the channel and a client of {@code remote} bound
   * to it, and returns the implementation of {@code local} whose dispatcher answers the peer. The channel carries
   * the negated code of the peer's request on the wire (the {@code -1} of the XCTest recordings).
   *
   * <pre>{@code
   * registry.registerProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class,
   *     (channel, driver) -> { driverReady.complete(driver); return ide; });
   * }</pre>
   *
   * <p>Register before the connection starts (the registry given to the builder): a runner may open its channel as
   * soon as it is launched.
   *
   * @param local the protocol this side exports
   * @param remote the protocol the peer exports
   * @param factory the implementation of {@code local} for a channel, from the channel and the client of
   *     {@code remote}
   * @return a handle listing the open channels
   * @throws IllegalArgumentException either interface has no binding or is not a proxy protocol
   */
  public <L, R> DtxServiceHandle<L> registerProxy(Class<L> local, Class<R> remote,
      BiFunction<? super DtxChannel, ? super R, ? extends L> factory) {
    Objects.requireNonNull(factory, "factory");
    DtxServiceBinding<L, ?> localBinding = DtxProxyHandle.proxyBinding(local);
    DtxServiceBinding<R, ?> remoteBinding = DtxProxyHandle.proxyBinding(remote);
    DtxServiceHandle<L> handle = new DtxServiceHandle<>(localBinding);
    register(DtxProxyHandle.identifier(remoteBinding, localBinding), channel -> {
      L implementation = Objects.requireNonNull(factory.apply(channel, remoteBinding.newClient(channel)),
          "the factory returned null");
      handle.attach(channel);
      return Dispatchers.of(localBinding, implementation);
    });
    return handle;
  }

  /**
   * The factory registered for {@code identifier}.
   *
   * @param identifier the service identifier
   * @return the factory, or null when none is registered
   */
  public synchronized DtxServiceFactory lookup(String identifier) {
    return factories.get(identifier);
  }

  /** The registered identifiers, in registration order. */
  public synchronized List<String> identifiers() {
    return List.copyOf(factories.keySet());
  }
}
