package dtxkit.services.lockdown;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.rsd.client.RsdClient;
import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A client of {@value #SERVICE}: the installed apps ({@code Browse}, {@code Lookup}) with their bundle paths and
 * data containers, and {@code Install}/{@code Uninstall} with progress.
 *
 * <p>An install takes a path on the device: the package must first be uploaded into the AFC area, conventionally
 * {@code PublicStaging/NAME.ipa} (the {@code com.apple.afc} service), as every installer does. Not thread-safe: one
 * command at a time.
 */
public final class InstallationProxy implements Closeable {
  /** The lockdown service name. */
  public static final String SERVICE = "com.apple.mobile.installation_proxy";

  /**
   * The same service through RSD on iOS 17 and later (the "lockdown shim"): {@code RSDCheckin}, then the same plist
   * messages as behind lockdown. {@link #connect(RsdClient)} opens it.
   */
  public static final String SHIM_SERVICE = "com.apple.mobile.installation_proxy.shim.remote";

  /** How long {@link #connect(RsdClient)} lets one read wait by default. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** The attributes asked for by default: enough for a listing with paths and containers. */
  public static final List<String> DEFAULT_ATTRIBUTES = List.of("CFBundleIdentifier", "CFBundleDisplayName",
      "CFBundleName", "CFBundleShortVersionString", "CFBundleVersion", "CFBundleExecutable", "ApplicationType",
      "Path", "Container");

  private final ServiceConnection connection;

  /**
   * @param connection the service's stream (from lockdown {@code StartService}); closing the client closes it
   */
  public InstallationProxy(ServiceConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /**
   * Opens {@value #SHIM_SERVICE} on a device found through RSD (iOS 17+: what Xcode uses to find a test runner's
   * bundle path), each read bounded by {@link #DEFAULT_READ_TIMEOUT}.
   *
   * <pre>{@code
   * try (RsdClient rsd = RsdClient.connect(host, rsdPort);
   *      InstallationProxy apps = InstallationProxy.connect(rsd)) {
   *   InstalledApp runner = apps.lookup(null, List.of("com.example.UITests.xctrunner")).get(...);
   * }
   * }</pre>
   *
   * @param rsd the device's RSD connection (the service connection outlives it)
   * @return a client owning its own TCP connection
   * @throws dtxkit.runtime.rsd.client.ServiceNotAdvertisedException the device does not advertise the shim
   * @throws IOException the port cannot be reached or the checkin is refused
   */
  public static InstallationProxy connect(RsdClient rsd) throws IOException {
    return connect(rsd, DEFAULT_READ_TIMEOUT);
  }

  /**
   * {@link #connect(RsdClient)} with another bound on each read.
   *
   * @param rsd the device's RSD connection
   * @param readTimeout the longest one read may wait
   * @return a client owning its own TCP connection
   * @throws IOException the port cannot be reached or the checkin is refused
   */
  public static InstallationProxy connect(RsdClient rsd, Duration readTimeout) throws IOException {
    Objects.requireNonNull(readTimeout, "readTimeout");
    Socket socket = rsd.openService(SHIM_SERVICE);
    try {
      return new InstallationProxy(ServiceConnection.of(socket, readTimeout));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Lists the installed apps of one type.
   *
   * @param applicationType {@code User}, {@code System}, {@code Any}, or null for the device's default (User and
   *     System)
   * @return the apps, in the device's order
   * @throws LockdownServiceException the device refused
   * @throws IOException the stream failed
   */
  public List<InstalledApp> browse(String applicationType) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Command", "Browse");
    request.put("ClientOptions", options(applicationType, null));
    connection.send(request);
    List<InstalledApp> apps = new ArrayList<>();
    while (true) {
      NSDictionary reply = receive("Browse");
      NSObject list = reply.get("CurrentList");
      if (list instanceof NSArray array) {
        for (NSObject entry : array.getArray()) {
          apps.add(app(entry, "CurrentList"));
        }
      }
      if ("Complete".equals(InstalledApp.string(reply, "Status"))) {
        return apps;
      }
    }
  }

  /**
   * Looks apps up by bundle identifier.
   *
   * @param applicationType as for {@link #browse(String)}
   * @param bundleIdentifiers the apps wanted (empty: all of that type)
   * @return the apps found, by bundle identifier (apps not installed are absent)
   * @throws LockdownServiceException the device refused
   * @throws IOException the stream failed
   */
  public Map<String, InstalledApp> lookup(String applicationType, List<String> bundleIdentifiers)
      throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Command", "Lookup");
    request.put("ClientOptions", options(applicationType, bundleIdentifiers));
    connection.send(request);
    Map<String, InstalledApp> found = new LinkedHashMap<>();
    while (true) {
      NSDictionary reply = receive("Lookup");
      if (reply.get("LookupResult") instanceof NSDictionary result) {
        for (Map.Entry<String, NSObject> e : result.entrySet()) {
          found.put(e.getKey(), app(e.getValue(), "LookupResult"));
        }
      }
      if ("Complete".equals(InstalledApp.string(reply, "Status")) || reply.containsKey("LookupResult")) {
        return found;
      }
    }
  }

  /**
   * Installs a package already on the device.
   *
   * @param packagePath its path in the AFC area, e.g. {@code PublicStaging/MyApp.ipa}
   * @param progress told of each progress message, the last one {@code Complete}
   * @throws LockdownServiceException the device refused (bad package, signature, ...)
   * @throws IOException the stream failed
   */
  public void install(String packagePath, Consumer<InstallProgress> progress) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Command", "Install");
    request.put("PackagePath", Objects.requireNonNull(packagePath, "packagePath"));
    NSDictionary options = new NSDictionary();
    options.put("PackageType", "Developer");
    request.put("ClientOptions", options);
    connection.send(request);
    awaitComplete("Install", progress);
  }

  /**
   * Uninstalls an app.
   *
   * @param bundleIdentifier the app
   * @param progress told of each progress message, the last one {@code Complete}
   * @throws LockdownServiceException the device refused
   * @throws IOException the stream failed
   */
  public void uninstall(String bundleIdentifier, Consumer<InstallProgress> progress) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Command", "Uninstall");
    request.put("ApplicationIdentifier", Objects.requireNonNull(bundleIdentifier, "bundleIdentifier"));
    request.put("ClientOptions", new NSDictionary());
    connection.send(request);
    awaitComplete("Uninstall", progress);
  }

  private void awaitComplete(String command, Consumer<InstallProgress> progress) throws IOException {
    while (true) {
      NSDictionary reply = receive(command);
      String status = InstalledApp.string(reply, "Status");
      int percent = reply.get("PercentComplete") instanceof NSNumber n ? n.intValue() : -1;
      if (status != null) {
        progress.accept(new InstallProgress(status, percent));
      }
      if ("Complete".equals(status)) {
        return;
      }
    }
  }

  private NSDictionary receive(String command) throws IOException {
    NSDictionary reply = connection.receive();
    String error = InstalledApp.string(reply, "Error");
    if (error != null) {
      throw new LockdownServiceException(SERVICE, command, error, InstalledApp.string(reply, "ErrorDescription"));
    }
    return reply;
  }

  private static InstalledApp app(NSObject entry, String field) throws DtxProtocolException {
    if (!(entry instanceof NSDictionary d)) {
      throw new DtxProtocolException(field + " entry", "a dictionary",
          entry == null ? "null" : entry.getClass().getSimpleName(), DtxProtocolException.UNKNOWN_OFFSET);
    }
    try {
      return InstalledApp.from(d);
    } catch (IllegalArgumentException e) {
      throw new DtxProtocolException(field + " entry", e.getMessage(), DtxProtocolException.UNKNOWN_OFFSET, false,
          e);
    }
  }

  private static NSDictionary options(String applicationType, List<String> bundleIdentifiers) {
    NSDictionary options = new NSDictionary();
    if (applicationType != null) {
      options.put("ApplicationType", applicationType);
    }
    if (bundleIdentifiers != null && !bundleIdentifiers.isEmpty()) {
      NSArray ids = new NSArray(bundleIdentifiers.size());
      for (int i = 0; i < bundleIdentifiers.size(); i++) {
        ids.setValue(i, new NSString(bundleIdentifiers.get(i)));
      }
      options.put("BundleIDs", ids);
    }
    NSArray attributes = new NSArray(DEFAULT_ATTRIBUTES.size());
    for (int i = 0; i < DEFAULT_ATTRIBUTES.size(); i++) {
      attributes.setValue(i, new NSString(DEFAULT_ATTRIBUTES.get(i)));
    }
    options.put("ReturnAttributes", attributes);
    return options;
  }

  /** Closes the stream. */
  @Override
  public void close() {
    connection.close();
  }
}
