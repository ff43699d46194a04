package dtxkit.runtime.rsd;

import dtxkit.runtime.xpc.XpcBool;
import dtxkit.runtime.xpc.XpcDictionary;
import java.util.Objects;

/**
 * One service a device advertises in its peer info.
 *
 * @param name the service name, e.g. {@code com.apple.instruments.dtservicehub}
 * @param port the TCP port on the device's tunnel address (sent as a decimal string)
 * @param entitlement the entitlement the device requires, or null when none is advertised
 * @param properties the service's {@code Properties} dictionary (UsesRemoteXPC, ServiceVersion, Features, ...)
 */
public record RsdService(String name, int port, String entitlement, XpcDictionary properties) {
  /** Suffix of the services that expect an {@code RSDCheckin} exchange before their own protocol. */
  public static final String SHIM_SUFFIX = ".shim.remote";

  /** Checks the name and port; a null properties dictionary becomes empty. */
  public RsdService {
    Objects.requireNonNull(name, "name");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    properties = properties == null ? XpcDictionary.empty() : properties;
  }

  /**
   * A plain service (for servers building a peer info): {@code Entitlement} {@code com.apple.mobile.lockdown.remote
   * .trusted}, {@code Properties} {@code {UsesRemoteXPC: usesRemoteXpc}}.
   */
  public static RsdService of(String name, int port, boolean usesRemoteXpc) {
    return new RsdService(name, port, "com.apple.mobile.lockdown.remote.trusted",
        XpcDictionary.builder().put("UsesRemoteXPC", usesRemoteXpc).build());
  }

  /** True when {@code Properties.UsesRemoteXPC} is true: the port speaks RemoteXPC rather than plists or DTX. */
  public boolean usesRemoteXpc() {
    return properties.get("UsesRemoteXPC") instanceof XpcBool b && b.value();
  }

  /**
   * True for {@code *.shim.remote} services, whose port expects {@code RSDCheckin} first. DTX ports such as
   * {@code com.apple.instruments.dtservicehub} and {@code com.apple.dt.testmanagerd.remote} speak DTX from the
   * first byte and need none.
   */
  public boolean needsCheckin() {
    return needsCheckin(name);
  }

  /** Whether a service of this name expects {@code RSDCheckin}. */
  public static boolean needsCheckin(String serviceName) {
    return serviceName.endsWith(SHIM_SUFFIX);
  }
}
