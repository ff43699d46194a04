package dtxkit.services.xctest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.testing.DtxTestPeers;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.processcontrol.ProcessControl;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link XcTestRunner} against a device whose test session is the recorded one (go-ios {@code conn-in4}: a real
 * runner's bytes, played back as the runner's calls are made), its control session and processcontrol played by
 * small in-process peers. The run turns the recording into typed events and a summary.
 */
class XcTestRunnerRecordedTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    List<AutoCloseable> reversed = new ArrayList<>(closing);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      c.close();
    }
  }

  /** The device's side of a connection, served in memory with {@code registry}. */
  private DtxConnection[] serve(DtxServiceRegistry deviceRegistry, DtxServiceRegistry hostRegistry, String name)
      throws Exception {
    DtxTestPeers.Connected pair = DtxTestPeers.inMemory(deviceRegistry, hostRegistry, name, WAIT);
    closing.add(pair.device());
    return new DtxConnection[] {pair.host(), pair.device()};
  }

  @Test
  void theRecordedRunBecomesTypedEventsAndASummary() throws Exception {
    List<Integer> killed = new CopyOnWriteArrayList<>();
    List<Map<String, String>> launchedWith = new CopyOnWriteArrayList<>();
    List<String> controlCalls = new CopyOnWriteArrayList<>();
    InstalledApp runner = new InstalledApp("com.example.blaUITests.xctrunner", "blaUITests-Runner", "1.0", "User",
        "/private/var/containers/Bundle/Application/X/blaUITests-Runner.app", "/private/var/mobile/Containers/Data/Y",
        Map.of("CFBundleExecutable", "blaUITests-Runner"));

    XcTestDevice device = new XcTestDevice() {
      private int testManagers;

      @Override
      public String productVersion() {
        return "15.7";
      }

      @Override
      public DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException {
        try {
          if (testManagers++ == 0) {
            // The control session: a daemon answering as the recorded one did (conn-in2).
            DtxServiceRegistry daemon = new DtxServiceRegistry();
            daemon.registerProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
                (channel, ide) -> new ControlDaemon(controlCalls));
            return serve(daemon, registry, name)[0];
          }
          // The test session: the recorded device bytes.
          DtxTransport.Pair pair = DtxTransport.memoryPair();
          RecordedPeer recorded = new RecordedPeer(pair.b(), "conn-in4.dump");
          closing.add(recorded);
          recorded.play();
          return DtxConnection.builder(pair.a()).registry(registry).callTimeout(WAIT).name(name).connect();
        } catch (IOException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException(e);
        }
      }

      @Override
      public DtxConnection connectInstruments() throws IOException {
        DtxServiceRegistry instruments = new DtxServiceRegistry();
        instruments.register(ProcessControl.class, new FakeProcessControl(launchedWith, killed));
        try {
          return serve(instruments, new DtxServiceRegistry(), "instruments")[0];
        } catch (Exception e) {
          throw new IOException(e);
        }
      }

      @Override
      public InstalledApp lookupApp(String bundleIdentifier) {
        return bundleIdentifier.equals(runner.bundleIdentifier()) ? runner : null;
      }

      @Override
      public void writeToAppContainer(String bundleIdentifier, String path, byte[] content) throws IOException {
        throw new IOException("not on iOS 15");
      }
    };

    List<XcTestEvent> heard = new CopyOnWriteArrayList<>();
    XcTestRequest request = XcTestRequest.builder(runner.bundleIdentifier()).listener(heard::add)
        .environment("EXTRA", "1").build();
    try (XcTestRun run = XcTestRunner.on(device).start(request)) {
      XcTestSummary summary = run.summary().get(20, TimeUnit.SECONDS);
      assertEquals(XcTestRunner.Flow.SECURE, run.flow());
      assertEquals(2175, run.pid());
      assertEquals(2, summary.passed());
      assertEquals(0, summary.failed());
      assertTrue(summary.allPassed());
      assertEquals(List.of("passed", "passed"), summary.cases().stream().map(XcTestEvent.CaseFinished::status)
          .toList());
      assertEquals("testPerformanceExample", summary.cases().get(1).method());
      assertTrue(run.ready().isDone());

      // The events, in the recorded order (log lines aside).
      List<String> shape = heard.stream().filter(e -> !(e instanceof XcTestEvent.Log))
          .map(XcTestRunnerRecordedTest::shape).toList();
      assertEquals(List.of("PlanStarted", "SuiteStarted All tests", "SuiteStarted blaTests.xctest",
          "SuiteStarted blaTests", "CaseStarted testExample", "CaseFinished", "CaseStarted testPerformanceExample",
          "Metric", "CaseFinished", "SuiteFinished blaTests 2", "SuiteFinished blaTests.xctest 2",
          "SuiteFinished All tests 2", "PlanFinished"), shape);
      // The recorded runner logs four more lines after _XCT_didFinishExecutingTestPlan: wait for all 41.
      long logDeadline = System.nanoTime() + WAIT.toNanos();
      while (debugLines(heard) < 41 && System.nanoTime() < logDeadline) {
        Thread.sleep(5);
      }
      assertEquals(41, debugLines(heard));
      assertEquals("Got daemon protocol version 28", run.awaitLog(
          java.util.regex.Pattern.compile("(Got daemon protocol version \\d+)")).get(5, TimeUnit.SECONDS));
      XcTestEvent first = run.poll(Duration.ofSeconds(5));
      assertTrue(first instanceof XcTestEvent.Log, String.valueOf(first));
      assertEquals(0, run.droppedEvents());

      // How the runner was launched and authorized (iOS 14-16: protocol 36, no configuration file).
      Map<String, String> env = launchedWith.get(0);
      assertEquals(runner.path() + "/PlugIns/blaUITests.xctest", env.get("XCTestBundlePath"));
      assertEquals("", env.get("XCTestConfigurationFilePath"));
      assertEquals(run.sessionIdentifier().toString().toUpperCase(java.util.Locale.ROOT),
          env.get("XCTestSessionIdentifier"));
      assertEquals("1", env.get("EXTRA"));
      assertTrue(!env.containsKey("XCTestManagerVariant"));
      assertEquals(List.of("initiateControlSessionWithProtocolVersion 36", "authorize 2175"), controlCalls);
      assertEquals("blaUITests", run.configuration().productModuleName());
    }
    // Closing the run killed the runner (killPid: is one-way: wait for it to arrive).
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (killed.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(List.of(2175), killed);
  }

  private static long debugLines(List<XcTestEvent> events) {
    return events.stream().filter(e -> e instanceof XcTestEvent.Log l && l.source() == XcTestEvent.Log.Source.DEBUG)
        .count();
  }

  private static String shape(XcTestEvent e) {
    String detail = "";
    if (e instanceof XcTestEvent.SuiteStarted s) {
      detail = " " + s.suite();
    } else if (e instanceof XcTestEvent.CaseStarted c) {
      detail = " " + c.method();
    } else if (e instanceof XcTestEvent.SuiteFinished s) {
      detail = " " + s.suite() + " " + s.runCount();
    }
    return e.getClass().getSimpleName() + detail;
  }

  /** The control session's daemon. */
  static final class ControlDaemon implements XCTestManagerDaemonConnectionInterface {
    private final List<String> calls;

    ControlDaemon(List<String> calls) {
      this.calls = calls;
    }

    @Override
    public XCTCapabilities initiateControlSessionWithCapabilities(XCTCapabilities capabilities) {
      calls.add("initiateControlSessionWithCapabilities " + capabilities.capabilities());
      return new XCTCapabilities(Map.of());
    }

    @Override
    public long initiateControlSessionWithProtocolVersion(long protocolVersion) {
      calls.add("initiateControlSessionWithProtocolVersion " + protocolVersion);
      return 35;
    }

    @Override
    public XCTCapabilities initiateSessionWithIdentifierAndCapabilities(UUID session, XCTCapabilities capabilities) {
      throw new IllegalStateException("not the control session's call");
    }

    @Override
    public long initiateSessionWithIdentifier(UUID session, String client, String path, long protocolVersion) {
      throw new IllegalStateException("not the control session's call");
    }

    @Override
    public boolean authorizeTestSessionWithProcessId(long pid) {
      calls.add("authorize " + pid);
      return true;
    }

    @Override
    public List<Object> collectNewCrashReports(List<String> directories, List<String> processNames) {
      return List.of();
    }
  }

  /** processcontrol that "launches" the recorded runner's pid. */
  static final class FakeProcessControl implements ProcessControl {
    private final List<Map<String, String>> launched;
    private final List<Integer> killed;

    FakeProcessControl(List<Map<String, String>> launched, List<Integer> killed) {
      this.launched = launched;
      this.killed = killed;
    }

    @Override
    public int launchSuspendedProcess(String devicePath, String bundleIdentifier, Map<String, String> environment,
        List<String> arguments, Map<String, Object> options) {
      launched.add(environment);
      return 2175;
    }

    @Override
    public void sendSignal(int signal, int pid) {}

    @Override
    public void killPid(int pid) {
      killed.add(pid);
    }

    @Override
    public boolean requestDisableMemoryLimits(int pid) {
      return true;
    }

    @Override
    public int processIdentifierForBundleIdentifier(String bundleIdentifier) {
      return 2175;
    }

    @Override
    public void startObservingPid(int pid) {}

    @Override
    public void stopObservingPid(int pid) {}
  }
}
