package dtxkit.runtime.usbmux;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where usbmuxd listens: a Unix-domain socket path or a TCP {@code host:port}.
 *
 * <p>{@link #parse(String)} accepts every form the peers use for {@code USBMUXD_SOCKET_ADDRESS}:
 * <ul>
 * <li>a bare path, {@code /var/run/usbmuxd} (libimobiledevice, pymobiledevice3, appium-ios-device);</li>
 * <li>{@code host:port}, {@code [::1]:27015}: TCP (pymobiledevice3 and appium-ios-device treat any value with a colon
 *     as TCP);</li>
 * <li>{@code unix:/path} and {@code unix:///path} (go-ios; appium strips a {@code unix:} prefix);</li>
 * <li>{@code tcp://host:port} (go-ios).</li>
 * </ul>
 * Without the variable, {@link #fromEnvironment()} gives the platform default: {@code /var/run/usbmuxd} on macOS and
 * Linux, {@code 127.0.0.1:27015} on Windows (Apple Mobile Device Service).
 *
 * @param unixPath the socket path, or null for TCP
 * @param host the TCP host, or null for a Unix socket
 * @param port the TCP port, or 0 for a Unix socket
 */
public record UsbmuxAddress(Path unixPath, String host, int port) {

  /** The environment variable the peers read: {@value}. */
  public static final String ENVIRONMENT_VARIABLE = "USBMUXD_SOCKET_ADDRESS";
  /** usbmuxd's socket on macOS and Linux. */
  public static final String DEFAULT_UNIX_PATH = "/var/run/usbmuxd";
  /** Apple Mobile Device Service's port on Windows. */
  public static final int DEFAULT_WINDOWS_PORT = 27015;

  /** Checks that exactly one of the two forms is set. */
  public UsbmuxAddress {
    if ((unixPath == null) == (host == null)) {
      throw new IllegalArgumentException("exactly one of unixPath and host must be set");
    }
    if (host != null && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("bad usbmuxd TCP port " + port + " (expected 1..65535)");
    }
  }

  /**
   * A Unix-domain socket address.
   *
   * @param path the socket file
   * @return the address
   */
  public static UsbmuxAddress unix(Path path) {
    return new UsbmuxAddress(Objects.requireNonNull(path, "path"), null, 0);
  }

  /**
   * A TCP address.
   *
   * @param host a name or an IP literal (IPv6 without brackets)
   * @param port the port
   * @return the address
   */
  public static UsbmuxAddress tcp(String host, int port) {
    return new UsbmuxAddress(null, Objects.requireNonNull(host, "host"), port);
  }

  /** The address from {@code USBMUXD_SOCKET_ADDRESS}, or the platform default. */
  public static UsbmuxAddress fromEnvironment() {
    return fromEnvironment(System.getenv(), System.getProperty("os.name", ""));
  }

  /**
   * The address from an environment map, or the default for an OS name.
   *
   * @param environment the environment (only {@value #ENVIRONMENT_VARIABLE} is read)
   * @param osName {@code os.name}, to choose the default
   * @return the address
   * @throws IllegalArgumentException when the variable is set to something unusable, naming it
   */
  public static UsbmuxAddress fromEnvironment(Map<String, String> environment, String osName) {
    String value = environment.get(ENVIRONMENT_VARIABLE);
    if (value != null && !value.isBlank()) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e);
      }
    }
    return platformDefault(osName);
  }

  /**
   * The default for an OS: {@code 127.0.0.1:27015} on Windows, {@code /var/run/usbmuxd} elsewhere.
   *
   * @param osName {@code os.name}
   * @return the address
   */
  public static UsbmuxAddress platformDefault(String osName) {
    if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
      return tcp("127.0.0.1", DEFAULT_WINDOWS_PORT);
    }
    return unix(Path.of(DEFAULT_UNIX_PATH));
  }

  /**
   * Parses any of the forms in the class comment.
   *
   * @param value the text, e.g. {@code /tmp/mux}, {@code 127.0.0.1:27015}, {@code unix:///tmp/mux},
   *     {@code tcp://localhost:27015}
   * @return the address
   * @throws IllegalArgumentException naming what is wrong
   */
  public static UsbmuxAddress parse(String value) {
    String text = Objects.requireNonNull(value, "value").trim();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty usbmuxd address");
    }
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("unix://")) {
      return unixOf(text.substring("unix://".length()), value);
    }
    if (lower.startsWith("unix:")) {
      return unixOf(text.substring("unix:".length()), value);
    }
    if (lower.startsWith("tcp://")) {
      return hostPort(stripTrailingSlash(text.substring("tcp://".length())), value);
    }
    if (text.indexOf(':') >= 0) {
      return hostPort(text, value);
    }
    return unix(Path.of(text));
  }

  private static UsbmuxAddress unixOf(String path, String original) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("no socket path in usbmuxd address '" + original + "'");
    }
    return unix(Path.of(path));
  }

  private static String stripTrailingSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static UsbmuxAddress hostPort(String text, String original) {
    String host;
    String portText;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("bad usbmuxd address '" + original + "' (expected [IPv6]:port)");
      }
      host = text.substring(1, close);
      portText = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      host = text.substring(0, colon);
      portText = text.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("no host in usbmuxd address '" + original + "' (expected host:port)");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad port '" + portText + "' in usbmuxd address '" + original + "' (expected host:port, port 1..65535)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "bad port " + port + " in usbmuxd address '" + original + "' (expected 1..65535)");
    }
    return tcp(host, port);
  }

  /** True for a Unix-domain socket. */
  public boolean isUnix() {
    return unixPath != null;
  }

  /** The socket address to connect to (a TCP host name is resolved now). */
  public SocketAddress socketAddress() {
    return isUnix() ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
  }

  /** The go-ios form: {@code unix:///path} or {@code tcp://host:port}. */
  public String toUri() {
    return isUnix() ? "unix://" + unixPath : "tcp://" + hostPortText();
  }

  private String hostPortText() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The form pymobiledevice3 and appium read: the bare path, or {@code host:port}. */
  @Override
  public String toString() {
    return isUnix() ? unixPath.toString() : hostPortText();
  }
}
