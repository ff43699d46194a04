package dtxkit.services.mock;

import dtxkit.services.applications.AppInfo;
import dtxkit.services.applications.ApplicationListing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The mock device's application listing: the catalogue, filtered by equality on the keys of {@code matching}. */
final class MockApplicationListing implements ApplicationListing {

  private final DeviceState state;

  MockApplicationListing(DeviceState state) {
    this.state = state;
  }

  @Override
  public List<AppInfo> installedApplicationsMatching(Map<String, Object> matching, String updateToken) {
    List<AppInfo> result = new ArrayList<>();
    for (AppInfo app : state.apps()) {
      Map<String, Object> fields = fields(app);
      boolean matches = true;
      if (matching != null) {
        for (Map.Entry<String, Object> wanted : matching.entrySet()) {
          matches &= Objects.equals(fields.get(wanted.getKey()), wanted.getValue());
        }
      }
      if (matches) {
        result.add(app);
      }
    }
    return result;
  }

  /** The app as the device's dictionary keys it (the {@code @Key}s of {@link AppInfo}), to match against. */
  private static Map<String, Object> fields(AppInfo app) {
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("CFBundleIdentifier", app.bundleIdentifier());
    fields.put("DisplayName", app.displayName());
    fields.put("ExecutableName", app.executableName());
    fields.put("BundlePath", app.bundlePath());
    fields.put("Version", app.version());
    fields.put("Type", app.type());
    fields.put("Placeholder", app.placeholder());
    fields.put("Restricted", app.restricted());
    fields.put("PluginIdentifier", app.pluginIdentifier());
    fields.put("ContainerBundleIdentifier", app.containerBundleIdentifier());
    return fields;
  }

  /**
   * The user apps every mock device has installed, as Xcode leaves them: an app under test and two UI-test runners
   * (a plain one and WebDriverAgent's), each runner with its {@code .xctest} bundle under {@code PlugIns}.
   */
  static List<AppInfo> testApps() {
    String[][] apps = {
      {MockDevice.EXAMPLE_APP, "Example", "Example"},
      {MockDevice.UI_TESTS_RUNNER, "UITests-Runner", "UITests-Runner"},
      {MockDevice.WDA_RUNNER, "WebDriverAgentRunner-Runner", "WebDriverAgentRunner-Runner"},
    };
    List<AppInfo> list = new ArrayList<>();
    for (String[] a : apps) {
      list.add(new AppInfo(a[0], a[1], a[2], MockInstallationProxy.bundlePath(a[0], a[2]), "1.0", "User", false,
          false, null, null));
    }
    return list;
  }

  /** The system apps of an iOS 17 iPhone, and one extension. */
  static List<AppInfo> defaultCatalogue() {
    String[][] apps = {
      {"com.apple.mobilesafari", "Safari", "MobileSafari"},
      {"com.apple.Preferences", "Settings", "Preferences"},
      {"com.apple.MobileSMS", "Messages", "MobileSMS"},
      {"com.apple.mobileslideshow", "Photos", "MobileSlideShow"},
      {"com.apple.camera", "Camera", "Camera"},
      {"com.apple.Maps", "Maps", "Maps"},
      {"com.apple.mobilemail", "Mail", "MobileMail"},
      {"com.apple.mobilecal", "Calendar", "MobileCal"},
      {"com.apple.mobilenotes", "Notes", "MobileNotes"},
      {"com.apple.reminders", "Reminders", "Reminders"},
      {"com.apple.weather", "Weather", "Weather"},
      {"com.apple.AppStore", "App Store", "AppStore"},
      {"com.apple.Health", "Health", "Health"},
      {"com.apple.mobilephone", "Phone", "MobilePhone"},
      {"com.apple.calculator", "Calculator", "Calculator"},
    };
    List<AppInfo> list = new ArrayList<>();
    for (String[] a : apps) {
      list.add(new AppInfo(a[0], a[1], a[2], "/Applications/" + a[2] + ".app", "1.0", "System", false, false,
          null, null));
    }
    list.add(new AppInfo("com.apple.mobilesafari.SafariWidgetExtension", "Safari", "SafariWidgetExtension",
        "/Applications/MobileSafari.app/PlugIns/SafariWidgetExtension.appex", "1.0", "PluginKit", false,
        false, "com.apple.mobilesafari.SafariWidgetExtension", "com.apple.mobilesafari"));
    return list;
  }
}
