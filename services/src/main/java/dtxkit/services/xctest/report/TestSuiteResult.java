package dtxkit.services.xctest.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A suite of a run that holds test cases (in XCTest's tree of suites, a test class: the bundle's and "All tests"
 * suites only hold other suites and are not listed).
 *
 * @param name the suite's name
 * @param startedAt when it started, or null when the runner did not say
 * @param duration how long it ran (the runner's figure, else the sum of its cases)
 * @param cases its test cases, in the order they ran
 * @param output log lines written inside the suite but outside any case, possibly empty
 */
public record TestSuiteResult(String name, Instant startedAt, Duration duration, List<TestCaseResult> cases,
    String output) {

  /**
   * Checks for nulls and copies the cases.
   *
   * @param name the suite's name
   * @param startedAt when it started, or null
   * @param duration how long it ran
   * @param cases its test cases
   * @param output log lines outside any case
   */
  public TestSuiteResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(duration, "duration");
    cases = List.copyOf(cases);
    Objects.requireNonNull(output, "output");
  }

  /**
   * How many cases have this status.
   *
   * @param status the status
   * @return the count
   */
  public int count(TestStatus status) {
    return (int) cases.stream().filter(c -> c.status() == status).count();
  }
}
