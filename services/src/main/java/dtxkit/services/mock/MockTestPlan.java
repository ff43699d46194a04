package dtxkit.services.mock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the mock device's fake test runner executes when a client starts its test plan: test classes and methods,
 * each passing, failing (with a message, a file and a line), skipped, or running until the runner is killed (a
 * WebDriverAgent-style plan that never finishes), with log lines, an activity with an attachment, or a performance
 * metric. The runner reports it through the {@code _XCT_*} callbacks in the order and argument shapes of a recorded
 * run (go-ios {@code conn-in4}): suites "All tests", then the bundle's {@code NAME.xctest}, then one per class.
 *
 * <pre>{@code
 * MockTestPlan plan = MockTestPlan.builder("UITests")
 *     .test("LoginTests", "testLogin", t -> t.log("tapping Log in").activity("Tap \"Log in\"", "screen.png", "public.png", png))
 *     .test("LoginTests", "testWrongPassword", t -> t.fails("XCTAssertEqual failed", "LoginTests.swift", 42))
 *     .build();
 * MockDevice device = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, plan).start();
 * }</pre>
 */
public final class MockTestPlan {

  /** How a test ends. */
  public enum Outcome {
    /** {@code passed}. */
    PASSED,
    /** {@code failed}, after its failure. */
    FAILED,
    /** {@code skipped}. */
    SKIPPED,
    /** Never: the test runs until the runner is killed (WebDriverAgent's {@code testRunner}). */
    RUNS_UNTIL_KILLED
  }

  /**
   * A failure reported against a test.
   *
   * @param message what failed
   * @param file the source file
   * @param line the line in it
   */
  public record Failure(String message, String file, int line) {
    /** Checks for nulls. */
    public Failure {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(file, "file");
    }
  }

  /**
   * An activity of a test ({@code XCTContext.runActivity}) with one attachment.
   *
   * @param title the activity's title
   * @param attachmentName the attachment's name, e.g. {@code screenshot.png}
   * @param uniformTypeIdentifier e.g. {@code public.png}
   * @param attachment the attachment's bytes
   */
  public record Activity(String title, String attachmentName, String uniformTypeIdentifier, byte[] attachment) {
    /** Checks for nulls and copies the bytes. */
    public Activity {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(attachmentName, "attachmentName");
      Objects.requireNonNull(uniformTypeIdentifier, "uniformTypeIdentifier");
      attachment = attachment.clone();
    }

    @Override
    public byte[] attachment() {
      return attachment.clone();
    }
  }

  /**
   * One test method.
   *
   * @param testClass the class, e.g. {@code LoginTests} (reported module-qualified, {@code UITests.LoginTests})
   * @param method the method, e.g. {@code testLogin}
   * @param outcome how it ends
   * @param duration how long it reports it ran (the runner does not wait that long)
   * @param logs lines it logs ({@code _XCT_logMessage:}) while it runs
   * @param failure its failure, for {@link Outcome#FAILED}
   * @param activity an activity it runs, or null
   * @param measuresPerformance whether it reports a performance metric ({@code measure {}})
   */
  public record TestCase(String testClass, String method, Outcome outcome, Duration duration, List<String> logs,
      Failure failure, Activity activity, boolean measuresPerformance) {
    /** Checks for nulls and that a failing test has a failure. */
    public TestCase {
      Objects.requireNonNull(testClass, "testClass");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(duration, "duration");
      logs = List.copyOf(logs);
      if ((outcome == Outcome.FAILED) != (failure != null)) {
        throw new IllegalArgumentException(testClass + "/" + method + ": a failure goes with the FAILED outcome only");
      }
    }

    /**
     * {@code Class/method}, as {@code testsToRun} names it.
     *
     * @return the name
     */
    public String name() {
      return testClass + "/" + method;
    }
  }

  private final String bundleName;
  private final List<TestCase> tests;

  private MockTestPlan(String bundleName, List<TestCase> tests) {
    this.bundleName = bundleName;
    this.tests = List.copyOf(tests);
  }

  /**
   * A builder for a plan of the test bundle {@code NAME.xctest}.
   *
   * @param bundleName the bundle's (and module's) name, e.g. {@code UITests}
   * @return the builder
   */
  public static Builder builder(String bundleName) {
    return new Builder(bundleName);
  }

  /**
   * The default plan of {@link MockDevice#UI_TESTS_RUNNER}: three passing tests of {@code UITests}, one with an
   * activity and a PNG attachment, one with log lines.
   *
   * @return the plan
   */
  public static MockTestPlan passing() {
    return builder("UITests")
        .test("LoginTests", "testLogin", t -> t.duration(Duration.ofMillis(812))
            .log("tapping \"Log in\"").activity("Tap \"Log in\"", "login.png", "public.png", TINY_PNG))
        .test("LoginTests", "testLogout", t -> t.duration(Duration.ofMillis(430)))
        .test("SearchTests", "testSearch", t -> t.duration(Duration.ofMillis(1204)).log("searching for \"dtxkit\"")
            .log("3 results"))
        .build();
  }

  /**
   * {@link #passing()} with one more test that fails at {@code LoginTests.swift:42}.
   *
   * @return the plan
   */
  public static MockTestPlan failing() {
    Builder b = builder("UITests");
    for (TestCase t : passing().tests) {
      b.tests.add(t);
      if (t.method().equals("testLogout")) {
        b.test("LoginTests", "testWrongPassword", c -> c.duration(Duration.ofMillis(655))
            .fails("XCTAssertEqual failed: (\"Welcome\") is not equal to (\"Wrong password\")", "LoginTests.swift", 42));
      }
    }
    return b.build();
  }

  /**
   * WebDriverAgent's plan: {@code UITestingUITests/testRunner} logs where its HTTP server listens
   * ({@code ServerURLHere->URL<-ServerURLHere}, as WebDriverAgent does) and runs until the runner is killed.
   *
   * @param url the server's URL, e.g. {@code http://127.0.0.1:8100}
   * @return the plan
   */
  public static MockTestPlan webDriverAgent(String url) {
    Objects.requireNonNull(url, "url");
    return builder("WebDriverAgentRunner")
        .test("UITestingUITests", "testRunner", t -> t.log("Built at " + "Dec  6 2026 09:00:00")
            .log("ServerURLHere->" + url + "<-ServerURLHere").runsUntilKilled())
        .build();
  }

  /** The URL {@link MockDevice#WDA_RUNNER} announces by default. */
  public static final String WDA_URL = "http://127.0.0.1:8100";

  /** The bundle's name ({@code NAME.xctest}, and the module its classes are qualified with). */
  public String bundleName() {
    return bundleName;
  }

  /** Every test, in the order they run. */
  public List<TestCase> tests() {
    return tests;
  }

  /**
   * The tests a configuration selects: all, or those {@code testsToRun} names (a class name selects its methods),
   * minus those {@code testsToSkip} names, in plan order.
   *
   * @param toRun {@code Class/method} or {@code Class} names, or null for all
   * @param toSkip names to leave out, or null
   * @return the tests to run
   */
  public List<TestCase> select(Set<String> toRun, Set<String> toSkip) {
    List<TestCase> selected = new ArrayList<>();
    for (TestCase t : tests) {
      if (toRun != null && !matches(toRun, t)) {
        continue;
      }
      if (toSkip != null && matches(toSkip, t)) {
        continue;
      }
      selected.add(t);
    }
    return selected;
  }

  private boolean matches(Set<String> names, TestCase t) {
    return names.contains(t.name()) || names.contains(t.testClass())
        || names.contains(bundleName + "." + t.testClass()) || names.contains(bundleName + "." + t.name());
  }

  @Override
  public String toString() {
    return "MockTestPlan " + bundleName + " " + tests.stream().map(TestCase::name).toList();
  }

  /** Builds a {@link MockTestPlan}. */
  public static final class Builder {
    private final String bundleName;
    private final List<TestCase> tests = new ArrayList<>();

    private Builder(String bundleName) {
      this.bundleName = Objects.requireNonNull(bundleName, "bundleName");
    }

    /**
     * Adds a test.
     *
     * @param testClass the class
     * @param method the method
     * @param configure says how it ends and what it does (it passes in 0.1 s by default)
     * @return this builder
     */
    public Builder test(String testClass, String method, Consumer<TestBuilder> configure) {
      TestBuilder t = new TestBuilder();
      configure.accept(t);
      tests.add(new TestCase(testClass, method, t.outcome, t.duration, t.logs, t.failure, t.activity, t.measures));
      return this;
    }

    /**
     * The plan.
     *
     * @return the plan
     * @throws IllegalStateException a test runs until killed but is not the last, or two tests share a name
     */
    public MockTestPlan build() {
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < tests.size(); i++) {
        TestCase t = tests.get(i);
        if (!names.add(t.name())) {
          throw new IllegalStateException("two tests named " + t.name());
        }
        if (t.outcome() == Outcome.RUNS_UNTIL_KILLED && i != tests.size() - 1) {
          throw new IllegalStateException(t.name() + " runs until killed: no test can follow it");
        }
      }
      return new MockTestPlan(bundleName, tests);
    }
  }

  /** Says how one test ends and what it does. */
  public static final class TestBuilder {
    private Outcome outcome = Outcome.PASSED;
    private Duration duration = Duration.ofMillis(100);
    private final List<String> logs = new ArrayList<>();
    private Failure failure;
    private Activity activity;
    private boolean measures;

    private TestBuilder() {
    }

    /** It fails with this message at {@code file:line}. */
    public TestBuilder fails(String message, String file, int line) {
      outcome = Outcome.FAILED;
      failure = new Failure(message, file, line);
      return this;
    }

    /** It is skipped. */
    public TestBuilder skipped() {
      outcome = Outcome.SKIPPED;
      failure = null;
      return this;
    }

    /** It never ends: it runs until the runner is killed. */
    public TestBuilder runsUntilKilled() {
      outcome = Outcome.RUNS_UNTIL_KILLED;
      failure = null;
      return this;
    }

    /** The duration it reports. */
    public TestBuilder duration(Duration duration) {
      this.duration = Objects.requireNonNull(duration, "duration");
      return this;
    }

    /** A line it logs. */
    public TestBuilder log(String line) {
      logs.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /** An activity it runs, with one attachment. */
    public TestBuilder activity(String title, String attachmentName, String uniformTypeIdentifier, byte[] bytes) {
      activity = new Activity(title, attachmentName, uniformTypeIdentifier, bytes);
      return this;
    }

    /** It reports a performance metric (a {@code measure {}} block's time). */
    public TestBuilder measuresPerformance() {
      measures = true;
      return this;
    }
  }

  /** A 1x1 PNG. */
  static final byte[] TINY_PNG = java.util.Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
}
