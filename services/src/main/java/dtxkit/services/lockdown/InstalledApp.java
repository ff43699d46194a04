package dtxkit.services.lockdown;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One app as {@code installation_proxy} describes it ({@code Browse}, {@code Lookup}).
 *
 * @param bundleIdentifier {@code CFBundleIdentifier}
 * @param name {@code CFBundleDisplayName}, else {@code CFBundleName}, or null
 * @param version {@code CFBundleShortVersionString}, or null
 * @param type {@code ApplicationType}: {@code System}, {@code User}, {@code Internal}...; or null
 * @param path {@code Path}: the bundle on the device, or null
 * @param container {@code Container}: the app's data container (user apps), or null
 * @param attributes every attribute the device sent, converted to Java values (strings, numbers, booleans, byte
 *     arrays, dates, lists, maps)
 */
public record InstalledApp(String bundleIdentifier, String name, String version, String type, String path,
    String container, Map<String, Object> attributes) {

  /**
   * Checks the bundle identifier and copies the attributes.
   *
   * @param bundleIdentifier {@code CFBundleIdentifier}
   * @param name the display name, or null
   * @param version the short version, or null
   * @param type the application type, or null
   * @param path the bundle path, or null
   * @param container the data container, or null
   * @param attributes every attribute
   */
  public InstalledApp {
    Objects.requireNonNull(bundleIdentifier, "bundleIdentifier");
    attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * Reads one entry of {@code CurrentList} or {@code LookupResult}.
   *
   * @param entry the dictionary
   * @return the app
   * @throws IllegalArgumentException it has no {@code CFBundleIdentifier} string
   */
  public static InstalledApp from(NSDictionary entry) {
    String id = string(entry, "CFBundleIdentifier");
    if (id == null) {
      throw new IllegalArgumentException("an app entry without CFBundleIdentifier: keys " + entry.keySet());
    }
    String name = string(entry, "CFBundleDisplayName");
    if (name == null) {
      name = string(entry, "CFBundleName");
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, NSObject> e : entry.entrySet()) {
      attributes.put(e.getKey(), e.getValue() == null ? null : e.getValue().toJavaObject());
    }
    return new InstalledApp(id, name, string(entry, "CFBundleShortVersionString"), string(entry, "ApplicationType"),
        string(entry, "Path"), string(entry, "Container"), attributes);
  }

  /**
   * The bundle's executable, {@code CFBundleExecutable} (the name a test runner runs as, e.g.
   * {@code WebDriverAgentRunner-Runner}).
   *
   * @return the executable name, or null when the device did not send it
   */
  public String executable() {
    return attributes.get("CFBundleExecutable") instanceof String s ? s : null;
  }

  static String string(NSDictionary d, String key) {
    NSObject value = d.get(key);
    return value instanceof NSString s ? s.getContent() : null;
  }
}
