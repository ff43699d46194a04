package dtxkit.services.xctest;

import dtxkit.runtime.archive.XCActivityRecord;
import dtxkit.runtime.archive.XCTAttachment;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a running XCTest reports, in arrival order ({@link XcTestRun#poll}, or the listener of
 * {@link XcTestRequest.Builder#listener}). Both generations of callbacks map to the same events: by class and method
 * name ({@code _XCT_testCaseDidStartForTestClass:method:}) and by {@code XCTTestIdentifier} (Xcode 12 and later).
 */
public sealed interface XcTestEvent {

  /** A log line: the runner's {@code _XCT_logMessage:} / {@code _XCT_logDebugMessage:} or its process output. */
  record Log(String message, Source source) implements XcTestEvent {
    /** Where a log line came from. */
    public enum Source {
      /** {@code _XCT_logMessage:}. */
      MESSAGE,
      /** {@code _XCT_logDebugMessage:} (XCTest's own progress). */
      DEBUG,
      /** The runner process's standard output and error (processcontrol {@code outputReceived:}). */
      OUTPUT
    }

    public Log {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(source, "source");
    }
  }

  /** {@code _XCT_didBeginExecutingTestPlan}: the runner runs the plan (a WebDriverAgent run is up from here). */
  record PlanStarted() implements XcTestEvent {}

  /** {@code _XCT_didFinishExecutingTestPlan}: every test ran. */
  record PlanFinished() implements XcTestEvent {}

  /**
   * A suite started ({@code _XCT_testSuite:didStartAt:} or its identifier form).
   *
   * @param suite its name ({@code All tests}, {@code UITests.xctest}, a class)
   * @param startedAt the runner's timestamp text, e.g. {@code 2020-05-12 21:09:59 +0000}
   */
  record SuiteStarted(String suite, String startedAt) implements XcTestEvent {}

  /**
   * A suite finished, with the runner's counts.
   *
   * @param suite its name
   * @param finishedAt the runner's timestamp text
   * @param runCount tests run
   * @param skipCount tests skipped (0 when the runner's form does not say)
   * @param failureCount failures
   * @param unexpectedFailureCount unexpected failures (uncaught exceptions)
   * @param testDuration seconds spent in tests
   * @param totalDuration seconds spent in the suite
   */
  record SuiteFinished(String suite, String finishedAt, long runCount, long skipCount, long failureCount,
      long unexpectedFailureCount, double testDuration, double totalDuration) implements XcTestEvent {}

  /** A test case started. */
  record CaseStarted(String testClass, String method) implements XcTestEvent {}

  /**
   * A test case recorded a failure ({@code _XCT_testCaseDidFailForTestClass:method:withMessage:file:line:} or an
   * {@code XCTIssue} with its source location).
   *
   * @param file the source file, or null when the runner did not say
   * @param line the line, or 0 when unknown
   */
  record CaseFailed(String testClass, String method, String message, String file, long line)
      implements XcTestEvent {}

  /**
   * A test case finished.
   *
   * @param status the runner's word: {@code passed}, {@code failed}, {@code skipped}, {@code expected failure}...
   * @param seconds how long it ran
   */
  record CaseFinished(String testClass, String method, String status, double seconds) implements XcTestEvent {
    /** The duration, to the nanosecond the double holds. */
    public Duration duration() {
      return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** Status {@code passed}. */
    public boolean passed() {
      return "passed".equals(status);
    }

    /** Status {@code skipped}. */
    public boolean skipped() {
      return "skipped".equals(status);
    }

    /** Neither passed nor skipped (nor an expected failure). */
    public boolean failed() {
      return !passed() && !skipped() && !"expected failure".equals(status);
    }
  }

  /** A test case stalled on the main thread. */
  record Stalled(String testClass, String method, String file, long line) implements XcTestEvent {}

  /** A performance metric ({@code _XCTPerfMetric*} keys: name, units, values...). */
  record Metric(String testClass, String method, Map<String, Object> metric, String file, long line)
      implements XcTestEvent {}

  /** An activity (an XCUITest step such as "Tap button") started. */
  record ActivityStarted(String testClass, String method, XCActivityRecord activity) implements XcTestEvent {}

  /** An activity finished; its attachments follow as {@link Attachment} events. */
  record ActivityFinished(String testClass, String method, XCActivityRecord activity) implements XcTestEvent {}

  /** An attachment of a finished activity (a screenshot, a hierarchy dump...). */
  record Attachment(String testClass, String method, String activityTitle, XCTAttachment attachment)
      implements XcTestEvent {}
}
