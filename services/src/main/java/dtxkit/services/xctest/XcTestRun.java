package dtxkit.services.xctest;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxFallbackHandler;
import dtxkit.runtime.DtxInvocation;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.archive.NSURL;
import dtxkit.runtime.archive.XCActivityRecord;
import dtxkit.runtime.archive.XCTAttachment;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTIssue;
import dtxkit.runtime.archive.XCTSourceCodeContext;
import dtxkit.runtime.archive.XCTSourceCodeLocation;
import dtxkit.runtime.archive.XCTTestIdentifier;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.services.processcontrol.ProcessControl;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started XCTest run ({@link XcTestRunner#start}): its events in arrival order ({@link #poll}, or the request's
 * listener), {@link #ready()} once the plan runs, {@link #summary()} once it finished. Closing the run kills the
 * runner ({@code killPid:} through processcontrol) and closes its connections; a run that never finishes (a
 * WebDriverAgent server) stays up until then.
 *
 * <p>The summary fails with an {@link XcTestException} when the run breaks before its plan finished: a testmanagerd
 * connection closed, the runner exited, or it could not bootstrap; with a {@link CancellationException} when the run
 * was closed first.
 */
public final class XcTestRun implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XcTestRun.class);
  /** Log lines kept for {@link #awaitLog} calls made after the line arrived. */
  static final int LOG_HISTORY = 1_000;

  private final XcTestRequest request;
  private final XcTestRunner.Flow flow;
  private final XCTestConfiguration configuration;
  private final long startNanos = System.nanoTime();
  private final List<DtxConnection> connections = new CopyOnWriteArrayList<>();
  private final CompletableFuture<XCTestDriverInterface> driver = new CompletableFuture<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<XcTestSummary> summary = new CompletableFuture<>();
  private final BlockingQueue<XcTestEvent> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final HostIde ide = new HostIde();
  private final Deque<String> logHistory = new ArrayDeque<>();
  private final List<LogWatch> watches = new ArrayList<>();
  private final List<XcTestEvent.CaseFinished> cases = new ArrayList<>();
  private final List<XcTestEvent.CaseFailed> failures = new ArrayList<>();
  private int passed;
  private int failed;
  private int skipped;
  private volatile int pid = -1;
  private volatile ProcessControl processControl;
  private volatile boolean closing;
  private final AtomicLong unknownCallbacks = new AtomicLong();
  private final java.util.Set<String> unknownSelectors = new java.util.LinkedHashSet<>();
  /** How many distinct unknown selectors {@link #unknownSelectors()} names. */
  static final int MAX_UNKNOWN_NAMES = 32;

  private record LogWatch(Pattern pattern, CompletableFuture<String> future) {}

  XcTestRun(XcTestRequest request, XcTestRunner.Flow flow, XCTestConfiguration configuration) {
    this.request = request;
    this.flow = flow;
    this.configuration = configuration;
    this.queue = new ArrayBlockingQueue<>(request.maxQueuedEvents());
  }

  /** The runner's process id (-1 before its launch). */
  public int pid() {
    return pid;
  }

  /** The session shared by the IDE and the runner ({@code XCTestSessionIdentifier}). */
  public UUID sessionIdentifier() {
    return configuration.sessionIdentifier();
  }

  /** The configuration the runner was given. */
  public XCTestConfiguration configuration() {
    return configuration;
  }

  /** The flow of the device's iOS version. */
  public XcTestRunner.Flow flow() {
    return flow;
  }

  /** The request. */
  public XcTestRequest request() {
    return request;
  }

  /** Completes when the runner begins its plan ({@code _XCT_didBeginExecutingTestPlan}). */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  /** Completes when the plan finished; see the class description for how it fails. */
  public CompletableFuture<XcTestSummary> summary() {
    return summary;
  }

  /** The next event, waiting at most {@code timeout}; null when none came (or the run is over and drained). */
  public XcTestEvent poll(Duration timeout) throws InterruptedException {
    return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Events {@link #poll} lost because its buffer ({@link XcTestRequest#maxQueuedEvents()}) was full. */
  public long droppedEvents() {
    return dropped.get();
  }

  /**
   * The first log line (runner messages and process output, including the last {@value #LOG_HISTORY} lines already
   * seen) matching {@code pattern}: its first group when the pattern has one, else the match. WebDriverAgent prints
   * {@code ServerURLHere->http://...<-ServerURLHere} once it serves.
   */
  public CompletableFuture<String> awaitLog(Pattern pattern) {
    Objects.requireNonNull(pattern, "pattern");
    CompletableFuture<String> future = new CompletableFuture<>();
    synchronized (this) {
      for (String line : logHistory) {
        String found = match(pattern, line);
        if (found != null) {
          future.complete(found);
          return future;
        }
      }
      if (summary.isDone()) {
        future.completeExceptionally(new XcTestException("the run ended without a log line matching " + pattern));
      } else {
        watches.add(new LogWatch(pattern, future));
      }
    }
    return future;
  }

  private static String match(Pattern pattern, String line) {
    Matcher m = pattern.matcher(line);
    if (!m.find()) {
      return null;
    }
    return m.groupCount() > 0 && m.group(1) != null ? m.group(1) : m.group();
  }

  /**
   * {@code _XCT_*} callbacks the runner sent that {@link XCTestManagerIdeInterface} does not declare (a newer iOS):
   * acknowledged with OK as Xcode does, and counted here.
   */
  public long unknownCallbacks() {
    return unknownCallbacks.get();
  }

  /** The first {@value #MAX_UNKNOWN_NAMES} distinct selectors among {@link #unknownCallbacks()}. */
  public java.util.Set<String> unknownSelectors() {
    synchronized (unknownSelectors) {
      return java.util.Set.copyOf(unknownSelectors);
    }
  }

  /** Stops the run: kills the runner and closes the connections; an unfinished summary is cancelled. */
  public void cancel() {
    close();
  }

  @Override
  public void close() {
    closing = true;
    ProcessControl pc = processControl;
    int runner = pid;
    if (pc != null && runner > 0) {
      try {
        pc.killPid(runner);
      } catch (RuntimeException e) {
        LOG.debug("killPid: {} failed", runner, e);
      }
    }
    for (DtxConnection connection : connections) {
      connection.close();
    }
    fail(new CancellationException("the run was closed before its plan finished"));
  }

  // Wiring, called by XcTestRunner

  DtxConnection own(DtxConnection connection) {
    connections.add(connection);
    return connection;
  }

  void watch(DtxConnection connection, String which) {
    connection.closeFuture().whenComplete((ok, error) -> {
      if (!closing) {
        fail(new XcTestException("the testmanagerd " + which + " connection closed before the plan finished"
            + (connection.closeCause() == null ? "" : ": " + connection.closeCause().getMessage())
            + " (did the runner exit?)"));
      }
    });
  }

  XCTestManagerIdeInterface ide() {
    return ide;
  }

  /** The runner opened its channel: the registry's factory for it. */
  XCTestManagerIdeInterface runnerConnected(DtxChannel channel, XCTestDriverInterface runnerDriver) {
    LOG.debug("the runner opened {} as channel {}", channel.identifier(), channel.code());
    driver.complete(runnerDriver);
    return ide;
  }

  CompletableFuture<XCTestDriverInterface> driver() {
    return driver;
  }

  void launched(int runnerPid, ProcessControl control) {
    this.pid = runnerPid;
    this.processControl = control;
  }

  ProcessControl.Events processEvents() {
    return new ProcessControl.Events() {
      @Override
      public void outputReceived(String output, int from, long machTime) {
        // Only the runner is launched on this channel.
        for (String line : output.split("\n")) {
          if (!line.isEmpty()) {
            emit(new XcTestEvent.Log(line, XcTestEvent.Log.Source.OUTPUT));
          }
        }
      }

      @Override
      public void processTerminated(int terminated, Integer exitCode, Integer crashingSignal) {
        if (terminated == pid && !closing) {
          fail(new XcTestException("the runner (pid " + terminated + ") exited before the plan finished"
              + (exitCode != null ? " with code " + exitCode : "")
              + (crashingSignal != null ? " on signal " + crashingSignal : "")));
        }
      }
    };
  }

  // Events

  private synchronized void emit(XcTestEvent event) {
    if (event instanceof XcTestEvent.CaseFinished c) {
      if (c.passed()) {
        passed++;
      } else if (c.skipped()) {
        skipped++;
      } else if (c.failed()) {
        failed++;
      }
      if (cases.size() < request.maxRecordedCases()) {
        cases.add(c);
      }
    } else if (event instanceof XcTestEvent.CaseFailed f) {
      if (failures.size() < request.maxRecordedCases()) {
        failures.add(f);
      }
    } else if (event instanceof XcTestEvent.Log log) {
      if (logHistory.size() == LOG_HISTORY) {
        logHistory.removeFirst();
      }
      logHistory.addLast(log.message());
      watches.removeIf(w -> {
        String found = match(w.pattern(), log.message());
        return found != null && w.future().complete(found);
      });
    }
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
    }
    if (request.listener() != null) {
      try {
        request.listener().accept(event);
      } catch (RuntimeException e) {
        LOG.warn("the XCTest event listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
      }
    }
    if (event instanceof XcTestEvent.PlanStarted) {
      ready.complete(null);
    } else if (event instanceof XcTestEvent.PlanFinished) {
      ready.complete(null);
      summary.complete(new XcTestSummary(passed, failed, skipped, cases, failures,
          Duration.ofNanos(System.nanoTime() - startNanos)));
      endWatches();
    }
  }

  private void fail(Throwable cause) {
    driver.completeExceptionally(cause);
    ready.completeExceptionally(cause);
    if (summary.completeExceptionally(cause) && !(cause instanceof CancellationException)) {
      LOG.info("XCTest run of {} failed: {}", request.runnerBundleId(), cause.getMessage());
    }
    synchronized (this) {
      endWatches();
    }
  }

  private void endWatches() {
    for (LogWatch w : watches) {
      w.future().completeExceptionally(new XcTestException("the run ended without a log line matching "
          + w.pattern()));
    }
    watches.clear();
  }

  private static String className(XCTTestIdentifier id) {
    return id.components().isEmpty() ? "" : id.components().get(0);
  }

  private static String methodName(XCTTestIdentifier id) {
    return id.components().size() > 1 ? id.components().get(id.components().size() - 1) : "";
  }

  private static String suiteName(XCTTestIdentifier id) {
    return String.join("/", id.components());
  }

  private static String describe(NSError error) {
    return error == null ? "no error" : error.domain() + " " + error.code() + ": " + error.localizedDescription();
  }

  /** The IDE side of the run: what testmanagerd and the runner call, turned into events. */
  private final class HostIde implements XCTestManagerIdeInterface, DtxFallbackHandler {

    /**
     * A {@code _XCT_*} callback nobody declared yet (a newer runner): acknowledged as Xcode does, counted, and named
     * in one log line per selector (at most {@link #MAX_UNKNOWN_NAMES}).
     */
    @Override
    public Object handleUnknown(DtxInvocation invocation) {
      String selector = invocation.selector();
      if (!selector.startsWith("_XCT_")) {
        throw DtxUnrecognizedSelectorException.forSelector(selector, "XCTestManager_IDEInterface");
      }
      unknownCallbacks.incrementAndGet();
      boolean first;
      synchronized (unknownSelectors) {
        first = unknownSelectors.size() < MAX_UNKNOWN_NAMES && unknownSelectors.add(selector);
      }
      if (first) {
        LOG.info("the runner sent {}, which dtxkit does not know; acknowledged and counted", selector);
      }
      return null;
    }

    @Override
    public void logMessage(String message) {
      emit(new XcTestEvent.Log(message, XcTestEvent.Log.Source.MESSAGE));
    }

    @Override
    public void logDebugMessage(String message) {
      emit(new XcTestEvent.Log(message, XcTestEvent.Log.Source.DEBUG));
    }

    @Override
    public XCTestConfiguration testRunnerReadyWithCapabilities(XCTCapabilities capabilities) {
      LOG.debug("the runner is ready with {}", capabilities.capabilities());
      return configuration;
    }

    @Override
    public void initializationForUiTestingDidFail(NSError error) {
      fail(new XcTestException("the runner could not initialize for UI testing: " + describe(error)));
    }

    @Override
    public void didFailToBootstrap(NSError error) {
      fail(new XcTestException("the runner failed to bootstrap: " + describe(error)));
    }

    @Override
    public void didBeginExecutingTestPlan() {
      emit(new XcTestEvent.PlanStarted());
    }

    @Override
    public void didFinishExecutingTestPlan() {
      emit(new XcTestEvent.PlanFinished());
    }

    @Override
    public void testSuiteDidStart(String suite, String startedAt) {
      emit(new XcTestEvent.SuiteStarted(suite, startedAt));
    }

    @Override
    public void testSuiteDidFinish(String suite, String finishedAt, long runCount, long failures, long unexpected,
        double testDuration, double totalDuration) {
      emit(new XcTestEvent.SuiteFinished(suite, finishedAt, runCount, 0, failures, unexpected, testDuration,
          totalDuration));
    }

    @Override
    public void testSuiteDidFinishWithSkips(String suite, String finishedAt, long runCount, long skipCount,
        long failureCount, long unexpectedFailureCount, double testDuration, double totalDuration) {
      emit(new XcTestEvent.SuiteFinished(suite, finishedAt, runCount, skipCount, failureCount,
          unexpectedFailureCount, testDuration, totalDuration));
    }

    @Override
    public void testSuiteWithIdentifierDidStart(XCTTestIdentifier suite, String startedAt) {
      emit(new XcTestEvent.SuiteStarted(suiteName(suite), startedAt));
    }

    @Override
    public void testSuiteWithIdentifierDidFinish(XCTTestIdentifier suite, String finishedAt, long runCount,
        long skipCount, long failureCount, long expectedFailureCount, long uncaughtExceptionCount,
        double testDuration, double totalDuration) {
      emit(new XcTestEvent.SuiteFinished(suiteName(suite), finishedAt, runCount, skipCount, failureCount,
          uncaughtExceptionCount, testDuration, totalDuration));
    }

    @Override
    public void testCaseDidStart(String testClass, String method) {
      emit(new XcTestEvent.CaseStarted(testClass, method));
    }

    @Override
    public void testCaseDidFinish(String testClass, String method, String status, double duration) {
      emit(new XcTestEvent.CaseFinished(testClass, method, status, duration));
    }

    @Override
    public void testCaseDidFail(String testClass, String method, String message, String file, long line) {
      emit(new XcTestEvent.CaseFailed(testClass, method, message, file, line));
    }

    @Override
    public void testCaseDidStall(String testClass, String method, String file, long line) {
      emit(new XcTestEvent.Stalled(testClass, method, file, line));
    }

    @Override
    public void testMethodDidMeasureMetric(String method, String testClass, Map<String, Object> metric, String file,
        long line) {
      emit(new XcTestEvent.Metric(testClass, method, metric, file, line));
    }

    @Override
    public void testCaseWillStartActivity(String testClass, String method, XCActivityRecord activity) {
      emit(new XcTestEvent.ActivityStarted(testClass, method, activity));
    }

    @Override
    public void testCaseDidFinishActivity(String testClass, String method, XCActivityRecord activity) {
      finishedActivity(testClass, method, activity);
    }

    @Override
    public void testCaseWithIdentifierDidStart(XCTTestIdentifier test) {
      emit(new XcTestEvent.CaseStarted(className(test), methodName(test)));
    }

    @Override
    public void testCaseWithIdentifierDidStartIteration(XCTTestIdentifier test, long iteration) {
      testCaseWithIdentifierDidStart(test);
    }

    @Override
    public void testCaseWithIdentifierDidStartRun(XCTTestIdentifier test, Object runConfiguration) {
      testCaseWithIdentifierDidStart(test);
    }

    @Override
    public void testCaseWithIdentifierDidFinish(XCTTestIdentifier test, String status, double duration) {
      emit(new XcTestEvent.CaseFinished(className(test), methodName(test), status, duration));
    }

    @Override
    public void testCaseWithIdentifierDidRecordIssue(XCTTestIdentifier test, XCTIssue issue) {
      String message = issue.compactDescription() != null ? issue.compactDescription() : issue.detailedDescription();
      String file = null;
      long line = 0;
      XCTSourceCodeContext context = issue.sourceCodeContext();
      XCTSourceCodeLocation location = context == null ? null : context.location();
      if (location != null) {
        NSURL url = location.fileUrl();
        if (url != null) {
          String text = url.relative();
          file = text.startsWith("file://") ? text.substring("file://".length()) : text;
        }
        line = location.lineNumber() == null ? 0 : location.lineNumber().longValue();
      }
      emit(new XcTestEvent.CaseFailed(className(test), methodName(test), message == null ? "" : message, file,
          line));
    }

    @Override
    public void testCaseWithIdentifierWillStartActivity(XCTTestIdentifier test, XCActivityRecord activity) {
      emit(new XcTestEvent.ActivityStarted(className(test), methodName(test), activity));
    }

    @Override
    public void testCaseWithIdentifierDidFinishActivity(XCTTestIdentifier test, XCActivityRecord activity) {
      finishedActivity(className(test), methodName(test), activity);
    }

    private void finishedActivity(String testClass, String method, XCActivityRecord activity) {
      emit(new XcTestEvent.ActivityFinished(testClass, method, activity));
      List<?> attachments = activity.attachments();
      if (attachments != null) {
        for (Object attachment : attachments) {
          if (attachment instanceof XCTAttachment a) {
            emit(new XcTestEvent.Attachment(testClass, method, activity.title(), a));
          }
        }
      }
    }
  }
}
