package dtxkit.samples.cli;

import dtxkit.runtime.DtxRemoteException;
import dtxkit.services.processcontrol.LaunchOptions;
import dtxkit.services.processcontrol.ProcessControl;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dtxkit launch BUNDLE}: starts an app through processcontrol
 * {@code launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:} and prints its pid;
 * with {@code --follow} (or a bound) it then prints the process's output until it ends.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
    description = "Launch an app; with --follow, print its output until it terminates.")
final class LaunchCommand extends DeviceCommand {
  @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle identifier, e.g. com.apple.mobilesafari.")
  String bundle;

  @Option(names = "--env", paramLabel = "K=V", description = "An environment variable for the process (repeatable).")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--arg", paramLabel = "A", description = "A command-line argument for the process (repeatable).")
  List<String> args = new ArrayList<>();

  @Option(names = "--kill-existing", description = "Kill a running instance first.")
  boolean killExisting;

  @Option(names = {"-f", "--follow"},
      description = "Print the process's output and its termination (implied by --count and --duration).")
  boolean follow;

  @Mixin StreamOptions bounds;

  /** The pid of the launched process, once {@link #run} has launched it (-1 before). */
  int launchedPid = -1;

  /** One thing the launched process did. */
  sealed interface Event {}

  record OutputLine(String text, int pid, long machTime) implements Event {}

  record Terminated(int pid, Integer exitCode, Integer crashingSignal) implements Event {}

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    EventPump<Event> pump = new EventPump<Event>().until(session.instruments());
    ProcessControl control = session.instruments().openService(ProcessControl.class, ProcessControl.Events.class, new ProcessControl.Events() {
      @Override
      public void outputReceived(String output, int pid, long machTime) {
        pump.offer(new OutputLine(output, pid, machTime));
      }

      @Override
      public void processTerminated(int pid, Integer exitCode, Integer crashingSignal) {
        pump.offer(new Terminated(pid, exitCode, crashingSignal));
      }
    }).client();
    Map<String, Object> options = new LinkedHashMap<>();
    options.put(LaunchOptions.START_SUSPENDED, 0);
    options.put(LaunchOptions.KILL_EXISTING, killExisting ? 1 : 0);
    int pid;
    try {
      pid = control.launchSuspendedProcess("", bundle, env, args, options);
    } catch (DtxRemoteException e) {
      throw new CliException("cannot launch " + bundle + ": " + e.getMessage()
          + " ('dtxkit apps' lists what is installed)", e);
    }
    launchedPid = pid;
    if (json()) {
      Output.printJson(out, Output.object("event", "launched",
          "bundleIdentifier", bundle, "pid", pid));
    } else {
      out.println("launched " + bundle + " as pid " + pid);
      out.flush();
    }
    if (!(follow || bounds.count != null || bounds.duration != null)) {
      return 0;
    }
    EventPump.Stop stop = pump.drain(bounds, e -> e instanceof OutputLine o && o.pid() == pid, e -> {
      if (e instanceof OutputLine o && o.pid() == pid) {
        if (json()) {
          Output.printJson(out, Output.object("event", "output", "pid",
              o.pid(), "machTime", o.machTime(), "text", o.text()));
        } else {
          out.print(o.text());
          if (!o.text().endsWith("\n")) {
            out.println();
          }
          out.flush();
        }
      } else if (e instanceof Terminated t && t.pid() == pid) {
        KillCommand.Termination termination = new KillCommand.Termination(t.pid(), t.exitCode(), t.crashingSignal());
        if (json()) {
          Output.printJson(out, Output.object("event", "terminated", "pid",
              pid, "exitCode", t.exitCode(), "crashingSignal", t.crashingSignal()));
        } else {
          out.println("pid " + pid + " " + termination.describe());
          out.flush();
        }
        pump.end();
      }
    });
    if (stop == EventPump.Stop.CLOSED && !session.interrupted()) {
      throw new CliException("the device closed the connection while following pid " + pid
          + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
    }
    return 0;
  }
}
