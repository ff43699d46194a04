package dtxkit.services.xctest.report;

import dtxkit.services.xctest.XcTestEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link TestResults} from a run's events as they arrive (suite and case starts and ends, failures, log
 * lines): what a runner's event listener feeds, then {@link #results()} at any moment.
 *
 * <p>Suites nest as XCTest reports them ("All tests", then the bundle, then each class); only suites that directly
 * hold cases appear in the results. A log line goes to the case running, else to the innermost suite, else to the
 * run. What it keeps is bounded: at most {@link Limits#maxCases()} cases (later ones are counted in
 * {@link #droppedCases()}) and {@link Limits#maxOutputChars()} of output per case, suite and run (the rest is cut
 * with a note saying how much). Thread-safe.
 */
public final class TestResultsCollector {

  /**
   * The bounds on what a collector keeps.
   *
   * @param maxCases the most test cases kept
   * @param maxFailuresPerCase the most failures kept per case
   * @param maxOutputChars the most characters of output kept per case, per suite and for the run
   */
  public record Limits(int maxCases, int maxFailuresPerCase, int maxOutputChars) {
    /** 100,000 cases, 100 failures per case, 1 Mi characters of output per case, suite and run. */
    public static final Limits DEFAULT = new Limits(100_000, 100, 1 << 20);

    /**
     * Checks the bounds.
     *
     * @param maxCases the most test cases kept, at least 1
     * @param maxFailuresPerCase the most failures kept per case, at least 1
     * @param maxOutputChars the most characters of output kept per case, suite and run; 0 keeps none
     */
    public Limits {
      if (maxCases < 1 || maxFailuresPerCase < 1 || maxOutputChars < 0) {
        throw new IllegalArgumentException("limits out of range: maxCases " + maxCases + ", maxFailuresPerCase "
            + maxFailuresPerCase + ", maxOutputChars " + maxOutputChars);
      }
    }
  }

  private final Limits limits;
  private final Deque<Suite> open = new ArrayDeque<>();
  private final List<Suite> leaves = new ArrayList<>();
  private final Map<String, Case> running = new LinkedHashMap<>();
  private final Output runOutput;
  private Suite classless;
  private int cases;
  private long dropped;
  private boolean finished;

  /** A collector with {@link Limits#DEFAULT}. */
  public TestResultsCollector() {
    this(Limits.DEFAULT);
  }

  /**
   * A collector with these bounds.
   *
   * @param limits what it keeps at most
   */
  public TestResultsCollector(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.runOutput = new Output(limits.maxOutputChars());
  }

  /**
   * A suite started ({@code _XCT_testSuite:didStartAt:}, {@code _XCT_testSuiteWithIdentifier:didStartAt:}).
   *
   * @param name the suite's name
   * @param at when, or null
   */
  public synchronized void suiteStarted(String name, Instant at) {
    open.push(new Suite(Objects.requireNonNull(name, "name"), at, limits.maxOutputChars()));
  }

  /**
   * A suite finished; the innermost open suite of that name ends (a suite that never started is ignored).
   *
   * @param name the suite's name
   * @param duration the runner's figure for its run time, or null to sum its cases
   */
  public synchronized void suiteFinished(String name, Duration duration) {
    for (Suite s : open) {
      if (s.name.equals(name)) {
        while (true) {
          Suite top = open.pop();
          top.duration = top == s ? duration : null;
          if (top == s) {
            return;
          }
        }
      }
    }
  }

  /**
   * A test case started ({@code _XCT_testCaseDidStartForTestClass:method:} or by identifier).
   *
   * @param className the test class
   * @param methodName the method
   */
  public synchronized void caseStarted(String className, String methodName) {
    Case c = new Case(className, methodName, limits.maxOutputChars());
    if (cases >= limits.maxCases()) {
      dropped++;
      return;
    }
    cases++;
    running.put(c.key(), c);
    suiteFor(className).cases.add(c);
  }

  /**
   * A failure recorded against a case ({@code _XCT_testCaseDidFailForTestClass:method:withMessage:file:line:}, an
   * issue); a case that was not announced as started is started here.
   *
   * @param className the test class
   * @param methodName the method
   * @param failure what failed, where
   */
  public synchronized void caseFailed(String className, String methodName, TestFailure failure) {
    Case c = caseOf(className, methodName);
    if (c != null && c.failures.size() < limits.maxFailuresPerCase()) {
      c.failures.add(Objects.requireNonNull(failure, "failure"));
    }
  }

  /**
   * A case finished ({@code _XCT_testCaseDidFinishForTestClass:method:withStatus:duration:} or by identifier).
   *
   * @param className the test class
   * @param methodName the method
   * @param status how it ended
   * @param duration how long it ran, or null
   */
  public synchronized void caseFinished(String className, String methodName, TestStatus status, Duration duration) {
    Case c = caseOf(className, methodName);
    if (c == null) {
      return;
    }
    running.remove(c.key());
    c.status = Objects.requireNonNull(status, "status");
    c.duration = duration == null ? Duration.ZERO : duration;
  }

  /**
   * A log line ({@code _XCT_logMessage:}, the test's output): it goes to the running case, else the innermost
   * suite, else the run.
   *
   * @param line the text (a line break is added when it has none)
   */
  public synchronized void log(String line) {
    Output target = running.isEmpty()
        ? (open.isEmpty() ? runOutput : open.peek().output)
        : last(running).output;
    target.append(line.endsWith("\n") ? line : line + "\n");
  }

  /**
   * Takes one event of a run ({@link dtxkit.services.xctest.XcTestRun#poll}, or a request's listener): suites,
   * cases, failures with their file and line, the end of the plan, and log lines (the runner's messages and its
   * process output; XCTest's own debug lines are left out).
   *
   * @param event the event
   */
  public void accept(XcTestEvent event) {
    if (event instanceof XcTestEvent.SuiteStarted s) {
      suiteStarted(s.suite(), instant(s.startedAt()));
    } else if (event instanceof XcTestEvent.SuiteFinished s) {
      suiteFinished(s.suite(), seconds(s.totalDuration()));
    } else if (event instanceof XcTestEvent.CaseStarted c) {
      caseStarted(c.testClass(), c.method());
    } else if (event instanceof XcTestEvent.CaseFailed f) {
      caseFailed(f.testClass(), f.method(),
          new TestFailure(f.message(), f.file(), (int) Math.max(0, Math.min(Integer.MAX_VALUE, f.line()))));
    } else if (event instanceof XcTestEvent.CaseFinished c) {
      caseFinished(c.testClass(), c.method(), TestStatus.fromXcTest(c.status()), seconds(c.seconds()));
    } else if (event instanceof XcTestEvent.PlanFinished) {
      planFinished();
    } else if (event instanceof XcTestEvent.Log l && l.source() != XcTestEvent.Log.Source.DEBUG) {
      log(l.message());
    }
  }

  private static final java.time.format.DateTimeFormatter XCTEST_DATE =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", java.util.Locale.ROOT);

  /** A runner's timestamp ({@code 2020-05-12 21:09:59 +0000}), or null when it is not one. */
  static Instant instant(String text) {
    if (text == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(text.strip(), XCTEST_DATE).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static Duration seconds(double seconds) {
    return Double.isFinite(seconds) && seconds >= 0 ? Duration.ofNanos(Math.round(seconds * 1e9)) : Duration.ZERO;
  }

  /** The plan ran to its end ({@code _XCT_didFinishExecutingTestPlan}). */
  public synchronized void planFinished() {
    finished = true;
  }

  /**
   * How many started cases were not kept because {@link Limits#maxCases()} were already kept.
   *
   * @return the count
   */
  public synchronized long droppedCases() {
    return dropped;
  }

  /**
   * The results so far. A case still running is reported as {@link TestStatus#ERROR} with a failure saying it did
   * not finish (what it is when the run ends here).
   *
   * @return a snapshot
   */
  public synchronized TestResults results() {
    List<TestSuiteResult> suites = new ArrayList<>();
    for (Suite s : leaves) {
      List<TestCaseResult> list = new ArrayList<>();
      Duration sum = Duration.ZERO;
      for (Case c : s.cases) {
        TestCaseResult r = c.result();
        sum = sum.plus(r.duration());
        list.add(r);
      }
      suites.add(new TestSuiteResult(s.name, s.startedAt, s.duration != null ? s.duration : sum, list,
          s.output.toString()));
    }
    return new TestResults(suites, finished, runOutput.toString());
  }

  private Case caseOf(String className, String methodName) {
    Case c = running.get(className + "/" + methodName);
    if (c == null && cases < limits.maxCases() && !runningOrFinished(className, methodName)) {
      caseStarted(className, methodName);
      c = running.get(className + "/" + methodName);
    }
    return c;
  }

  private boolean runningOrFinished(String className, String methodName) {
    for (Suite s : leaves) {
      for (Case c : s.cases) {
        if (c.className.equals(className) && c.methodName.equals(methodName)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The suite a case of this class belongs to: the innermost open suite, or one named after the class. */
  private Suite suiteFor(String className) {
    Suite s = open.peek();
    if (s == null) {
      if (classless == null || !classless.name.equals(className)) {
        classless = new Suite(className, null, limits.maxOutputChars());
        leaves.add(classless);
      }
      return classless;
    }
    if (!s.leaf) {
      s.leaf = true;
      leaves.add(s);
    }
    return s;
  }

  private static <V> V last(Map<String, V> map) {
    V last = null;
    for (V v : map.values()) {
      last = v;
    }
    return last;
  }

  private static final class Suite {
    final String name;
    final Instant startedAt;
    final List<Case> cases = new ArrayList<>();
    final Output output;
    Duration duration;
    boolean leaf;

    Suite(String name, Instant startedAt, int maxOutput) {
      this.name = name;
      this.startedAt = startedAt;
      this.output = new Output(maxOutput);
    }
  }

  private static final class Case {
    final String className;
    final String methodName;
    final List<TestFailure> failures = new ArrayList<>();
    final Output output;
    TestStatus status;
    Duration duration = Duration.ZERO;

    Case(String className, String methodName, int maxOutput) {
      this.className = Objects.requireNonNull(className, "className");
      this.methodName = Objects.requireNonNull(methodName, "methodName");
      this.output = new Output(maxOutput);
    }

    String key() {
      return className + "/" + methodName;
    }

    TestCaseResult result() {
      if (status != null) {
        return new TestCaseResult(className, methodName, status, duration, failures, output.toString());
      }
      List<TestFailure> all = new ArrayList<>(failures);
      all.add(new TestFailure("the test did not finish: the run ended while it was running", null, 0));
      return new TestCaseResult(className, methodName, TestStatus.ERROR, duration, all, output.toString());
    }
  }

  /** Text kept up to a bound; what is cut is counted and noted at the end. */
  private static final class Output {
    private final int max;
    private final StringBuilder text = new StringBuilder();
    private long cut;

    Output(int max) {
      this.max = max;
    }

    void append(String s) {
      int room = max - text.length();
      if (s.length() <= room) {
        text.append(s);
      } else {
        text.append(s, 0, Math.max(0, room));
        cut += s.length() - Math.max(0, room);
      }
    }

    @Override
    public String toString() {
      return cut == 0 ? text.toString() : text + "[" + cut + " more characters not kept]\n";
    }
  }
}
