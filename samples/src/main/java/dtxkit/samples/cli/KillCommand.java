package dtxkit.samples.cli;

import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.processcontrol.ProcessControl;
import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dtxkit kill PID}: kills a process through processcontrol {@code killPid:} (or sends {@code --signal N}
 * through {@code sendSignal:toPid:}) and waits for the device's termination callback. A pid the device does not list
 * as running is an error before anything is sent.
 */
@Command(name = "kill", mixinStandardHelpOptions = true,
    description = "Kill a process and wait for the device to report its end.")
final class KillCommand extends DeviceCommand {
  @Parameters(index = "0", paramLabel = "PID", description = "The process to kill.")
  int pid;

  @Option(names = "--signal", paramLabel = "N",
      description = "Send this signal (sendSignal:toPid:) instead of killing (killPid:).")
  Integer signal;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "5",
      description = "How long to wait for the termination callback (default ${DEFAULT-VALUE}).")
  double waitSeconds;

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException, ExecutionException {
    // A device accepts killPid: for any number and never calls back for a pid that does not exist.
    boolean running = session.instruments().open(DeviceInfo.class).runningProcesses().stream()
        .anyMatch(p -> p.pid() == pid);
    if (!running) {
      throw new CliException("no process " + pid + " is running on the device ('dtxkit ps' lists them)");
    }
    CompletableFuture<Termination> ended = new CompletableFuture<>();
    ProcessControl control = session.instruments().openService(ProcessControl.class, ProcessControl.Events.class, new ProcessControl.Events() {
      @Override
      public void processTerminated(int p, Integer exitCode, Integer crashingSignal) {
        if (p == pid) {
          ended.complete(new Termination(p, exitCode, crashingSignal));
        }
      }
    }).client();
    // A device reports a termination only to channels that launched or observe the process.
    control.startObservingPid(pid);
    if (signal == null) {
      control.killPid(pid);
    } else {
      control.sendSignal(signal, pid);
    }
    Termination t;
    try {
      t = ended.get(Math.round(waitSeconds * 1000), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      t = null;
    }
    if (json()) {
      Output.printJson(out, t == null
          ? Output.object("pid", pid, "terminated", false)
          : Output.object("pid", pid, "terminated", true, "exitCode", t.exitCode(),
              "crashingSignal", t.crashingSignal()));
    } else if (t == null) {
      out.println((signal == null ? "killed " + pid : "sent signal " + signal + " to " + pid)
          + "; no termination callback within " + waitSeconds + " s");
    } else {
      out.println("killed " + pid + ": " + t.describe());
    }
    out.flush();
    return 0;
  }

  /** What the device's termination callback said. */
  record Termination(int pid, Integer exitCode, Integer crashingSignal) {
    String describe() {
      if (crashingSignal != null && crashingSignal != 0) {
        return "terminated by signal " + crashingSignal;
      }
      return "exited with code " + exitCode;
    }
  }
}
