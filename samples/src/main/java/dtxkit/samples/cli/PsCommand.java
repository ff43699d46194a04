package dtxkit.samples.cli;

import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dtxkit ps}: the device's running processes (deviceinfo {@code runningProcesses}). */
@Command(name = "ps", mixinStandardHelpOptions = true, description = "List the running processes.")
final class PsCommand extends DeviceCommand {
  @Option(names = "--apps", description = "Only applications.")
  boolean appsOnly;

  @Override
  int run(DeviceSession session, PrintWriter out) {
    List<ProcessInfo> processes = session.instruments().open(DeviceInfo.class).runningProcesses().stream()
        .filter(p -> !appsOnly || Boolean.TRUE.equals(p.isApplication()))
        .sorted(Comparator.comparingInt(ProcessInfo::pid))
        .toList();
    if (json()) {
      for (ProcessInfo p : processes) {
        Output.printJson(out, toJson(p));
      }
      return 0;
    }
    Output.Table table = new Output.Table("PID", "NAME", "BUNDLE", "STARTED");
    for (ProcessInfo p : processes) {
      table.row(p.pid(), p.name(), p.bundleIdentifier(), p.startDate());
    }
    table.print(out);
    return 0;
  }

  static java.util.Map<String, Object> toJson(ProcessInfo p) {
    return Output.object("pid", p.pid(), "name", p.name(), "realAppName", p.realAppName(),
        "bundleIdentifier", p.bundleIdentifier(), "startDate", p.startDate(), "isApplication", p.isApplication());
  }
}
