package dtxkit.runtime.rsd;

import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcInt64;
import dtxkit.runtime.xpc.XpcObject;
import dtxkit.runtime.xpc.XpcString;
import dtxkit.runtime.xpc.XpcUInt64;
import dtxkit.runtime.xpc.XpcUuid;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a device says about itself in the RSD handshake: its properties and every service with its port.
 *
 * <pre>
 * {MessageType: "Handshake", MessagingProtocolVersion: uint64, UUID: uuid,
 *  Properties: {UniqueDeviceID, ProductType, OSVersion, BuildVersion, ...},
 *  Services: {name: {Entitlement: string, Port: "58783", Properties: {UsesRemoteXPC: bool, ...}}}}
 * </pre>
 *
 * @param uuid the device's RemoteXPC UUID, or null when absent
 * @param messagingProtocolVersion {@code MessagingProtocolVersion}, or -1 when absent
 * @param properties the {@code Properties} dictionary as sent
 * @param services the services by name, in the order sent (unmodifiable)
 */
public record PeerInfo(UUID uuid, long messagingProtocolVersion, XpcDictionary properties,
    Map<String, RsdService> services) {

  /** Copies the services, keeping their order. */
  public PeerInfo {
    Objects.requireNonNull(properties, "properties");
    services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
  }

  /** {@code Properties.UniqueDeviceID}. */
  public String udid() {
    return properties.getString("UniqueDeviceID");
  }

  /** {@code Properties.ProductType}, e.g. {@code iPhone15,2}. */
  public String productType() {
    return properties.getString("ProductType");
  }

  /** {@code Properties.OSVersion}, e.g. {@code 17.4}, or null. */
  public String osVersion() {
    return properties.getString("OSVersion");
  }

  /** {@code Properties.BuildVersion}, e.g. {@code 21E219}, or null. */
  public String buildVersion() {
    return properties.getString("BuildVersion");
  }

  /** The service of that name, or null. */
  public RsdService service(String name) {
    return services.get(name);
  }

  /**
   * Reads a peer info dictionary.
   *
   * @throws RsdProtocolException when {@code Properties.UniqueDeviceID} or {@code ProductType} is missing, or a
   *     service entry is not a dictionary with a decimal {@code Port} in 1..65535
   */
  public static PeerInfo fromXpc(XpcDictionary d) throws RsdProtocolException {
    XpcDictionary props = d.getDictionary("Properties");
    if (props == null) {
      throw new RsdProtocolException("Properties", "a dictionary", describe(d.get("Properties")));
    }
    for (String key : new String[] {"UniqueDeviceID", "ProductType"}) {
      if (props.getString(key) == null) {
        throw new RsdProtocolException("Properties." + key, "a string", describe(props.get(key)));
      }
    }
    Map<String, RsdService> services = new LinkedHashMap<>();
    XpcObject rawServices = d.get("Services");
    if (rawServices != null && !(rawServices instanceof XpcDictionary)) {
      throw new RsdProtocolException("Services", "a dictionary", describe(rawServices));
    }
    if (rawServices instanceof XpcDictionary sd) {
      for (Map.Entry<String, XpcObject> e : sd.entries().entrySet()) {
        String field = "Services." + e.getKey();
        if (!(e.getValue() instanceof XpcDictionary entry)) {
          throw new RsdProtocolException(field, "a dictionary", describe(e.getValue()));
        }
        int port = port(field + ".Port", entry.get("Port"));
        services.put(e.getKey(),
            new RsdService(e.getKey(), port, entry.getString("Entitlement"), entry.getDictionary("Properties")));
      }
    }
    UUID uuid = d.get("UUID") instanceof XpcUuid u ? u.value() : null;
    long version = d.get("MessagingProtocolVersion") instanceof XpcUInt64 v ? v.value()
        : d.get("MessagingProtocolVersion") instanceof XpcInt64 v2 ? v2.value() : -1;
    return new PeerInfo(uuid, version, props, services);
  }

  private static int port(String field, XpcObject value) throws RsdProtocolException {
    long port;
    if (value instanceof XpcString s) {
      try {
        port = Long.parseLong(s.value());
      } catch (NumberFormatException e) {
        throw new RsdProtocolException(field, "a decimal port", "\"" + s.value() + "\"");
      }
    } else if (value instanceof XpcUInt64 u) {
      port = u.value();
    } else if (value instanceof XpcInt64 i) {
      port = i.value();
    } else {
      throw new RsdProtocolException(field, "a port string", describe(value));
    }
    if (port < 1 || port > 65535) {
      throw new RsdProtocolException(field, "1..65535", Long.toString(port));
    }
    return (int) port;
  }

  private static String describe(XpcObject o) {
    return o == null ? "nothing" : o.getClass().getSimpleName() + " " + o;
  }

  /** The peer info dictionary a device sends (ports as decimal strings, as the iPhone sends them). */
  public XpcDictionary toXpc() {
    XpcDictionary.Builder services = XpcDictionary.builder();
    for (RsdService s : this.services.values()) {
      XpcDictionary.Builder entry = XpcDictionary.builder();
      if (s.entitlement() != null) {
        entry.put("Entitlement", s.entitlement());
      }
      entry.put("Port", Integer.toString(s.port()));
      entry.put("Properties", s.properties());
      services.put(s.name(), entry.build());
    }
    XpcDictionary.Builder d = XpcDictionary.builder().put("MessageType", "Handshake");
    if (messagingProtocolVersion >= 0) {
      d.put("MessagingProtocolVersion", new XpcUInt64(messagingProtocolVersion));
    }
    if (uuid != null) {
      d.put("UUID", new XpcUuid(uuid));
    }
    return d.put("Properties", properties).put("Services", services.build()).build();
  }

  /** A builder for the peer info a server advertises. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a peer info; properties and services keep insertion order. */
  public static final class Builder {
    private final XpcDictionary.Builder properties = XpcDictionary.builder();
    private final Map<String, RsdService> services = new LinkedHashMap<>();
    private UUID uuid = UUID.randomUUID();
    private long version = 7;

    private Builder() {}

    /** {@code UniqueDeviceID}. */
    public Builder udid(String udid) {
      properties.put("UniqueDeviceID", udid);
      return this;
    }

    /** {@code ProductType}. */
    public Builder productType(String productType) {
      properties.put("ProductType", productType);
      return this;
    }

    /** {@code OSVersion}. */
    public Builder osVersion(String osVersion) {
      properties.put("OSVersion", osVersion);
      return this;
    }

    /** {@code BuildVersion}. */
    public Builder buildVersion(String buildVersion) {
      properties.put("BuildVersion", buildVersion);
      return this;
    }

    /** Any other property. */
    public Builder property(String key, XpcObject value) {
      properties.put(key, value);
      return this;
    }

    /** A service. */
    public Builder service(RsdService service) {
      services.put(service.name(), service);
      return this;
    }

    /** The device UUID (random by default). */
    public Builder uuid(UUID uuid) {
      this.uuid = uuid;
      return this;
    }

    /** {@code MessagingProtocolVersion} (7 by default, as iOS 17 sends). */
    public Builder messagingProtocolVersion(long version) {
      this.version = version;
      return this;
    }

    /** The peer info. */
    public PeerInfo build() {
      return new PeerInfo(uuid, version, properties.build(), services);
    }
  }
}
