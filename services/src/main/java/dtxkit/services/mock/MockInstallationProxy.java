package dtxkit.services.mock;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.lockdown.ServiceConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The mock's {@code com.apple.mobile.installation_proxy}: {@code Browse} (pages of {@value #PAGE} apps, then
 * {@code Complete}), {@code Lookup}, {@code Install} of an .ipa already in the device's file area (its
 * {@code Payload/NAME.app/Info.plist} says what it is) with the progress messages a device sends, and
 * {@code Uninstall}. Apps carry {@code Path} and, for user apps, {@code Container}, as on a device.
 */
final class MockInstallationProxy {
  static final int PAGE = 10;
  /** The largest Info.plist read from a package. */
  static final int MAX_INFO_PLIST = 1 << 20;

  private static final Pattern INFO_PLIST = Pattern.compile("Payload/[^/]+\\.app/Info\\.plist");
  private static final String[][] INSTALL_STEPS = {
    {"CreatingStagingDirectory", "5"}, {"ExtractingPackage", "15"}, {"InspectingPackage", "20"},
    {"TakingInstallLock", "20"}, {"PreflightingApplication", "30"}, {"InstallingEmbeddedProfile", "30"},
    {"VerifyingApplication", "40"}, {"CreatingContainer", "50"}, {"InstallingApplication", "60"},
    {"PostflightingApplication", "70"}, {"SandboxingApplication", "80"}, {"GeneratingApplicationMap", "90"},
  };
  private static final String[][] UNINSTALL_STEPS = {
    {"RemovingApplication", "50"}, {"GeneratingApplicationMap", "90"},
  };

  private final DeviceState state;

  MockInstallationProxy(DeviceState state) {
    this.state = state;
  }

  /** Serves one client until it closes. */
  void serve(ServiceConnection connection) throws IOException {
    try {
      while (true) {
        NSDictionary request;
        try {
          request = connection.receive();
        } catch (EOFException closed) {
          return;
        }
        String command = MockImageMounter.string(request, "Command");
        NSDictionary options = request.get("ClientOptions") instanceof NSDictionary d ? d : new NSDictionary();
        switch (command == null ? "" : command) {
          case "Browse" -> browse(connection, options);
          case "Lookup" -> lookup(connection, options);
          case "Install", "Upgrade" -> install(connection, MockImageMounter.string(request, "PackagePath"));
          case "Uninstall" -> uninstall(connection, MockImageMounter.string(request, "ApplicationIdentifier"));
          default -> connection.send(error("UnknownCommand", "unknown command " + command));
        }
      }
    } finally {
      connection.close();
    }
  }

  private void browse(ServiceConnection connection, NSDictionary options) throws IOException {
    List<NSDictionary> apps = matching(options, null);
    for (int start = 0; start < apps.size(); start += PAGE) {
      int end = Math.min(apps.size(), start + PAGE);
      NSArray page = new NSArray(end - start);
      for (int i = start; i < end; i++) {
        page.setValue(i - start, apps.get(i));
      }
      NSDictionary reply = new NSDictionary();
      reply.put("CurrentIndex", start);
      reply.put("CurrentAmount", end - start);
      reply.put("Total", apps.size());
      reply.put("CurrentList", page);
      reply.put("Status", "BrowsingApplications");
      connection.send(reply);
    }
    NSDictionary done = new NSDictionary();
    done.put("Status", "Complete");
    connection.send(done);
  }

  private void lookup(ServiceConnection connection, NSDictionary options) throws IOException {
    Set<String> ids = null;
    if (options.get("BundleIDs") instanceof NSArray array) {
      ids = new HashSet<>();
      for (NSObject o : array.getArray()) {
        if (o instanceof NSString s) {
          ids.add(s.getContent());
        }
      }
    }
    NSDictionary result = new NSDictionary();
    for (NSDictionary app : matching(options, ids)) {
      result.put(((NSString) app.get("CFBundleIdentifier")).getContent(), app);
    }
    NSDictionary reply = new NSDictionary();
    reply.put("LookupResult", result);
    reply.put("Status", "Complete");
    connection.send(reply);
  }

  private List<NSDictionary> matching(NSDictionary options, Set<String> ids) {
    String type = MockImageMounter.string(options, "ApplicationType");
    Set<String> attributes = null;
    if (options.get("ReturnAttributes") instanceof NSArray array) {
      attributes = new HashSet<>();
      for (NSObject o : array.getArray()) {
        if (o instanceof NSString s) {
          attributes.add(s.getContent());
        }
      }
    }
    List<NSDictionary> result = new ArrayList<>();
    for (AppInfo app : state.apps()) {
      String appType = applicationType(app);
      if (appType == null || (ids != null && !ids.contains(app.bundleIdentifier()))) {
        continue;
      }
      if (type != null && !type.equals("Any") && !type.equals(appType)) {
        continue;
      }
      Map<String, Object> all = attributes(app, appType);
      NSDictionary entry = new NSDictionary();
      for (Map.Entry<String, Object> e : all.entrySet()) {
        if (attributes == null || attributes.contains(e.getKey()) || e.getKey().equals("CFBundleIdentifier")) {
          entry.put(e.getKey(), e.getValue());
        }
      }
      result.add(entry);
    }
    return result;
  }

  /** installation_proxy lists apps, not extensions: null for a plug-in. */
  private static String applicationType(AppInfo app) {
    if ("PluginKit".equals(app.type())) {
      return null;
    }
    return "User".equals(app.type()) ? "User" : "System";
  }

  private static Map<String, Object> attributes(AppInfo app, String type) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("CFBundleIdentifier", app.bundleIdentifier());
    a.put("ApplicationType", type);
    if (app.displayName() != null) {
      a.put("CFBundleDisplayName", app.displayName());
      a.put("CFBundleName", app.displayName());
    }
    if (app.executableName() != null) {
      a.put("CFBundleExecutable", app.executableName());
    }
    String version = app.version() == null ? "1.0" : app.version();
    a.put("CFBundleShortVersionString", version);
    a.put("CFBundleVersion", version);
    if (app.bundlePath() != null) {
      a.put("Path", app.bundlePath());
    }
    String container = "System".equals(type) ? null : container(app.bundleIdentifier());
    if (container != null) {
      a.put("Container", container);
      a.put("EnvironmentVariables", Map.of("HOME", container, "TMPDIR", container + "/tmp",
          "CFFIXED_USER_HOME", container));
    }
    a.put("IsAppClip", false);
    a.put("UIDeviceFamily", List.of(1));
    return a;
  }

  /** The data container of a user app: a stable path per bundle identifier. */
  static String container(String bundleIdentifier) {
    return "/private/var/mobile/Containers/Data/Application/"
        + uuid("container:" + bundleIdentifier);
  }

  static String bundlePath(String bundleIdentifier, String executable) {
    return "/private/var/containers/Bundle/Application/" + uuid("bundle:" + bundleIdentifier) + "/" + executable
        + ".app";
  }

  private static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(java.util.Locale.ROOT);
  }

  private void install(ServiceConnection connection, String packagePath) throws IOException {
    if (packagePath == null) {
      connection.send(error("MissingPackagePath", "Install needs a PackagePath"));
      return;
    }
    byte[] ipa = state.file(packagePath);
    if (ipa == null) {
      connection.send(error("PackageExtractionFailed", "Could not open " + packagePath
          + ": No such file or directory (upload it to PublicStaging first)"));
      return;
    }
    NSDictionary info;
    try {
      info = infoPlist(ipa);
    } catch (IOException | RuntimeException e) {
      connection.send(error("PackageInspectionFailed", "Failed to read Payload/*.app/Info.plist from "
          + packagePath + ": " + e.getMessage()));
      return;
    }
    String id = MockImageMounter.string(info, "CFBundleIdentifier");
    String executable = MockImageMounter.string(info, "CFBundleExecutable");
    if (id == null || executable == null) {
      connection.send(error("PackageInspectionFailed", "Info.plist of " + packagePath
          + " lacks CFBundleIdentifier or CFBundleExecutable"));
      return;
    }
    AppInfo existing = state.app(id);
    if (existing != null && !"User".equals(existing.type())) {
      connection.send(error("ApplicationVerificationFailed", id + " is a system app and cannot be replaced"));
      return;
    }
    for (String[] step : INSTALL_STEPS) {
      connection.send(progress(step[0], Integer.parseInt(step[1])));
    }
    String name = MockImageMounter.string(info, "CFBundleDisplayName");
    if (name == null) {
      name = MockImageMounter.string(info, "CFBundleName");
    }
    String version = MockImageMounter.string(info, "CFBundleShortVersionString");
    state.installApp(new AppInfo(id, name == null ? executable : name, executable, bundlePath(id, executable),
        version == null ? "1.0" : version, "User", false, false, null, null));
    NSDictionary done = new NSDictionary();
    done.put("Status", "Complete");
    connection.send(done);
  }

  private void uninstall(ServiceConnection connection, String bundleIdentifier) throws IOException {
    if (bundleIdentifier == null) {
      connection.send(error("MissingApplicationIdentifier", "Uninstall needs an ApplicationIdentifier"));
      return;
    }
    AppInfo app = state.app(bundleIdentifier);
    if (app != null && !"User".equals(app.type())) {
      connection.send(error("UninstallProhibited", bundleIdentifier + " is a system app"));
      return;
    }
    for (String[] step : UNINSTALL_STEPS) {
      connection.send(progress(step[0], Integer.parseInt(step[1])));
    }
    state.uninstallApp(bundleIdentifier);
    NSDictionary done = new NSDictionary();
    done.put("Status", "Complete");
    connection.send(done);
  }

  /** The app's Info.plist from an .ipa (a zip with {@code Payload/NAME.app/Info.plist}). */
  static NSDictionary infoPlist(byte[] ipa) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(ipa))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (INFO_PLIST.matcher(e.getName()).matches()) {
          byte[] bytes = readBounded(zip, MAX_INFO_PLIST);
          try {
            if (dtxkit.runtime.internal.QuietPlists.parse(bytes) instanceof NSDictionary d) {
              return d;
            }
          } catch (Exception ex) {
            throw new IOException("Info.plist does not parse: " + ex.getMessage(), ex);
          }
          throw new IOException("Info.plist is not a dictionary");
        }
      }
    }
    throw new IOException("no Payload/NAME.app/Info.plist in the package");
  }

  private static byte[] readBounded(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int r; (r = in.read(buffer)) >= 0; ) {
      if (out.size() + r > max) {
        throw new IOException("Info.plist is over " + max + " bytes");
      }
      out.write(buffer, 0, r);
    }
    return out.toByteArray();
  }

  private static NSDictionary progress(String status, int percent) {
    NSDictionary d = new NSDictionary();
    d.put("Status", status);
    d.put("PercentComplete", percent);
    return d;
  }

  private static NSDictionary error(String error, String description) {
    NSDictionary d = new NSDictionary();
    d.put("Error", error);
    d.put("ErrorDescription", description);
    return d;
  }
}
