package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnectionClosedException;
import dtxkit.services.energy.Energy;
import dtxkit.services.energy.EnergySample;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dtxkit energy PID...}: energy cost per process (the debug-gauge Energy provider), polled every
 * {@code --interval} until Ctrl-C or a bound; {@code --count} counts polls.
 */
@Command(name = "energy", mixinStandardHelpOptions = true, description = "Sample the energy cost of processes.")
final class EnergyCommand extends DeviceCommand {
  @Parameters(arity = "1..*", paramLabel = "PID", description = "The processes to sample.")
  List<Integer> pids = new ArrayList<>();

  @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
      description = "Milliseconds between samples (default ${DEFAULT-VALUE}).")
  long intervalMillis;

  @Mixin StreamOptions bounds;

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "When the run ends, draw each process's energy cost (total, CPU, GPU) over time to this PNG.")
  java.nio.file.Path chart;

  private TimeChart drawing;
  private long chartStart;

  @Override
  void validate() {
    if (intervalMillis <= 0) {
      throw usage("--interval must be positive, not " + intervalMillis);
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    Energy energy = session.instruments().open(Energy.class);
    energy.startSamplingForPids(pids);
    if (!json()) {
      out.println(String.format(Locale.ROOT, "%6s  %8s  %8s  %8s  %8s  %8s  %8s  %8s", "PID", "COST", "CPU", "GPU", "NET",
          "DISPLAY", "LOCATION", "OVERHEAD"));
      out.flush();
    }
    if (chart != null) {
      drawing = new TimeChart("energy: " + session.peerInfo().productType() + " " + session.peerInfo().udid())
          .panel("cost", "energy cost").panel("parts", "CPU / GPU cost");
      chartStart = System.nanoTime();
    }
    Instant deadline = bounds.deadline();
    long polls = 0;
    try {
      while (!bounds.countReached(polls) && (deadline == null || Instant.now().isBefore(deadline))) {
        if (polls > 0) {
          long wait = intervalMillis;
          if (deadline != null) {
            wait = Math.min(wait, Math.max(0, deadline.toEpochMilli() - System.currentTimeMillis()));
          }
          Thread.sleep(wait);
          if (deadline != null && !Instant.now().isBefore(deadline)) {
            break;
          }
        }
        Map<Object, Map<String, Object>> reply = energy.sampleAttributes(Map.of(), pids);
        polls++;
        for (Map.Entry<Object, Map<String, Object>> e : reply.entrySet()) {
          print(out, EnergySample.of(pid(e.getKey()), e.getValue()));
        }
      }
      energy.stopSamplingForPids(pids);
      session.flush();
    } catch (DtxConnectionClosedException e) {
      if (!session.interrupted()) {
        throw e;
      }
    }
    writeChart();
    return 0;
  }

  /** The device keys the reply by pid, as a number or its decimal string. */
  private static int pid(Object key) {
    if (key instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(String.valueOf(key));
    } catch (NumberFormatException e) {
      throw new CliException("the device keyed an energy sample by '" + key + "', not a pid");
    }
  }

  private void writeChart() {
    if (drawing == null) {
      return;
    }
    try {
      drawing.writePng(chart, TimeChart.WIDTH, TimeChart.HEIGHT);
      spec.commandLine().getErr().println("dtxkit: wrote the chart of the run to " + chart.toAbsolutePath());
      spec.commandLine().getErr().flush();
    } catch (java.io.IOException e) {
      throw new CliException("cannot write the chart to " + chart.toAbsolutePath() + ": "
          + ScreenshotCommand.reason(e), e);
    }
  }

  private void print(PrintWriter out, EnergySample s) {
    if (drawing != null) {
      double t = (System.nanoTime() - chartStart) / 1e9;
      drawing.add("cost", "pid " + s.pid(), t, s.cost());
      drawing.add("parts", "pid " + s.pid() + " CPU", t, s.cpuCost());
      drawing.add("parts", "pid " + s.pid() + " GPU", t, s.gpuCost());
    }
    if (json()) {
      Output.printJson(out, Output.object("pid", s.pid(), "cost", s.cost(), "cpuCost", s.cpuCost(), "gpuCost",
          s.gpuCost(), "networkingCost", s.networkingCost(), "displayCost", s.displayCost(), "locationCost",
          s.locationCost(), "overhead", s.overhead(), "attributes", s.attributes()));
      return;
    }
    out.println(String.format(Locale.ROOT, "%6d  %8.2f  %8.2f  %8.2f  %8.2f  %8.2f  %8.2f  %8.2f", s.pid(), s.cost(), s.cpuCost(),
        s.gpuCost(), s.networkingCost(), s.displayCost(), s.locationCost(), s.overhead()));
    out.flush();
  }
}
