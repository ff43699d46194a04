package dtxkit.runtime.rsd.discovery;

/**
 * Where a tunnel daemon says a device's RSD port is.
 *
 * @param udid the device
 * @param address the device's tunnel address (normally IPv6)
 * @param rsdPort the RSD port inside the tunnel
 * @param interfaceName the host interface of the tunnel, or null when the daemon does not say
 * @param source which daemon reported it, e.g. {@code "tunneld"} or {@code "go-ios"}
 */
public record TunnelInfo(String udid, String address, int rsdPort, String interfaceName, String source) {}
