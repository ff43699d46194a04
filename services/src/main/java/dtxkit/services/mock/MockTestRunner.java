package dtxkit.services.mock;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.archive.XCActivityRecord;
import dtxkit.runtime.archive.XCTAttachment;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTTestIdentifier;
import dtxkit.runtime.archive.XCTTestIdentifierSet;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.services.xctest.XCTestDriverInterface;
import dtxkit.services.xctest.XCTestManagerIdeInterface;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake XCTest runner process, played on the IDE's test session connection: once the control session authorized
 * its pid it opens {@code dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface} to the IDE, says its bundle is
 * ready, takes its configuration (the reply to {@code _XCT_testRunnerReadyWithCapabilities:}, or the file
 * {@code XCTestConfigurationFilePath} names), and on {@code _IDE_startExecutingTestPlanWithProtocolVersion:} runs its
 * {@link MockTestPlan}: the selected tests, in the order and argument shapes of a recorded run (go-ios
 * {@code conn-in4}), with the runner's own debug lines where a real runner writes them. It ends when killed, when the
 * IDE's connection closes, or after the plan once the IDE lets it go (closes the channel or kills it).
 */
final class MockTestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MockTestRunner.class);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** The longest a test that runs until killed runs (WebDriverAgent's stays up "for ever"). */
  static final Duration RUN_UNTIL_KILLED_LIMIT = Duration.ofHours(24);
  /** The minimum protocol version a runner announces ({@code _XCT_testBundleReadyWithProtocolVersion:minimumVersion:}). */
  static final long MINIMUM_PROTOCOL_VERSION = 7;
  /** The capabilities the runner announces with {@code _XCT_testRunnerReadyWithCapabilities:}. */
  static final XCTCapabilities RUNNER_CAPABILITIES = new XCTCapabilities(MockTestmanagerd.capabilities(
      "expected failure test capability", "skipped test capability", "test timeout capability",
      "ubiquitous test identifiers", "XCTIssue capability"));

  private final MockTestmanagerd daemon;
  private final MockProcess process;
  private final UUID session;
  private final MockTestPlan plan;
  private final Object lock = new Object();
  private final CompletableFuture<Long> start = new CompletableFuture<>();
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private volatile boolean ended;
  private volatile Thread thread;
  private volatile DtxProxyHandle<XCTestManagerIdeInterface, XCTestDriverInterface> driver;
  private XCTestManagerIdeInterface ide;
  private long tid = 3_829_269;

  MockTestRunner(MockTestmanagerd daemon, MockProcess process, UUID session, MockTestPlan plan) {
    this.daemon = daemon;
    this.process = process;
    this.session = session;
    this.plan = plan;
  }

  UUID session() {
    return session;
  }

  void thread(Thread t) {
    this.thread = t;
  }

  /** The control session authorized a pid: wake the runner waiting for it. */
  void authorizationChanged() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** The process was killed or exited: stop playing, drop the channel. */
  void killed() {
    end();
  }

  /** The IDE's connection closed: nobody to report to. */
  void sessionEnded() {
    end();
    daemon.state().terminate(process.pid(), 1, null);
  }

  private void end() {
    ended = true;
    start.cancel(false);
    released.complete(null);
    synchronized (lock) {
      lock.notifyAll();
    }
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
    }
    DtxProxyHandle<?, ?> handle = driver;
    if (handle != null) {
      try {
        handle.close();
      } catch (RuntimeException e) {
        LOG.debug("closing runner {}'s channel: {}", process.pid(), e.toString());
      }
    }
  }

  void run() {
    Integer exit = 0;
    try {
      MockTestmanagerd.Session s = awaitSessionAndAuthorization();
      if (s == null) {
        exit = ended ? null : 1;
        return;
      }
      DtxConnection connection = s.connection();
      driver = connection.openProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class,
          new XCTestDriverInterface() {
            @Override
            public void startExecutingTestPlan(long protocolVersion) {
              start.complete(protocolVersion);
            }
          });
      if (ended) {
        driver.close();
        return;
      }
      driver.onClose(cause -> released.complete(null));
      // The runner's own DTX connection announces its capabilities through the daemon, as recorded.
      connection.controlChannel().send("_notifyOfPublishedCapabilities:",
          DtxArgument.object(daemon.registry().publishedCapabilities()));
      ide = driver.remote();
      ide.testBundleReadyWithProtocolVersion(s.protocolVersion(), MINIMUM_PROTOCOL_VERSION);
      XCTestConfiguration configuration = configuration();
      long version = await(start, daemon.runnerWait(), "_IDE_startExecutingTestPlanWithProtocolVersion:");
      play(version, configuration);
      // A runner waits for the IDE to confirm the end of the session: it closes the channel or kills it.
      await(released, daemon.runnerWait(), "the IDE to end the session");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = ended ? null : 1;
    } catch (TimeoutException | RuntimeException e) {
      if (!ended) {
        LOG.info("mock test runner {} (pid {}) stopped: {}", process.bundleIdentifier(), process.pid(),
            e.toString());
        exit = 1;
      } else {
        exit = null;
      }
    } finally {
      if (exit != null && !ended) {
        ended = true;
        daemon.state().terminate(process.pid(), exit, null);
      }
      DtxProxyHandle<?, ?> handle = driver;
      if (handle != null) {
        handle.close();
      }
    }
  }

  private MockTestmanagerd.Session awaitSessionAndAuthorization() throws InterruptedException {
    long deadline = System.nanoTime() + daemon.runnerWait().toNanos();
    synchronized (lock) {
      while (!ended) {
        MockTestmanagerd.Session s = daemon.session(session);
        if (s != null && daemon.authorized(process.pid())) {
          return s;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.info("mock test runner {} (pid {}): {} within {}", process.bundleIdentifier(), process.pid(),
              s == null ? "no test session " + session : "the control session did not authorize it",
              daemon.runnerWait());
          return null;
        }
        // Sessions appear without a notification to this lock: poll them at a short interval.
        lock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 20)));
      }
    }
    return null;
  }

  /** The configuration: from the file the environment names when it exists, else asked of the IDE. */
  private XCTestConfiguration configuration() {
    XCTestConfiguration file = configurationFile(daemon.state(),
        process.environment().getOrDefault("XCTestConfigurationFilePath", ""));
    if (file != null) {
      return file;
    }
    XCTestConfiguration c = ide.testRunnerReadyWithCapabilities(RUNNER_CAPABILITIES);
    debug("Received test runner ready reply with error: (null)");
    return c;
  }

  /** The archived configuration at {@code path} in the device's files, or null (no path, no file, not one). */
  static XCTestConfiguration configurationFile(DeviceState state, String path) {
    if (path == null || path.isEmpty()) {
      return null;
    }
    byte[] file = state.file(path);
    if (file == null) {
      return null;
    }
    try {
      if (NSKeyedUnarchiver.unarchive(file) instanceof XCTestConfiguration c) {
        return c;
      }
      LOG.info("{} holds no XCTestConfiguration", path);
    } catch (DtxProtocolException e) {
      LOG.info("{} is no archive: {}", path, e.getMessage());
    }
    return null;
  }

  private static <T> T await(CompletableFuture<T> future, Duration wait, String what)
      throws InterruptedException, TimeoutException {
    try {
      return future.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for " + what + ": " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.CancellationException e) {
      throw new InterruptedException("ended while waiting for " + what);
    } catch (TimeoutException e) {
      throw new TimeoutException("no " + what + " within " + wait);
    }
  }

  // ---- the plan ---------------------------------------------------------------------------------------------

  private record Counts(int run, int skipped, int failed, double seconds) {
    Counts plus(Counts o) {
      return new Counts(run + o.run, skipped + o.skipped, failed + o.failed, seconds + o.seconds);
    }
  }

  private void play(long version, XCTestConfiguration configuration) throws InterruptedException {
    List<MockTestPlan.TestCase> tests = plan.select(names(configuration, "testsToRun", "testIdentifiersToRun"),
        names(configuration, "testsToSkip", "testIdentifiersToSkip"));
    debug("_IDE_startExecutingTestPlanWithProtocolVersion:" + version);
    startupLines(version, configuration);
    ide.didBeginExecutingTestPlan();
    if (Boolean.TRUE.equals(configuration == null ? null : configuration.flag("initializeForUITesting"))) {
      ide.didBeginInitializingForUiTesting();
      debug("Initializing for UI testing");
    } else {
      debug("Bypassing UI testing initialization because the test configuration does not request it.");
    }
    debug("Entering test execution event loop");
    debug("-[XCTRunnerIDESession testBundleWillStart:]");
    debug("Loading test suite...");
    debug("Finished loading test suite, took 0.009s");
    debug("Running suite...");
    Instant began = Instant.now();
    suiteStarted("All tests");
    suiteStarted(plan.bundleName() + ".xctest");
    Counts all = new Counts(0, 0, 0, 0);
    Map<String, List<MockTestPlan.TestCase>> byClass = new LinkedHashMap<>();
    for (MockTestPlan.TestCase t : tests) {
      byClass.computeIfAbsent(t.testClass(), k -> new ArrayList<>()).add(t);
    }
    for (Map.Entry<String, List<MockTestPlan.TestCase>> c : byClass.entrySet()) {
      suiteStarted(c.getKey());
      Counts counts = new Counts(0, 0, 0, 0);
      for (MockTestPlan.TestCase t : c.getValue()) {
        counts = counts.plus(runCase(t));
        if (ended) {
          return;
        }
      }
      suiteFinished(c.getKey(), counts, began);
      all = all.plus(counts);
    }
    suiteFinished(plan.bundleName() + ".xctest", all, began);
    suiteFinished("All tests", all, began);
    debug("Finished running suite.");
    ide.didFinishExecutingTestPlan();
    debug("-[XCTRunnerIDESession testBundleDidFinish:], Flushing connection to IDE...");
    debug("Exited test execution event loop");
    debug("Calling completion.");
    debug("<XCTWaiter: 0x600002a60ea0, state: XCTWaiterStateInProgress> entering wait loop for 1800.00s with "
        + "expectations: `IDE confirmed the end of session`");
  }

  private Counts runCase(MockTestPlan.TestCase t) throws InterruptedException {
    String testClass = plan.bundleName() + "." + t.testClass();
    ide.testCaseDidStart(testClass, t.method());
    debug("-[XCTRunnerIDESession testCaseWillStart:] " + testClass + " " + t.method());
    for (String line : t.logs()) {
      ide.logMessage(line.endsWith("\n") ? line : line + "\n");
    }
    if (t.activity() != null) {
      activity(testClass, t);
    }
    if (t.measuresPerformance()) {
      debug("-[XCTRunnerIDESession _testCase:didMeasureValues:forPerformanceMetricID:name:unitsOfMeasurement:"
          + "baselineName:baselineAverage:maxPercentRegression:maxPercentRelativeStandardDeviation:maxRegression:"
          + "maxStandardDeviation:file:line:]");
      ide.testMethodDidMeasureMetric(t.method(), testClass, metric(), t.testClass() + ".swift", 29);
    }
    if (t.outcome() == MockTestPlan.Outcome.RUNS_UNTIL_KILLED) {
      try {
        released.get(RUN_UNTIL_KILLED_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
        LOG.debug("runner {}: {} ran {}", process.pid(), t.name(), RUN_UNTIL_KILLED_LIMIT);
      }
      ended = true;
      return new Counts(1, 0, 0, 0);
    }
    if (t.failure() != null) {
      ide.testCaseDidFail(testClass, t.method(), t.failure().message(), t.failure().file(), t.failure().line());
    }
    debug("-[XCTRunnerIDESession testCaseDidFinish:]");
    double seconds = t.duration().toNanos() / 1e9;
    String status = switch (t.outcome()) {
      case PASSED -> "passed";
      case FAILED -> "failed";
      case SKIPPED -> "skipped";
      case RUNS_UNTIL_KILLED -> throw new IllegalStateException("handled above");
    };
    ide.testCaseDidFinish(testClass, t.method(), status, seconds);
    return new Counts(1, t.outcome() == MockTestPlan.Outcome.SKIPPED ? 1 : 0,
        t.outcome() == MockTestPlan.Outcome.FAILED ? 1 : 0, seconds);
  }

  private void activity(String testClass, MockTestPlan.TestCase t) {
    MockTestPlan.Activity a = t.activity();
    UUID id = UUID.nameUUIDFromBytes((process.pid() + "/" + t.name() + "/" + a.title()).getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    Instant begin = Instant.now();
    Map<String, Object> started = new LinkedHashMap<>();
    started.put("title", a.title());
    started.put("activityType", "com.apple.dt.xctest.activity-type.userCreated");
    started.put("uuid", id);
    started.put("start", begin);
    ide.testCaseWillStartActivity(testClass, t.method(), XCActivityRecord.of(started));
    Map<String, Object> attachment = new LinkedHashMap<>();
    attachment.put("name", a.attachmentName());
    attachment.put("uniformTypeIdentifier", a.uniformTypeIdentifier());
    attachment.put("timestamp", begin);
    attachment.put("data", a.attachment());
    Map<String, Object> finished = new LinkedHashMap<>(started);
    finished.put("finish", Instant.now());
    finished.put("attachments", List.of(XCTAttachment.of(attachment)));
    ide.testCaseDidFinishActivity(testClass, t.method(), XCActivityRecord.of(finished));
  }

  private static Map<String, Object> metric() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_XCTPerfMetricIDKey", "com.apple.XCTPerformanceMetric_WallClockTime");
    m.put("_XCTPerfMetricNameKey", "Time");
    m.put("_XCTPerfMetricUnitsKey", "seconds");
    m.put("_XCTPerfMetricValuesKey", List.of(3.6e-05, 1.1e-05, 7.2e-06, 6.4e-06, 6.3e-06, 5.7e-06, 5.6e-06,
        5.4e-06, 5.4e-06, 5.4e-06));
    m.put("_XCTPerfMetricMaxPercentRegressionKey", 10L);
    m.put("_XCTPerfMetricMaxPercentRelativeStdDevKey", 10L);
    m.put("_XCTPerfMetricMaxRegressionKey", 0.1);
    m.put("_XCTPerfMetricMaxStdDevKey", 0.1);
    return m;
  }

  private void suiteStarted(String name) {
    debug("-[XCTRunnerIDESession testSuiteWillStart:]");
    ide.testSuiteDidStart(name, DATE.format(Instant.now()));
  }

  private void suiteFinished(String name, Counts c, Instant began) {
    debug("-[XCTRunnerIDESession testSuiteDidFinish:]");
    double total = Math.max(c.seconds(), Duration.between(began, Instant.now()).toNanos() / 1e9);
    ide.testSuiteDidFinishWithSkips(name, DATE.format(Instant.now()), c.run(), c.skipped(), c.failed(), 0,
        c.seconds(), total);
  }

  /** What a runner logs about itself as it starts (sent once the plan starts, as recorded). */
  private void startupLines(long version, XCTestConfiguration configuration) {
    String bundle = process.executablePath().substring(0, process.executablePath().lastIndexOf('/'));
    debug("Linked XCTest.framework from " + bundle + "/Frameworks/XCTest.framework/XCTest, built with Xcode "
        + "1520(15C500b), modified on Tuesday, December 5, 2023 at 9:00:00 AM Coordinated Universal Time");
    debug("System uptime: 21:23");
    StringBuilder args = new StringBuilder("Process arguments: (\n    \"").append(process.executablePath()).append('"');
    for (String a : process.arguments()) {
      args.append(",\n    ").append(a);
    }
    debug(args.append("\n)").toString());
    StringBuilder env = new StringBuilder("Process environment: {\n");
    process.environment().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> env.append("    \"").append(e.getKey()).append("\" = \"").append(e.getValue()).append("\";\n"));
    debug(env.append('}').toString());
    debug("App Sandbox active: NO");
    debug("Active test configuration: " + (configuration == null ? "(null)" : describe(configuration)));
    debug("Creating future for 'acquiring IDE transport' with timeout 60.00");
    debug("Creating future for 'exchanging protocol versions with daemon' with timeout 60.00");
    debug("<XCTWaiter: 0x600002a6d320, state: XCTWaiterStateInProgress> entering wait loop for 60.00s with "
        + "expectations: `exchanging protocol versions with daemon`");
    debug("Got daemon protocol version " + version);
    debug("Creating future for 'exchange connection capabilities' with timeout 30.00");
    debug("<XCTWaiter: 0x600002a60e40, state: XCTWaiterStateInProgress> entering wait loop for 30.00s with "
        + "expectations: `exchange connection capabilities`");
    debug("Received remote interface capabilities: <XCTCapabilities>: "
        + MockTestmanagerd.DAEMON_CAPABILITIES.capabilities());
    debug("Requesting serialized transport wrapper for IDE connection");
    debug("<XCTWaiter: 0x600002a608a0, state: XCTWaiterStateInProgress> entering wait loop for 59.95s with "
        + "expectations: `acquiring IDE transport`");
    debug("Creating transport with received transport data");
    debug("Creating connection with transport <DTXFileDescriptorTransport: 0x600002569dc0>");
    debug("Creating the proxy channel with connection <DTXConnection 0x600003271300 : x1>");
  }

  private static String describe(XCTestConfiguration c) {
    StringBuilder s = new StringBuilder("<XCTestConfiguration>\n");
    for (String key : List.of("testBundleURL", "productModuleName", "testsToSkip", "testsToRun",
        "sessionIdentifier", "targetApplicationPath", "targetApplicationBundleID", "initializeForUITesting")) {
      s.append("\t").append(key).append(':').append(c.get(key)).append('\n');
    }
    return s.toString();
  }

  private void debug(String text) {
    ide.logDebugMessage(CLOCK.format(Instant.now()) + " " + process.name() + "[" + process.pid() + ":" + tid + "] "
        + text + "\n");
  }

  /** The names a configuration selects ({@code Class/method} or {@code Class}), or null for "all". */
  static Set<String> names(XCTestConfiguration c, String namesKey, String identifiersKey) {
    if (c == null) {
      return null;
    }
    Set<String> names = null;
    if (c.get(namesKey) instanceof Collection<?> list) {
      names = new HashSet<>();
      for (Object o : list) {
        if (o instanceof String s) {
          names.add(s);
        }
      }
    }
    if (c.get(identifiersKey) instanceof XCTTestIdentifierSet set) {
      names = names == null ? new HashSet<>() : names;
      for (XCTTestIdentifier id : set.identifiers()) {
        names.add(String.join("/", id.components()));
      }
    }
    return names;
  }
}
