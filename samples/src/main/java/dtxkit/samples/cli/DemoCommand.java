package dtxkit.samples.cli;

import dtxkit.runtime.rsd.PeerInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit demo}: starts a mock device in this process and runs the tool's commands against it, one step at a
 * time, saying what each does. Every step goes over the real stack (RSD over HTTP/2 and RemoteXPC, then DTX).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Walk through the Instruments catalogue against a mock device started in this process.")
final class DemoCommand implements Callable<Integer> {
  static final String DEMO_APP = "com.apple.mobilesafari";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-o", "--screenshot"}, paramLabel = "FILE",
      description = "Where to write the screenshot (default: dtxkit-demo-screenshot.png in the temporary directory).")
  Path screenshot;

  @Option(names = "--chart", paramLabel = "FILE.png",
      description = "Where to write the chart of the sysmon step (default: dtxkit-demo-sysmon.png beside the"
          + " screenshot).")
  Path chart;

  @Option(names = "--sysmon-seconds", paramLabel = "SECONDS", defaultValue = "3",
      description = "How long to show sysmon samples (default ${DEFAULT-VALUE}).")
  double sysmonSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path file = screenshot != null ? screenshot
        : Path.of(System.getProperty("java.io.tmpdir"), "dtxkit-demo-screenshot.png");
    out.println("dtxkit demo: starting a mock iPhone in this process and talking to it as to a real one.");
    out.flush();
    try (DeviceSession session = MockSessions.start().closeOnShutdown()) {
      PeerInfo info = session.peerInfo();
      String rsd = "--rsd " + session.rsd().address().getHostAddress() + " " + session.rsdPort();

      step(out, 1, "Device info from RemoteServiceDiscovery (dtxkit rsd info " + rsd + ")");
      out.println("UDID:          " + info.udid());
      out.println("Product type:  " + info.productType());
      out.println("OS version:    " + info.osVersion() + " (" + info.buildVersion() + ")");
      out.println("Services:      " + info.services().size() + ", Instruments on port "
          + info.service(DeviceSession.DTSERVICEHUB).port());

      step(out, 2, "Running processes (dtxkit ps " + rsd + ")");
      command(new PsCommand()).run(session, out);

      step(out, 3, "Launching " + DEMO_APP + " with an argument and an environment variable; its output follows"
          + " (dtxkit launch " + DEMO_APP + " --arg --demo --env DTXKIT_DEMO=1 --follow)");
      LaunchCommand launch = command(new LaunchCommand());
      launch.bundle = DEMO_APP;
      launch.args = List.of("--demo");
      launch.env = Map.of("DTXKIT_DEMO", "1");
      launch.killExisting = true;
      launch.follow = true;
      launch.bounds = bounds(3, 3.0);
      launch.run(session, out);

      step(out, 4, "Killing pid " + launch.launchedPid + "; the device calls back when it has ended (dtxkit kill "
          + launch.launchedPid + ")");
      KillCommand kill = command(new KillCommand());
      kill.pid = launch.launchedPid;
      kill.waitSeconds = 5;
      kill.run(session, out);

      step(out, 5, "A screenshot (dtxkit screenshot -o " + file + ")");
      ScreenshotCommand shot = command(new ScreenshotCommand());
      shot.file = file;
      shot.run(session, out);

      step(out, 6, "System monitor for " + sysmonSeconds + " s, the busiest processes of each sample (dtxkit sysmon"
          + " --interval 500 --duration " + sysmonSeconds + " --chart FILE.png)");
      SysmonCommand sysmon = command(new SysmonCommand());
      sysmon.intervalMillis = 500;
      sysmon.top = 3;
      sysmon.bounds = bounds(null, sysmonSeconds);
      sysmon.chart = chart != null ? chart : file.resolveSibling("dtxkit-demo-sysmon.png");
      sysmon.run(session, out);
      out.println("A chart of this run (system CPU, the busiest processes' CPU and memory): " + sysmon.chartWritten);

      out.println();
      out.println("Done: that was dtxkit's mock device. Point the same commands at an iPhone on a cable: dtxkit"
          + " devices, then dtxkit ps --usb (iOS 16 and earlier; pair first with dtxkit pair), or for iOS 17+"
          + " through a tunnel: dtxkit ps --tunneld, or dtxkit ps --rsd HOST PORT; dtxkit help lists them all.");
      out.flush();
    }
    return 0;
  }

  private static <T extends DeviceCommand> T command(T command) {
    command.output = new Output();
    command.device = new DeviceOptions();
    return command;
  }

  private static StreamOptions bounds(Integer count, Double seconds) {
    StreamOptions bounds = new StreamOptions();
    bounds.count = count;
    bounds.duration = seconds;
    return bounds;
  }

  private static void step(PrintWriter out, int n, String what) {
    out.println();
    out.println("== " + n + ". " + what);
    out.flush();
  }
}
