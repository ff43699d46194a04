package dtxkit.services.xctest.report;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One test case of a run.
 *
 * @param className the test class as XCTest names it, e.g. {@code UITests.LoginTests}
 * @param methodName the test method, e.g. {@code testLogin}
 * @param status how it ended
 * @param duration how long it ran ({@link Duration#ZERO} when it did not report one)
 * @param failures the failures recorded against it, in order
 * @param output the log lines written while it ran (what a JUnit report calls system-out), possibly empty
 */
public record TestCaseResult(String className, String methodName, TestStatus status, Duration duration,
    List<TestFailure> failures, String output) {

  /**
   * Checks for nulls and copies the failures.
   *
   * @param className the test class
   * @param methodName the test method
   * @param status how it ended
   * @param duration how long it ran
   * @param failures the failures
   * @param output the log lines
   */
  public TestCaseResult {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(methodName, "methodName");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(duration, "duration");
    failures = List.copyOf(failures);
    Objects.requireNonNull(output, "output");
  }

  /**
   * {@code Class/method}, as {@code xcodebuild -only-testing} and {@code dtxkit xctest run --test} name a test.
   *
   * @return the test's name
   */
  public String name() {
    return className + "/" + methodName;
  }
}
