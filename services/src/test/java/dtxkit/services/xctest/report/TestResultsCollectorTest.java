package dtxkit.services.xctest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestResultsCollectorTest {

  @Test
  void theRecordedRunsShape() {
    // The suites and cases of go-ios's recorded run (conn-in4): All tests > blaTests.xctest > blaTests, two cases.
    TestResultsCollector c = new TestResultsCollector();
    Instant at = Instant.parse("2020-05-12T21:09:59Z");
    c.suiteStarted("All tests", at);
    c.suiteStarted("blaTests.xctest", at);
    c.suiteStarted("blaTests", at);
    c.caseStarted("blaTests.blaTests", "testExample");
    c.caseFinished("blaTests.blaTests", "testExample", TestStatus.fromXcTest("passed"), Duration.ofNanos(819_087));
    c.caseStarted("blaTests.blaTests", "testPerformanceExample");
    c.caseFinished("blaTests.blaTests", "testPerformanceExample", TestStatus.fromXcTest("passed"),
        Duration.ofMillis(264));
    c.suiteFinished("blaTests", Duration.ofMillis(265));
    c.suiteFinished("blaTests.xctest", Duration.ofMillis(265));
    c.suiteFinished("All tests", Duration.ofMillis(265));
    assertFalse(c.results().allPassed(), "not before the plan finished");
    c.planFinished();
    TestResults r = c.results();
    assertEquals(List.of("blaTests"), r.suites().stream().map(TestSuiteResult::name).toList());
    assertEquals(List.of("blaTests.blaTests/testExample", "blaTests.blaTests/testPerformanceExample"),
        r.cases().stream().map(TestCaseResult::name).toList());
    assertEquals(at, r.suites().get(0).startedAt());
    assertTrue(r.allPassed());
    assertEquals(Duration.ofMillis(265), r.duration());
  }

  @Test
  void statuses() {
    assertEquals(TestStatus.PASSED, TestStatus.fromXcTest("passed"));
    assertEquals(TestStatus.FAILED, TestStatus.fromXcTest("failed"));
    assertEquals(TestStatus.SKIPPED, TestStatus.fromXcTest("skipped"));
    assertEquals(TestStatus.EXPECTED_FAILURE, TestStatus.fromXcTest("expected failure"));
    assertEquals(TestStatus.ERROR, TestStatus.fromXcTest("stalled"));
    assertEquals(TestStatus.ERROR, TestStatus.fromXcTest(null));
  }

  @Test
  void aFailureBeforeTheStartStartsTheCaseAndAFailedRunDoesNotPass() {
    TestResultsCollector c = new TestResultsCollector();
    c.caseFailed("M.C", "testX", new TestFailure("boom", "C.swift", 7));
    c.caseFinished("M.C", "testX", TestStatus.FAILED, null);
    c.planFinished();
    TestResults r = c.results();
    assertEquals("M.C", r.suites().get(0).name(), "a case outside any suite gets a suite named after its class");
    assertEquals("C.swift:7", r.cases().get(0).failures().get(0).location());
    assertEquals(Duration.ZERO, r.cases().get(0).duration());
    assertFalse(r.allPassed());
  }

  @Test
  void boundsAreKept() {
    TestResultsCollector c = new TestResultsCollector(new TestResultsCollector.Limits(2, 1, 10));
    for (int i = 0; i < 5; i++) {
      c.caseStarted("C", "test" + i);
      c.caseFailed("C", "test" + i, new TestFailure("one", null, 0));
      c.caseFailed("C", "test" + i, new TestFailure("two", null, 0));
      c.log("0123456789abcdef");
      c.caseFinished("C", "test" + i, TestStatus.FAILED, Duration.ofMillis(1));
    }
    TestResults r = c.results();
    assertEquals(2, r.cases().size());
    assertEquals(3, c.droppedCases());
    assertEquals(1, r.cases().get(0).failures().size());
    assertEquals("0123456789[7 more characters not kept]\n", r.cases().get(0).output());
    assertThrows(IllegalArgumentException.class, () -> new TestResultsCollector.Limits(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new TestFailure("x", "f", -1));
  }

  @Test
  void logLinesGoWhereTheyWereWritten() {
    TestResultsCollector c = new TestResultsCollector();
    c.log("run");
    c.suiteStarted("S", null);
    c.log("suite");
    c.caseStarted("M.S", "testA");
    c.log("case\n");
    c.caseFinished("M.S", "testA", TestStatus.PASSED, Duration.ofMillis(3));
    c.log("suite again");
    TestResults r = c.results();
    assertEquals("run\n", r.output());
    assertEquals("suite\nsuite again\n", r.suites().get(0).output());
    assertEquals("case\n", r.cases().get(0).output());
    assertEquals(Duration.ofMillis(3), r.suites().get(0).duration(), "the sum of its cases while it runs");
  }

  @Test
  void xcTestEventsFeedTheSameResults() {
    TestResultsCollector c = new TestResultsCollector();
    for (dtxkit.services.xctest.XcTestEvent e : List.of(
        new dtxkit.services.xctest.XcTestEvent.SuiteStarted("All tests", "2020-05-12 21:09:59 +0000"),
        new dtxkit.services.xctest.XcTestEvent.SuiteStarted("LoginTests", "2020-05-12 21:09:59 +0000"),
        new dtxkit.services.xctest.XcTestEvent.CaseStarted("UITests.LoginTests", "testLogin"),
        new dtxkit.services.xctest.XcTestEvent.Log("tapping\n", dtxkit.services.xctest.XcTestEvent.Log.Source.MESSAGE),
        new dtxkit.services.xctest.XcTestEvent.Log("XCTest's own line\n",
            dtxkit.services.xctest.XcTestEvent.Log.Source.DEBUG),
        new dtxkit.services.xctest.XcTestEvent.CaseFailed("UITests.LoginTests", "testLogin", "boom", "Login.swift", 42),
        new dtxkit.services.xctest.XcTestEvent.CaseFinished("UITests.LoginTests", "testLogin", "failed", 0.5),
        new dtxkit.services.xctest.XcTestEvent.SuiteFinished("LoginTests", "2020-05-12 21:10:00 +0000", 1, 0, 1, 0,
            0.5, 0.75),
        new dtxkit.services.xctest.XcTestEvent.PlanFinished())) {
      c.accept(e);
    }
    TestResults r = c.results();
    assertTrue(r.finished());
    TestCaseResult only = r.cases().get(0);
    assertEquals(TestStatus.FAILED, only.status());
    assertEquals("Login.swift:42", only.failures().get(0).location());
    assertEquals("tapping\n", only.output(), "debug lines are left out");
    assertEquals(Instant.parse("2020-05-12T21:09:59Z"), r.suites().get(0).startedAt());
    assertEquals(Duration.ofMillis(750), r.suites().get(0).duration());
  }
}
