package dtxkit.services.xctest.report;

import java.util.Locale;

/** How one test case ended. */
public enum TestStatus {
  /** It passed. */
  PASSED,
  /** It failed: an assertion or an issue recorded against it. */
  FAILED,
  /** It was skipped ({@code XCTSkip}). */
  SKIPPED,
  /** It failed as expected ({@code XCTExpectFailure}): a pass. */
  EXPECTED_FAILURE,
  /** It did not finish: the runner ended first, or it reported a status XCTest does not define. */
  ERROR;

  /**
   * The status XCTest reports in {@code _XCT_testCaseDidFinishForTestClass:method:withStatus:duration:} and
   * {@code _XCT_testCaseWithIdentifier:didFinishWithStatus:duration:}.
   *
   * @param status {@code passed}, {@code failed}, {@code skipped} or {@code expected failure}
   * @return the status; {@link #ERROR} for anything else
   */
  public static TestStatus fromXcTest(String status) {
    if (status == null) {
      return ERROR;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "passed" -> PASSED;
      case "failed" -> FAILED;
      case "skipped" -> SKIPPED;
      case "expected failure", "expectedfailure", "expected_failure" -> EXPECTED_FAILURE;
      default -> ERROR;
    };
  }

  /**
   * Whether this status counts as a success (passed, or failed as expected).
   *
   * @return true for {@link #PASSED} and {@link #EXPECTED_FAILURE}
   */
  public boolean successful() {
    return this == PASSED || this == EXPECTED_FAILURE;
  }
}
