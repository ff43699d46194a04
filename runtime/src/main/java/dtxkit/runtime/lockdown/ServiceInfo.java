package dtxkit.runtime.lockdown;

import dtxkit.runtime.tls.TlsMode;
import java.util.Objects;
import java.util.Set;

/**
 * A service lockdown started: where it listens and whether it speaks TLS.
 *
 * @param name the service name, e.g. {@code com.apple.syslog_relay}
 * @param port the device port to {@code Connect} to through usbmuxd
 * @param ssl {@code EnableServiceSSL}: a TLS handshake with the pair record's host certificate comes first
 */
public record ServiceInfo(String name, int port, boolean ssl) {

  /**
   * Services that use TLS only for the handshake and then speak plain bytes on the socket (iOS 13 and earlier), as
   * pymobiledevice3 strips SSL for them.
   */
  public static final Set<String> HANDSHAKE_ONLY_SERVICES =
      Set.of("com.apple.instruments.remoteserver", "com.apple.testmanagerd.lockdown");

  /** Checks the values. */
  public ServiceInfo {
    Objects.requireNonNull(name, "name");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("bad service port " + port + " (expected 1..65535)");
    }
  }

  /** The TLS mode of this service when {@link #ssl()} is set: handshake-only for the old Instruments names. */
  public TlsMode tlsMode() {
    return HANDSHAKE_ONLY_SERVICES.contains(name) ? TlsMode.HANDSHAKE_ONLY : TlsMode.KEEP;
  }
}
