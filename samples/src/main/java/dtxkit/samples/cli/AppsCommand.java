package dtxkit.samples.cli;

import dtxkit.services.applications.AppInfo;
import dtxkit.services.applications.ApplicationListing;
import java.io.PrintWriter;
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

  @Override
  int run(DeviceSession session, PrintWriter out) {
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
}
