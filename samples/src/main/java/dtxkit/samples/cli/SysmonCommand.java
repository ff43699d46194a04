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

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "When the run ends, draw system CPU and the top processes' CPU and memory over time to this PNG.")
  java.nio.file.Path chart;

  /** How many processes the chart draws in each panel (the busiest by mean CPU, the largest by peak memory). */
  static final int CHART_PROCESSES = 5;

  private TimeChart drawing;
  private final Map<String, double[]> cpuTotals = new java.util.HashMap<>();
  private final Map<String, Double> memoryPeaks = new java.util.HashMap<>();
  private long chartStart;

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
    if (chart != null) {
      drawing = new TimeChart("sysmon: " + session.peerInfo().productType() + " " + session.peerInfo().udid())
          .panel("cpu", "CPU %").panel("memory", "memory (MiB)");
      chartStart = System.nanoTime();
    }
    java.util.function.Consumer<SysmonSample> sink = s -> {
      if (s.valid()) {
        print(out, s);
        record(s);
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
      writeChart();
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

  /** Adds one sample to the chart: system CPU, every process's CPU and memory (trimmed to the top ones at the end). */
  private void record(SysmonSample s) {
    if (drawing == null) {
      return;
    }
    double t = (System.nanoTime() - chartStart) / 1e9;
    drawing.add("cpu", "system total", t, s.cpuTotalLoad());
    for (SysmonProcessRow r : s.processes()) {
      if (pid != null && r.pid() != pid) {
        continue;
      }
      String name = (r.name() == null ? "?" : r.name()) + " (" + r.pid() + ")";
      if (!Double.isNaN(r.cpuUsage())) {
        drawing.add("cpu", name, t, r.cpuUsage());
        double[] sum = cpuTotals.computeIfAbsent(name, k -> new double[1]);
        sum[0] += r.cpuUsage();
      }
      if (r.physFootprint() >= 0) {
        double mib = r.physFootprint() / (1024.0 * 1024.0);
        drawing.add("memory", name, t, mib);
        memoryPeaks.merge(name, mib, Math::max);
      }
    }
  }

  /** Writes the chart (the top processes only), saying where on standard error. */
  private void writeChart() {
    if (drawing == null) {
      return;
    }
    java.util.List<String> busiest = cpuTotals.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(CHART_PROCESSES)
        .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    busiest.add(0, "system total");
    drawing.retain("cpu", busiest);
    drawing.retain("memory", memoryPeaks.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(CHART_PROCESSES)
        .map(Map.Entry::getKey).toList());
    try {
      drawing.writePng(chart, TimeChart.WIDTH, TimeChart.HEIGHT);
      chartWritten = chart.toAbsolutePath();
      if (spec != null) {
        spec.commandLine().getErr().println("dtxkit: wrote the chart of the run to " + chartWritten);
        spec.commandLine().getErr().flush();
      }
    } catch (java.io.IOException e) {
      throw new CliException("cannot write the chart to " + chart.toAbsolutePath() + ": "
          + ScreenshotCommand.reason(e), e);
    }
  }

  /** Where the chart went, once written (null before or without --chart). */
  java.nio.file.Path chartWritten;

  static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
