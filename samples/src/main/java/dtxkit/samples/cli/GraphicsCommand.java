package dtxkit.samples.cli;

import dtxkit.services.graphics.GraphicsSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit graphics}: the graphics counters (Core Animation frames per second, GPU utilization) from the
 * {@code Instruments} facade's stream, one line per sample, until Ctrl-C or a bound; {@code --chart} draws them.
 */
@Command(name = "graphics", mixinStandardHelpOptions = true,
    description = "Stream frames per second and GPU utilization (the graphics counters).")
final class GraphicsCommand extends DeviceCommand {
  @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
      description = "Milliseconds between samples (default ${DEFAULT-VALUE}).")
  long intervalMillis;

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "When the run ends, draw frames per second and GPU utilization over time to this PNG.")
  Path chart;

  @Mixin StreamOptions bounds;

  @Override
  void validate() {
    if (intervalMillis <= 0) {
      throw usage("--interval must be positive, not " + intervalMillis);
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    TimeChart drawing = chart == null ? null
        : new TimeChart("graphics: " + session.peerInfo().productType() + " " + session.peerInfo().udid())
            .panel("fps", "frames per second").panel("gpu", "GPU utilization %");
    long start = System.nanoTime();
    EventPump<GraphicsSample> pump = new EventPump<GraphicsSample>().until(session.instruments());
    Runnable stop = pump.subscribe(session.facade().graphics(Duration.ofMillis(intervalMillis)));
    EventPump.Stop why;
    try {
      why = pump.drain(bounds, s -> true, s -> {
        if (drawing != null) {
          double t = (System.nanoTime() - start) / 1e9;
          add(drawing, "fps", "frames per second", t, s.framesPerSecond());
          add(drawing, "gpu", "device", t, s.deviceUtilization());
          add(drawing, "gpu", "renderer", t, s.rendererUtilization());
          add(drawing, "gpu", "tiler", t, s.tilerUtilization());
        }
        if (json()) {
          Output.printJson(out, Output.object("framesPerSecond", s.framesPerSecond(), "deviceUtilization",
              s.deviceUtilization(), "rendererUtilization", s.rendererUtilization(), "tilerUtilization",
              s.tilerUtilization(), "timestamp", s.timestamp()));
        } else {
          out.println(String.format(Locale.ROOT, "fps %5.1f  gpu device %5.1f%%  renderer %5.1f%%  tiler %5.1f%%",
              s.framesPerSecond(), s.deviceUtilization(), s.rendererUtilization(), s.tilerUtilization()));
          out.flush();
        }
      });
    } finally {
      stop.run();
    }
    if (drawing != null) {
      try {
        drawing.writePng(chart, TimeChart.WIDTH, TimeChart.HEIGHT);
        spec.commandLine().getErr().println("dtxkit: wrote the chart of the run to " + chart.toAbsolutePath());
        spec.commandLine().getErr().flush();
      } catch (IOException e) {
        throw new CliException("cannot write the chart to " + chart.toAbsolutePath() + ": "
            + ScreenshotCommand.reason(e), e);
      }
    }
    if (session.interrupted()) {
      return 0;
    }
    if (why == EventPump.Stop.CLOSED) {
      throw new CliException("the device closed the connection during graphics"
          + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
    }
    if (why == EventPump.Stop.ENDED) {
      throw new CliException("the device ended the graphics stream (it closed the channel)");
    }
    return 0;
  }

  /** A counter the device did not send reads -1: left out of the chart. */
  private static void add(TimeChart drawing, String panel, String series, double t, double value) {
    if (value >= 0) {
      drawing.add(panel, series, t, value);
    }
  }
}
