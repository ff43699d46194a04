package dtxkit.services.xctest;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.archive.XCActivityRecord;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTIssue;
import dtxkit.runtime.archive.XCTTestIdentifier;
import dtxkit.runtime.archive.XCTestConfiguration;
import java.util.Map;

/**
 * {@code XCTestManager_IDEInterface}: what testmanagerd and the test runner call on the IDE (us), the {@code _XCT_*}
 * callbacks of an XCTest run. The IDE exports it on both {@code dtxproxy:} channels: the one it opens to the daemon
 * ({@code dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface}) and the one the runner
 * opens to it ({@code dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface}).
 *
 * <p>Every method is a default no-op (and {@link #testRunnerReadyWithCapabilities} refuses), so an implementation
 * overrides what it listens to; the generated dispatcher replies OK to each call the runner makes (it sends them all
 * expecting a reply) and the reply of {@link #testRunnerReadyWithCapabilities} carries the archived configuration.
 * A mock runner calls the same methods through the generated client. Selectors and argument shapes come from
 * recorded runs (go-ios {@code conn-in4}) and the go-ios and pymobiledevice3 dispatchers: dates travel as strings
 * ({@code "2020-05-12 21:09:59 +0000"}), counts and lines as NSNumbers, durations as NSNumber doubles.
 */
@DtxService(value = "XCTestManager_IDEInterface", proxy = true)
public interface XCTestManagerIdeInterface {

  // Logging and protocol versions

  /** {@code _XCT_logMessage:}: a line the runner logs for the user. */
  @DtxMethod("_XCT_logMessage:")
  default void logMessage(String message) {}

  /** {@code _XCT_logDebugMessage:}: a debug line of the runner (XCTest's own progress). */
  @DtxMethod("_XCT_logDebugMessage:")
  default void logDebugMessage(String message) {}

  /** {@code _XCT_exchangeCurrentProtocolVersion:minimumVersion:}. */
  @DtxMethod("_XCT_exchangeCurrentProtocolVersion:minimumVersion:")
  default void exchangeCurrentProtocolVersion(long currentVersion, long minimumVersion) {}

  // Readiness

  /** {@code _XCT_testBundleReady} (old runners). */
  @DtxMethod("_XCT_testBundleReady")
  default void testBundleReady() {}

  /** {@code _XCT_testBundleReadyWithProtocolVersion:minimumVersion:}: the runner is up (35 and 7 recorded). */
  @DtxMethod("_XCT_testBundleReadyWithProtocolVersion:minimumVersion:")
  default void testBundleReadyWithProtocolVersion(long protocolVersion, long minimumVersion) {}

  /**
   * {@code _XCT_testRunnerReadyWithCapabilities:}: the runner asks for its configuration; the reply is the archived
   * {@link XCTestConfiguration} (iOS 17 and later have no configuration file).
   *
   * @param capabilities the runner's capabilities
   * @return the configuration the runner executes
   * @throws DtxRemoteException by default: an implementation that runs tests must answer
   */
  @DtxMethod("_XCT_testRunnerReadyWithCapabilities:")
  default XCTestConfiguration testRunnerReadyWithCapabilities(XCTCapabilities capabilities) {
    throw new DtxRemoteException(DtxRemoteException.DTX_DOMAIN, 1,
        "this IDE has no test configuration for the runner");
  }

  // UI-testing setup

  /** {@code _XCT_didBeginInitializingForUITesting}. */
  @DtxMethod("_XCT_didBeginInitializingForUITesting")
  default void didBeginInitializingForUiTesting() {}

  /** {@code _XCT_initializationForUITestingDidFailWithError:}. */
  @DtxMethod("_XCT_initializationForUITestingDidFailWithError:")
  default void initializationForUiTestingDidFail(NSError error) {}

  /** {@code _XCT_didFailToBootstrapWithError:}: the runner could not start its test bundle. */
  @DtxMethod("_XCT_didFailToBootstrapWithError:")
  default void didFailToBootstrap(NSError error) {}

  /** {@code _XCT_getProgressForLaunch:}. */
  @DtxMethod("_XCT_getProgressForLaunch:")
  default void getProgressForLaunch(Object token) {}

  /** {@code _XCT_didFormPlanWithData:}. */
  @DtxMethod("_XCT_didFormPlanWithData:")
  default void didFormPlan(Object data) {}

  // The plan

  /** {@code _XCT_didBeginExecutingTestPlan}. */
  @DtxMethod("_XCT_didBeginExecutingTestPlan")
  default void didBeginExecutingTestPlan() {}

  /** {@code _XCT_didFinishExecutingTestPlan}: the run is over (a WebDriverAgent run never sends it). */
  @DtxMethod("_XCT_didFinishExecutingTestPlan")
  default void didFinishExecutingTestPlan() {}

  // Suites

  /** {@code _XCT_testSuite:didStartAt:}. */
  @DtxMethod("_XCT_testSuite:didStartAt:")
  default void testSuiteDidStart(String suite, String startedAt) {}

  /** {@code _XCT_testSuite:didFinishAt:runCount:withFailures:unexpected:testDuration:totalDuration:}. */
  @DtxMethod("_XCT_testSuite:didFinishAt:runCount:withFailures:unexpected:testDuration:totalDuration:")
  default void testSuiteDidFinish(String suite, String finishedAt, long runCount, long failures, long unexpected,
      double testDuration, double totalDuration) {}

  /**
   * {@code _XCT_testSuite:didFinishAt:runCount:skipCount:failureCount:unexpectedFailureCount:testDuration:totalDuration:}
   * (the recorded protocol-35 form).
   */
  @DtxMethod("_XCT_testSuite:didFinishAt:runCount:skipCount:failureCount:unexpectedFailureCount:testDuration:"
      + "totalDuration:")
  default void testSuiteDidFinishWithSkips(String suite, String finishedAt, long runCount, long skipCount,
      long failureCount, long unexpectedFailureCount, double testDuration, double totalDuration) {}

  /** {@code _XCT_testSuiteWithIdentifier:didStartAt:}. */
  @DtxMethod("_XCT_testSuiteWithIdentifier:didStartAt:")
  default void testSuiteWithIdentifierDidStart(XCTTestIdentifier suite, String startedAt) {}

  /**
   * {@code _XCT_testSuiteWithIdentifier:didFinishAt:runCount:skipCount:failureCount:expectedFailureCount:}
   * {@code uncaughtExceptionCount:testDuration:totalDuration:}.
   */
  @DtxMethod("_XCT_testSuiteWithIdentifier:didFinishAt:runCount:skipCount:failureCount:expectedFailureCount:"
      + "uncaughtExceptionCount:testDuration:totalDuration:")
  default void testSuiteWithIdentifierDidFinish(XCTTestIdentifier suite, String finishedAt, long runCount,
      long skipCount, long failureCount, long expectedFailureCount, long uncaughtExceptionCount,
      double testDuration, double totalDuration) {}

  // Cases by class and method name

  /** {@code _XCT_testCaseDidStartForTestClass:method:}. */
  @DtxMethod("_XCT_testCaseDidStartForTestClass:method:")
  default void testCaseDidStart(String testClass, String method) {}

  /** {@code _XCT_testCaseDidFinishForTestClass:method:withStatus:duration:}: status passed, failed, skipped... */
  @DtxMethod("_XCT_testCaseDidFinishForTestClass:method:withStatus:duration:")
  default void testCaseDidFinish(String testClass, String method, String status, double duration) {}

  /** {@code _XCT_testCaseDidFailForTestClass:method:withMessage:file:line:}: a failure and where it happened. */
  @DtxMethod("_XCT_testCaseDidFailForTestClass:method:withMessage:file:line:")
  default void testCaseDidFail(String testClass, String method, String message, String file, long line) {}

  /** {@code _XCT_testCase:method:didStallOnMainThreadInFile:line:}. */
  @DtxMethod("_XCT_testCase:method:didStallOnMainThreadInFile:line:")
  default void testCaseDidStall(String testClass, String method, String file, long line) {}

  /** {@code _XCT_testMethod:ofClass:didMeasureMetric:file:line:}: a performance metric ({@code _XCTPerfMetric*}). */
  @DtxMethod("_XCT_testMethod:ofClass:didMeasureMetric:file:line:")
  default void testMethodDidMeasureMetric(String method, String testClass, Map<String, Object> metric, String file,
      long line) {}

  /** {@code _XCT_testCase:method:willStartActivity:}. */
  @DtxMethod("_XCT_testCase:method:willStartActivity:")
  default void testCaseWillStartActivity(String testClass, String method, XCActivityRecord activity) {}

  /** {@code _XCT_testCase:method:didFinishActivity:} (the record carries the attachments). */
  @DtxMethod("_XCT_testCase:method:didFinishActivity:")
  default void testCaseDidFinishActivity(String testClass, String method, XCActivityRecord activity) {}

  // Cases by identifier (Xcode 12 and later)

  /** {@code _XCT_testCaseDidStartWithIdentifier:}. */
  @DtxMethod("_XCT_testCaseDidStartWithIdentifier:")
  default void testCaseWithIdentifierDidStart(XCTTestIdentifier test) {}

  /** {@code _XCT_testCaseDidStartWithIdentifier:iteration:}. */
  @DtxMethod("_XCT_testCaseDidStartWithIdentifier:iteration:")
  default void testCaseWithIdentifierDidStartIteration(XCTTestIdentifier test, long iteration) {}

  /** {@code _XCT_testCaseDidStartWithIdentifier:testCaseRunConfiguration:}. */
  @DtxMethod("_XCT_testCaseDidStartWithIdentifier:testCaseRunConfiguration:")
  default void testCaseWithIdentifierDidStartRun(XCTTestIdentifier test, Object runConfiguration) {}

  /** {@code _XCT_testCaseWithIdentifier:didFinishWithStatus:duration:}. */
  @DtxMethod("_XCT_testCaseWithIdentifier:didFinishWithStatus:duration:")
  default void testCaseWithIdentifierDidFinish(XCTTestIdentifier test, String status, double duration) {}

  /** {@code _XCT_testCaseWithIdentifier:didRecordIssue:}: a failure with its source location. */
  @DtxMethod("_XCT_testCaseWithIdentifier:didRecordIssue:")
  default void testCaseWithIdentifierDidRecordIssue(XCTTestIdentifier test, XCTIssue issue) {}

  /** {@code _XCT_testCaseWithIdentifier:willStartActivity:}. */
  @DtxMethod("_XCT_testCaseWithIdentifier:willStartActivity:")
  default void testCaseWithIdentifierWillStartActivity(XCTTestIdentifier test, XCActivityRecord activity) {}

  /** {@code _XCT_testCaseWithIdentifier:didFinishActivity:} (the record carries the attachments). */
  @DtxMethod("_XCT_testCaseWithIdentifier:didFinishActivity:")
  default void testCaseWithIdentifierDidFinishActivity(XCTTestIdentifier test, XCActivityRecord activity) {}
}
