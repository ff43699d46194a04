package dtxkit.samples.cli;

import dtxkit.services.sysmontap.SysmonProcessRow;
import dtxkit.services.sysmontap.SysmonSample;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit sysmon}: system and per-process CPU and memory from sysmontap (the {@code Instruments} facade's
 * stream), one sample per {@code --interval}, until Ctrl-C or a bound. The device's first sample carries no valid
 * CPU figures; it is not printed. A {@code --duration} shorter than two intervals still prints one sample: the
 * command waits past the duration for the first valid one (at most two intervals and five seconds more).
 */
@Command(name = "sysmon", mixinStandardHelpOptions = true,
    description = {"Stream system and process CPU/memory samples (sysmontap).",
        "The first sample comes one --interval after the start; a shorter --duration still waits for it."})
final class SysmonCommand extends DeviceCommand {
  @Option(names = "--pid", paramLabel = "P", description = "Only this process.")
  Integer pid;

  @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
      description = "Milliseconds between samples (default ${DEFAULT-VALUE}).")
  long intervalMillis;

  @Option(names = "--top", paramLabel = "N", defaultValue = "5",
      description = "Without --pid, how many of the busiest processes to show per sample (default ${DEFAULT-VALUE}).")
  int top;

  @Mixin StreamOptions bounds;

  @Override
  void validate() {
    if (intervalMillis <= 0) {
      throw usage("--interval must be positive, not " + intervalMillis);
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    EventPump<SysmonSample> pump = new EventPump<SysmonSample>().until(session.instruments());
    Runnable stop = pump.subscribe(session.facade().sysmon(Duration.ofMillis(intervalMillis)));
    EventPump.Stop why;
    int[] printed = {0};
    java.util.function.Consumer<SysmonSample> sink = s -> {
      if (s.valid()) {
        print(out, s);
        printed[0]++;
      }
    };
    try {
      why = pump.drain(bounds, SysmonSample::valid, sink);
      if (why == EventPump.Stop.DURATION && printed[0] == 0) {
        // The first valid sample comes one interval after the first (invalid) one: wait for it.
        why = pump.drain(StreamOptions.of(1, 2 * intervalMillis / 1000.0 + 5), SysmonSample::valid, sink);
      }
    } finally {
      stop.run();
    }
    if (session.interrupted()) {
      return 0; // Ctrl-C: the stream ended because the user asked
    }
    if (why == EventPump.Stop.CLOSED || !session.instruments().isOpen()) {
      throw new CliException("the device closed the connection during sysmon"
          + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
    }
    if (why == EventPump.Stop.ENDED) {
      throw new CliException("the device ended the sysmon stream (it closed the channel)");
    }
    session.flush(); // the stop went out before the connection closes
    return 0;
  }

  private void print(PrintWriter out, SysmonSample s) {
    List<SysmonProcessRow> rows;
    if (pid != null) {
      SysmonProcessRow row = s.process(pid);
      rows = row == null ? List.of() : List.of(row);
    } else {
      rows = new ArrayList<>(s.processes());
      rows.sort(Comparator.comparingDouble((SysmonProcessRow r) -> Double.isNaN(r.cpuUsage()) ? -1 : r.cpuUsage())
          .reversed().thenComparingInt(SysmonProcessRow::pid));
      if (!json()) {
        rows = rows.subList(0, Math.min(top, rows.size()));
      }
    }
    if (json()) {
      List<Object> processes = new ArrayList<>();
      for (SysmonProcessRow r : rows) {
        Map<String, Object> p = Output.object("pid", r.pid());
        r.attributes().forEach((k, v) -> p.putIfAbsent(k, v));
        processes.add(p);
      }
      Output.printJson(out, Output.object("cpuTotalLoad", s.cpuTotalLoad(), "cpuUserLoad", s.cpuUserLoad(),
          "cpuSystemLoad", s.cpuSystemLoad(), "cpuCount", s.cpuCount(), "processCount", s.processes().size(),
          "processes", processes));
      return;
    }
    out.println(String.format(Locale.ROOT, "cpu %5.1f%% (user %5.1f%%, system %5.1f%%) on %d cores, %d processes",
        s.cpuTotalLoad(), s.cpuUserLoad(), s.cpuSystemLoad(), s.cpuCount(), s.processes().size()));
    if (pid != null && rows.isEmpty()) {
      out.println("  pid " + pid + " is not running");
    }
    for (SysmonProcessRow r : rows) {
      out.println(String.format(Locale.ROOT, "  %6d  %-24s  cpu %5.1f%%  mem %s", r.pid(),
          r.name() == null ? "?" : r.name(), r.cpuUsage(), megabytes(r.physFootprint())));
    }
    out.flush();
  }

  static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
