package dtxkit.samples.cli;

import dtxkit.services.applications.AppInfo;
import dtxkit.services.applications.ApplicationListing;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.lockdown.LockdownServiceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dtxkit apps}: installed applications (device.applictionListing, Apple's spelling). */
@Command(name = "apps", mixinStandardHelpOptions = true, description = "List the installed applications.")
final class AppsCommand extends DeviceCommand {
  @Option(names = "--type", paramLabel = "TYPE", description = "Only this type (e.g. User, System, PluginKit).")
  String type;

  @Option(names = "--lockdown",
      description = "List through installation_proxy (lockdown), with bundle paths and data containers;"
          + " needs --usb (or --mock).")
  boolean lockdown;

  @Override
  int run(DeviceSession session, PrintWriter out) throws IOException {
    if (lockdown) {
      return runLockdown(session, out);
    }
    List<AppInfo> apps = session.instruments().open(ApplicationListing.class)
        .installedApplicationsMatching(Map.of(), "").stream()
        .filter(a -> type == null || type.equalsIgnoreCase(a.type()))
        .sorted(Comparator.comparing(a -> a.bundleIdentifier() == null ? "" : a.bundleIdentifier()))
        .toList();
    if (json()) {
      for (AppInfo a : apps) {
        Output.printJson(out, Output.object("bundleIdentifier", a.bundleIdentifier(), "displayName",
            a.displayName(), "executableName", a.executableName(), "bundlePath", a.bundlePath(), "version",
            a.version(), "type", a.type(), "placeholder", a.placeholder(), "restricted", a.restricted(),
            "pluginIdentifier", a.pluginIdentifier(), "containerBundleIdentifier", a.containerBundleIdentifier()));
      }
      return 0;
    }
    Output.Table table = new Output.Table("BUNDLE", "NAME", "VERSION", "TYPE");
    for (AppInfo a : apps) {
      table.row(a.bundleIdentifier(), a.displayName(), a.version(), a.type());
    }
    table.print(out);
    return 0;
  }

  private int runLockdown(DeviceSession session, PrintWriter out) throws IOException {
    InstallationProxy proxy = new InstallationProxy(session.startService(InstallationProxy.SERVICE));
    List<InstalledApp> apps;
    try {
      apps = proxy.browse(type == null ? "Any" : type.substring(0, 1).toUpperCase(Locale.ROOT)
          + type.substring(1).toLowerCase(Locale.ROOT)).stream()
          .sorted(Comparator.comparing(InstalledApp::bundleIdentifier)).toList();
    } catch (LockdownServiceException e) {
      throw new CliException("installation_proxy refused to list apps: " + e.getMessage(), e);
    }
    if (json()) {
      for (InstalledApp a : apps) {
        Output.printJson(out, Output.object("bundleIdentifier", a.bundleIdentifier(), "name", a.name(),
            "version", a.version(), "type", a.type(), "path", a.path(), "container", a.container()));
      }
      return 0;
    }
    Output.Table table = new Output.Table("BUNDLE", "NAME", "VERSION", "TYPE", "PATH", "CONTAINER");
    for (InstalledApp a : apps) {
      table.row(a.bundleIdentifier(), a.name(), a.version(), a.type(), a.path(), a.container());
    }
    table.print(out);
    return 0;
  }
}
