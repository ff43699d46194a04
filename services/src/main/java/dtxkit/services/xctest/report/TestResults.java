package dtxkit.services.xctest.report;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an XCTest run produced: its suites of test cases and whether the plan ran to its end.
 *
 * @param suites the suites that held test cases, in the order they started
 * @param finished true when the runner reported the end of the test plan; false when the run ended before (the
 *     runner was killed or crashed, or the plan never ends, as WebDriverAgent's)
 * @param output log lines written outside any suite, possibly empty
 */
public record TestResults(List<TestSuiteResult> suites, boolean finished, String output) {

  /**
   * Copies the suites.
   *
   * @param suites the suites
   * @param finished whether the plan ran to its end
   * @param output log lines outside any suite
   */
  public TestResults {
    suites = List.copyOf(suites);
    Objects.requireNonNull(output, "output");
  }

  /**
   * Every test case, suite by suite.
   *
   * @return the cases
   */
  public List<TestCaseResult> cases() {
    return suites.stream().flatMap(s -> s.cases().stream()).toList();
  }

  /**
   * How many cases have this status.
   *
   * @param status the status
   * @return the count
   */
  public int count(TestStatus status) {
    return suites.stream().mapToInt(s -> s.count(status)).sum();
  }

  /**
   * The run's total: the sum of its suites' durations.
   *
   * @return the duration
   */
  public Duration duration() {
    return suites.stream().map(TestSuiteResult::duration).reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * True when the plan ran to its end, at least one test ran, and every test passed or was skipped (an expected
   * failure is a pass): what {@code dtxkit xctest run} exits 0 for.
   *
   * @return whether the run succeeded
   */
  public boolean allPassed() {
    List<TestCaseResult> all = cases();
    return finished && !all.isEmpty()
        && all.stream().allMatch(c -> c.status().successful() || c.status() == TestStatus.SKIPPED);
  }
}
