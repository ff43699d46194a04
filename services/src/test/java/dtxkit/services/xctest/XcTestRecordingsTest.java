package dtxkit.services.xctest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.DtxServiceHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.wire.DtxMessageType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The recorded testmanagerd sessions (go-ios {@code conn-in2/conn-in4}, a device's bytes) decode into the typed
 * protocols: every {@code _XCT_*} call of the recorded run reaches its declared method of
 * {@link XCTestManagerIdeInterface} with its arguments converted, none falls to an unhandled counter or an error
 * reply; the daemon's recorded replies come back as the declared return types of
 * {@link XCTestManagerDaemonConnectionInterface}.
 */
class XcTestRecordingsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** An IDE that records each call as "selector args". */
  static final class RecordingIde implements XCTestManagerIdeInterface {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void logDebugMessage(String message) {
      calls.add("_XCT_logDebugMessage:");
    }

    @Override
    public void testBundleReadyWithProtocolVersion(long protocolVersion, long minimumVersion) {
      calls.add("_XCT_testBundleReadyWithProtocolVersion:minimumVersion: " + protocolVersion + " " + minimumVersion);
    }

    @Override
    public void didBeginExecutingTestPlan() {
      calls.add("_XCT_didBeginExecutingTestPlan");
    }

    @Override
    public void didFinishExecutingTestPlan() {
      calls.add("_XCT_didFinishExecutingTestPlan");
    }

    @Override
    public void testSuiteDidStart(String suite, String startedAt) {
      calls.add("_XCT_testSuite:didStartAt: " + suite + " " + startedAt);
    }

    @Override
    public void testSuiteDidFinishWithSkips(String suite, String finishedAt, long runCount, long skipCount,
        long failureCount, long unexpectedFailureCount, double testDuration, double totalDuration) {
      calls.add("_XCT_testSuite:didFinishAt:runCount:skipCount:failureCount:unexpectedFailureCount:testDuration:"
          + "totalDuration: " + suite + " " + runCount + " " + skipCount + " " + failureCount + " "
          + unexpectedFailureCount + " " + (testDuration > 0.26 && testDuration < 0.27) + " " + (totalDuration > 0.26));
    }

    @Override
    public void testCaseDidStart(String testClass, String method) {
      calls.add("_XCT_testCaseDidStartForTestClass:method: " + testClass + " " + method);
    }

    @Override
    public void testCaseDidFinish(String testClass, String method, String status, double duration) {
      calls.add("_XCT_testCaseDidFinishForTestClass:method:withStatus:duration: " + testClass + " " + method + " "
          + status + " " + duration);
    }

    @Override
    public void testMethodDidMeasureMetric(String method, String testClass, Map<String, Object> metric, String file,
        long line) {
      calls.add("_XCT_testMethod:ofClass:didMeasureMetric:file:line: " + method + " " + testClass + " "
          + metric.get("_XCTPerfMetricNameKey") + " " + metric.get("_XCTPerfMetricUnitsKey") + " "
          + ((List<?>) metric.get("_XCTPerfMetricValuesKey")).size() + " " + file.endsWith("blaTests.swift") + " "
          + line);
    }
  }

  @Test
  void everyXctCallOfTheRecordedRunReachesItsDeclaredMethod() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    RecordingIde ide = new RecordingIde();
    CompletableFuture<XCTestDriverInterface> driver = new CompletableFuture<>();
    CompletableFuture<DtxChannel> driverChannel = new CompletableFuture<>();
    DtxServiceRegistry registry = new DtxServiceRegistry();
    DtxServiceHandle<XCTestManagerIdeInterface> accepted = registry.registerProxy(XCTestManagerIdeInterface.class,
        XCTestDriverInterface.class, (channel, runner) -> {
          driverChannel.complete(channel);
          // The plan starts when the bundle says it is ready; here the recorded device expects the call right away.
          driver.complete(runner);
          return ide;
        });
    try (RecordedPeer device = new RecordedPeer(pair.b(), "conn-in4.dump")) {
      CompletableFuture<Void> played = device.play();
      // The recorded device answers no _channelCanceled:, so the channels end with the connection.
      try (DtxConnection host = DtxConnection.builder(pair.a()).registry(registry).callTimeout(WAIT).connect()) {
        DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> daemon =
            host.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class, ide);
        assertEquals("dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface",
            daemon.identifier());
        assertEquals(35, daemon.remote().initiateSessionWithIdentifier(
            UUID.fromString("DF4DD5B7-6F17-45AF-A1C7-DE114C5A7CB9"),
            "2482CA89-7EB0-45A0-B699-85DC03213BAF-91012-0001B54333225ED0", "/Applications/Xcode.app", 35));
        // The runner's channel: requested by the device with code 1, addressed here as -1.
        DtxChannel runnerChannel = driverChannel.get(20, TimeUnit.SECONDS);
        assertEquals(-1, runnerChannel.code());
        assertEquals("dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface", runnerChannel.identifier());
        driver.get(20, TimeUnit.SECONDS).startExecutingTestPlan(35);
        played.get(20, TimeUnit.SECONDS);

        List<String> recorded = device.selectors().stream().filter(s -> s.startsWith("_XCT_")).toList();
        assertEquals(55, recorded.size());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ide.calls.size() < recorded.size() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        List<String> selectors = ide.calls.stream().map(c -> c.split(" ")[0]).toList();
        assertEquals(recorded, selectors);
        assertEquals("_XCT_testBundleReadyWithProtocolVersion:minimumVersion: 35 7", ide.calls.get(0));
        assertTrue(ide.calls.contains("_XCT_testSuite:didStartAt: All tests 2020-05-12 21:09:59 +0000"));
        assertTrue(ide.calls.contains("_XCT_testCaseDidStartForTestClass:method: blaTests.blaTests testExample"));
        assertTrue(ide.calls.contains("_XCT_testCaseDidFinishForTestClass:method:withStatus:duration:"
            + " blaTests.blaTests testExample passed 8.19087028503418E-4"), ide.calls.toString());
        assertTrue(ide.calls.contains("_XCT_testMethod:ofClass:didMeasureMetric:file:line: testPerformanceExample"
            + " blaTests.blaTests Time seconds 10 true 29"), ide.calls.toString());
        assertTrue(ide.calls.contains("_XCT_testSuite:didFinishAt:runCount:skipCount:failureCount:"
            + "unexpectedFailureCount:testDuration:totalDuration: blaTests 2 0 0 0 true true"), ide.calls.toString());

        // Every recorded call expecting a reply got OK, on the wire code it came with; nothing went unhandled.
        long expectingReply = device.script.stream().filter(r -> r.conversation() == 0 && r.expectsReply()).count();
        while (device.replies.size() < expectingReply && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        for (dtxkit.runtime.testing.DtxTestPeers.Recorded r : device.script) {
          if (r.conversation() == 0 && r.expectsReply()) {
            RecordedPeer.Sent reply = device.replies.stream().filter(s -> s.identifier() == r.identifier()
                && s.channelCode() == r.channelCode()).findFirst().orElseThrow(() ->
                new AssertionError("no reply to recorded " + r.selector() + " #" + r.identifier()));
            assertEquals(DtxMessageType.OK.code(), reply.type(), "OK for " + r.selector());
          }
        }
        assertEquals(0, host.unhandledCount());
        assertEquals(0, runnerChannel.unhandledCount());
        assertEquals(1, accepted.channels().size());
      }
    }
  }

  @Test
  void theDaemonsRecordedRepliesComeBackTyped() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    try (RecordedPeer device = new RecordedPeer(pair.b(), "conn-in2.dump")) {
      CompletableFuture<Void> played = device.play();
      try (DtxConnection host = DtxConnection.builder(pair.a()).callTimeout(WAIT).connect()) {
        DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> control =
            host.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
                new XCTestManagerIdeInterface() {});
        XCTestManagerDaemonConnectionInterface daemon = control.remote();
        assertEquals(35, daemon.initiateControlSessionWithProtocolVersion(36));
        List<String> logs = List.of("/Library/Logs/DiagnosticReports");
        assertEquals(List.of(), daemon.collectNewCrashReports(logs, List.of("xctest")));
        assertEquals(List.of(), daemon.collectNewCrashReports(logs, List.of("xctest", "SpringBoard")));
        assertTrue(daemon.authorizeTestSessionWithProcessId(2175));
        assertEquals(List.of(), daemon.collectNewCrashReports(logs, List.of("xctest", "blaUITests-Runner")));
        assertTrue(daemon.authorizeTestSessionWithProcessId(2177));
        played.get(20, TimeUnit.SECONDS);
      }
    }
  }
}
