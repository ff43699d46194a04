package dtxkit.runtime.rsd.client;

import java.io.IOException;
import java.util.Set;

/**
 * The device's RSD catalogue does not list the service asked for. For the developer services
 * ({@code com.apple.instruments.dtservicehub}, {@code com.apple.dt.testmanagerd.remote}) this almost always means the
 * developer disk image is not mounted or Developer Mode is off.
 */
public final class ServiceNotAdvertisedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String serviceName;
  private final String udid;

  ServiceNotAdvertisedException(String udid, String serviceName, Set<String> advertised) {
    super("device " + udid + " does not advertise " + serviceName + " (it advertises " + advertised.size()
        + " service(s))" + (serviceName.startsWith("com.apple.instruments") || serviceName.contains("testmanagerd")
            ? "; mount the developer disk image and enable Developer Mode"
            : ""));
    this.serviceName = serviceName;
    this.udid = udid;
  }

  /** The service that was asked for. */
  public String serviceName() {
    return serviceName;
  }

  /** The device's UDID, as its peer info gives it. */
  public String udid() {
    return udid;
  }
}
