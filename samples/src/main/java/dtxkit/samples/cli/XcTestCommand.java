package dtxkit.samples.cli;

import dtxkit.runtime.archive.XCTAttachment;
import dtxkit.services.xctest.XcTestEvent;
import dtxkit.services.xctest.XcTestException;
import dtxkit.services.xctest.XcTestRequest;
import dtxkit.services.xctest.XcTestRun;
import dtxkit.services.xctest.XcTestRunner;
import dtxkit.services.xctest.XcTestSummary;
import dtxkit.services.xctest.report.JUnitXmlWriter;
import dtxkit.services.xctest.report.TestFailure;
import dtxkit.services.xctest.report.TestResults;
import dtxkit.services.xctest.report.TestResultsCollector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dtxkit xctest run RUNNER}: runs an installed XCTest runner ({@code *.xctrunner}) through testmanagerd and
 * prints its results as they arrive; exit code 0 only when every test passed.
 */
@Command(name = "xctest", mixinStandardHelpOptions = true, description = "Run XCTest (XCUITest) bundles on the device.",
    subcommands = {XcTestCommand.Run.class})
final class XcTestCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say 'xctest run RUNNER_BUNDLE_ID'");
  }

  /** The options a run and {@code dtxkit wda} share. */
  static final class RunOptions {
    @Option(names = "--env", paramLabel = "K=V", description = "An environment variable of the runner (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--arg", paramLabel = "A", description = "An argument of the runner (repeatable).")
    List<String> args = new ArrayList<>();

    @Option(names = "--runner-timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "How long the runner may take to connect after its launch (default ${DEFAULT-VALUE}).")
    double runnerTimeout;

    Duration runnerTimeout(CommandLine.Model.CommandSpec spec) {
      StreamOptions.checkDuration(spec, "--runner-timeout", runnerTimeout);
      return Duration.ofNanos(Math.round(runnerTimeout * 1e9));
    }
  }

  /** {@code xctest run RUNNER_BUNDLE_ID}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run the tests of an installed XCTest runner (e.g. com.example.UITests.xctrunner) and print",
          "each result as it arrives; exit code 0 only when every test passed, 1 otherwise (failures are printed",
          "with their file and line). --junit writes a JUnit XML report."})
  static final class Run extends DeviceCommand {
    @Parameters(index = "0", paramLabel = "RUNNER_BUNDLE_ID", description = "The runner app's bundle identifier.")
    String runner;

    @Option(names = "--target", paramLabel = "APP", description = "The app under test's bundle identifier.")
    String target;

    @Option(names = "--test", paramLabel = "Class[/method]", description = "Run only this test (repeatable).")
    List<String> tests = new ArrayList<>();

    @Option(names = "--skip", paramLabel = "Class[/method]", description = "Skip this test (repeatable).")
    List<String> skips = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Write a JUnit XML report (Ant/Surefire format).")
    Path junit;

    @CommandLine.Mixin RunOptions options;

    @Override
    void validate() {
      for (String name : concat(tests, skips)) {
        if (name.isBlank() || name.startsWith("/") || name.endsWith("/") || name.chars().filter(c -> c == '/')
            .count() > 1) {
          throw usage("a test is named Class or Class/method, not '" + name + "'");
        }
      }
      options.runnerTimeout(spec);
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }

    @Override
    int run(DeviceSession session, PrintWriter out) throws Exception {
      XcTestRequest.Builder request = XcTestRequest.builder(runner).runnerTimeout(options.runnerTimeout(spec));
      if (target != null) {
        request.targetApp(target);
      }
      tests.forEach(request::test);
      skips.forEach(request::skip);
      options.env.forEach(request::environment);
      options.args.forEach(request::argument);
      TestResultsCollector collector = new TestResultsCollector();
      List<XcTestEvent.CaseFailed> failures = new ArrayList<>();
      XcTestSummary summary = null;
      String broken = null;
      try (XcTestRun run = start(session, request.build())) {
        if (!json()) {
          out.println("running " + runner + (target == null ? "" : " (testing " + target + ")") + " on "
              + session.link().productType() + " iOS " + session.link().osVersion() + ", runner pid " + run.pid());
          out.flush();
        }
        while (!session.interrupted()) {
          XcTestEvent event = run.poll(Duration.ofMillis(200));
          if (event == null) {
            if (run.summary().isDone()) {
              break;
            }
            continue;
          }
          collector.accept(event);
          if (event instanceof XcTestEvent.CaseFailed f) {
            failures.add(f);
          }
          print(out, event);
        }
        if (session.interrupted()) {
          return 0; // Ctrl-C: closing the run kills the runner; the tool's exit code says it was interrupted
        }
        try {
          summary = run.summary().get();
        } catch (ExecutionException e) {
          broken = e.getCause() instanceof XcTestException x ? x.getMessage() : String.valueOf(e.getCause());
        } catch (CancellationException e) {
          broken = "the run was cancelled";
        }
      }
      TestResults results = collector.results();
      if (junit != null) {
        try {
          new JUnitXmlWriter(runner, session.link().productType() + " " + session.link().udid()).write(results, junit);
        } catch (IOException e) {
          throw new CliException("cannot write the JUnit report " + junit + ": " + e.getMessage(), e);
        }
      }
      boolean passed = broken == null && summary != null && summary.allPassed() && results.allPassed();
      if (json()) {
        Output.printJson(out, Output.object("event", "summary", "passed", summary == null ? null : summary.passed(),
            "failed", summary == null ? null : summary.failed(), "skipped", summary == null ? null : summary.skipped(),
            "allPassed", passed, "error", broken, "junit", junit == null ? null : junit.toString()));
      } else {
        out.println();
        if (summary != null) {
          out.println(summary.total() + " test" + (summary.total() == 1 ? "" : "s") + ": " + summary.passed()
              + " passed, " + summary.failed() + " failed, " + summary.skipped() + " skipped");
        }
        for (XcTestEvent.CaseFailed f : failures) {
          out.println("FAILED " + f.testClass() + "/" + f.method() + " at " + location(f) + ": " + f.message());
        }
        if (summary != null && summary.total() == 0 && broken == null) {
          out.println("no test ran (check --test and --skip against the runner's tests)");
        }
        if (junit != null) {
          out.println("JUnit report: " + junit);
        }
        out.flush();
      }
      if (broken != null) {
        throw new CliException("the run of " + runner + " broke off: " + broken);
      }
      return passed ? 0 : 1;
    }

    private void print(PrintWriter out, XcTestEvent event) {
      if (json()) {
        printJson(out, event);
        return;
      }
      if (event instanceof XcTestEvent.SuiteStarted s) {
        out.println("suite " + s.suite());
      } else if (event instanceof XcTestEvent.CaseFinished c) {
        out.println(String.format(Locale.ROOT, "  %-7s %s/%s (%.3f s)", c.passed() ? "passed" : c.skipped()
            ? "skipped" : c.status(), c.testClass(), c.method(), c.seconds()));
      } else if (event instanceof XcTestEvent.CaseFailed f) {
        out.println("  " + location(f) + ": error: " + f.testClass() + "/" + f.method() + ": " + f.message());
      } else if (event instanceof XcTestEvent.Log l && l.source() == XcTestEvent.Log.Source.MESSAGE) {
        out.println("    | " + l.message().stripTrailing());
      } else if (event instanceof XcTestEvent.Attachment a) {
        XCTAttachment attachment = a.attachment();
        byte[] data = attachment.data();
        out.println("    attachment " + attachment.name() + " (" + attachment.uniformTypeIdentifier() + ", "
            + (data == null ? "sent separately" : data.length + " bytes") + ") of \"" + a.activityTitle() + "\"");
      } else if (event instanceof XcTestEvent.PlanFinished) {
        out.println("plan finished");
      }
      out.flush();
    }

    private static String location(XcTestEvent.CaseFailed f) {
      String where = new TestFailure(f.message(), f.file(), (int) Math.max(0, Math.min(Integer.MAX_VALUE, f.line())))
          .location();
      return where == null ? "(no location)" : where;
    }

    private static void printJson(PrintWriter out, XcTestEvent event) {
      Map<String, Object> o = null;
      if (event instanceof XcTestEvent.SuiteStarted s) {
        o = Output.object("event", "suiteStarted", "suite", s.suite(), "at", s.startedAt());
      } else if (event instanceof XcTestEvent.SuiteFinished s) {
        o = Output.object("event", "suiteFinished", "suite", s.suite(), "run", s.runCount(), "skipped",
            s.skipCount(), "failures", s.failureCount(), "seconds", s.totalDuration());
      } else if (event instanceof XcTestEvent.CaseStarted c) {
        o = Output.object("event", "caseStarted", "class", c.testClass(), "method", c.method());
      } else if (event instanceof XcTestEvent.CaseFailed f) {
        o = Output.object("event", "caseFailed", "class", f.testClass(), "method", f.method(), "message",
            f.message(), "file", f.file(), "line", f.line());
      } else if (event instanceof XcTestEvent.CaseFinished c) {
        o = Output.object("event", "caseFinished", "class", c.testClass(), "method", c.method(), "status",
            c.status(), "seconds", c.seconds());
      } else if (event instanceof XcTestEvent.Log l) {
        o = Output.object("event", "log", "source", l.source().name().toLowerCase(Locale.ROOT), "message",
            l.message());
      } else if (event instanceof XcTestEvent.Attachment a) {
        byte[] data = a.attachment().data();
        o = Output.object("event", "attachment", "class", a.testClass(), "method", a.method(), "activity",
            a.activityTitle(), "name", a.attachment().name(), "type", a.attachment().uniformTypeIdentifier(),
            "bytes", data == null ? null : data.length);
      } else if (event instanceof XcTestEvent.PlanStarted) {
        o = Output.object("event", "planStarted");
      } else if (event instanceof XcTestEvent.PlanFinished) {
        o = Output.object("event", "planFinished");
      }
      if (o != null) {
        Output.printJson(out, o);
      }
    }
  }

  /** Starts a run, turning the runner's refusals into one line of advice. */
  static XcTestRun start(DeviceSession session, XcTestRequest request) {
    try {
      return XcTestRunner.on(session.link().xcTestDevice()).start(request);
    } catch (XcTestException e) {
      throw new CliException(e.getMessage() + (e.getMessage().contains("is not installed")
          ? " ('dtxkit apps --lockdown --type user' lists the installed apps)" : ""), e);
    } catch (IOException e) {
      throw new CliException("cannot start " + request.runnerBundleId() + ": " + DeviceOptions.rootMessage(e), e);
    }
  }
}
