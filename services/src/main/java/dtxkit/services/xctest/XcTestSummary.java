package dtxkit.services.xctest;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of a finished run ({@link XcTestRun#summary()}).
 *
 * @param passed cases that passed
 * @param failed cases that failed
 * @param skipped cases skipped
 * @param cases every finished case, in order (at most {@link XcTestRequest#maxRecordedCases()}; the counts are exact)
 * @param failures every recorded failure, in order (bounded the same way)
 * @param elapsed from the launch of the runner to the end of the plan
 */
public record XcTestSummary(int passed, int failed, int skipped, List<XcTestEvent.CaseFinished> cases,
    List<XcTestEvent.CaseFailed> failures, Duration elapsed) {

  public XcTestSummary {
    cases = List.copyOf(cases);
    failures = List.copyOf(failures);
  }

  /** Total cases that finished. */
  public int total() {
    return passed + failed + skipped;
  }

  /** No case failed and no failure was recorded. */
  public boolean allPassed() {
    return failed == 0 && failures.isEmpty();
  }
}
