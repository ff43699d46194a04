package dtxkit.samples.cli;

import dtxkit.services.xctest.XcTestRequest;
import dtxkit.services.xctest.XcTestRun;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit wda}: starts WebDriverAgent's runner and prints its server's URL once it serves (WebDriverAgent logs
 * {@code ServerURLHere->URL<-ServerURLHere}); it stays up until Ctrl-C (or {@code --duration}), then kills the runner.
 */
@Command(name = "wda", mixinStandardHelpOptions = true,
    description = {"Start WebDriverAgent and print its URL once it serves; it stays up until Ctrl-C (or --duration)."})
final class WdaCommand extends DeviceCommand {
  /** The runner WebDriverAgent's project builds. */
  static final String DEFAULT_RUNNER = "com.facebook.WebDriverAgentRunner.xctrunner";
  /** What WebDriverAgent logs once its HTTP server listens. */
  static final Pattern SERVER_URL = Pattern.compile("ServerURLHere->(.+?)<-ServerURLHere");

  @Option(names = "--runner", paramLabel = "BUNDLE", defaultValue = DEFAULT_RUNNER,
      description = "The WebDriverAgent runner's bundle identifier (default ${DEFAULT-VALUE}).")
  String runner;

  @Option(names = "--ready-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "How long WebDriverAgent may take to serve after its launch (default ${DEFAULT-VALUE}).")
  double readyTimeout;

  Double duration;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
  void duration(double seconds) {
    StreamOptions.checkDuration(spec, "--duration", seconds);
    duration = seconds;
  }

  @CommandLine.Mixin XcTestCommand.RunOptions options;

  @Override
  void validate() {
    StreamOptions.checkDuration(spec, "--ready-timeout", readyTimeout);
    options.runnerTimeout(spec);
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    XcTestRequest.Builder request = XcTestRequest.builder(runner).runnerTimeout(options.runnerTimeout(spec));
    options.env.forEach(request::environment);
    options.args.forEach(request::argument);
    try (XcTestRun run = XcTestCommand.start(session, request.build())) {
      String url;
      try {
        url = run.awaitLog(SERVER_URL).get(Math.round(readyTimeout * 1000), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new CliException(runner + " did not say where it serves (ServerURLHere->...) within " + readyTimeout
            + " s of its launch");
      } catch (ExecutionException e) {
        if (session.interrupted()) {
          return 0;
        }
        throw new CliException(runner + " ended before it served: " + e.getCause().getMessage(), e.getCause());
      }
      if (json()) {
        Output.printJson(out, Output.object("url", url, "pid", run.pid(), "runner", runner));
      } else {
        out.println(url);
        out.flush();
        spec.commandLine().getErr().println("dtxkit wda: WebDriverAgent (pid " + run.pid() + ") serves at " + url
            + "; stop it with Ctrl-C");
        spec.commandLine().getErr().flush();
      }
      long deadline = duration == null ? Long.MAX_VALUE
          : System.nanoTime() + Math.round(duration * 1e9);
      while (!session.interrupted() && System.nanoTime() < deadline) {
        if (run.summary().isDone()) {
          if (run.summary().isCompletedExceptionally()) {
            try {
              run.summary().join();
            } catch (RuntimeException e) {
              throw new CliException(runner + " stopped serving: " + (e.getCause() == null ? e : e.getCause())
                  .getMessage(), e);
            }
          }
          return 0;
        }
        Thread.sleep(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
      }
      return 0;
    }
  }
}
