package dtxkit.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
    return this;
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
