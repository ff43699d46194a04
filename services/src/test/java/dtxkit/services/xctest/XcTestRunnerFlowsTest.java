package dtxkit.services.xctest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.archive.NSURL;
import dtxkit.runtime.archive.XCActivityRecord;
import dtxkit.runtime.archive.XCTAttachment;
import dtxkit.runtime.archive.XCTIssue;
import dtxkit.runtime.archive.XCTSourceCodeContext;
import dtxkit.runtime.archive.XCTSourceCodeLocation;
import dtxkit.runtime.archive.XCTTestIdentifier;
import dtxkit.runtime.archive.XCTestConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link XcTestRunner} through each iOS version's flow against a {@link ScriptedDevice}: the daemon calls, the
 * runner's launch environment and configuration, the events of a plan with a failure, an activity and an attachment,
 * and how a run ends (finished, runner gone, closed, runner never connecting).
 */
class XcTestRunnerFlowsTest {

  private static final String RUNNER = "com.example.UITests.xctrunner";

  private static XcTestRequest.Builder request() {
    return XcTestRequest.builder(RUNNER).targetApp("com.example.app");
  }

  /**
   * A runner with the default {@link XcTestRunner#authorizationDelay()} whose waits are not slept but recorded among
   * the daemon calls, with how many launches the device had seen by then: the order is the test, not the clock.
   */
  private static XcTestRunner runner(ScriptedDevice device) {
    return XcTestRunner.on(device).sleeper(
        d -> device.daemonCalls.add("sleep " + d + " after " + device.launches.size() + " launch"));
  }

  /** What {@link #runner} records for the default delay: after the runner's launch, before authorizing it. */
  private static final String WAIT = "sleep PT1S after 1 launch";

  @Test
  void flowsByVersion() {
    assertEquals(XcTestRunner.Flow.RSD, XcTestRunner.Flow.of("17.4"));
    assertEquals(XcTestRunner.Flow.RSD, XcTestRunner.Flow.of("26.0"));
    assertEquals(XcTestRunner.Flow.SECURE, XcTestRunner.Flow.of("16.7.10"));
    assertEquals(XcTestRunner.Flow.SECURE, XcTestRunner.Flow.of("14.0"));
    assertEquals(XcTestRunner.Flow.LOCKDOWN, XcTestRunner.Flow.of("13.7"));
    assertEquals(XcTestRunner.Flow.LOCKDOWN, XcTestRunner.Flow.of("12.5.7"));
    assertEquals(XcTestRunner.Flow.LEGACY, XcTestRunner.Flow.of("11.4"));
    assertEquals(25, XcTestRunner.Flow.LEGACY.protocolVersion());
    assertEquals(XcTestDevice.TESTMANAGERD_SECURE, XcTestRunner.Flow.SECURE.lockdownService());
    assertNull(XcTestRunner.Flow.RSD.lockdownService());
    assertThrows(IllegalArgumentException.class, () -> XcTestRunner.Flow.of("seventeen"));
  }

  @Test
  void ios17SessionsWithCapabilitiesAndTheConfigurationAsTheReply() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("17.4");
        XcTestRun run = runner(device).start(request().test("UITests.LoginTests/testLogin")
            .skip("UITests.SlowTests").build())) {
      assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
      assertEquals(List.of("control initiateControlSessionWithCapabilities {}",
          "session initiateSessionWithIdentifierAndCapabilities true",
          "control authorizeTestSessionWithProcessId 4242"), device.daemonCalls);
      Map<String, String> env = device.launches.get(0);
      assertEquals("DDI", env.get("XCTestManagerVariant"));
      assertEquals("", env.get("XCTestConfigurationFilePath"));
      assertTrue(env.get("DYLD_FRAMEWORK_PATH").endsWith(":/System/Developer/Library/Frameworks"));
      assertEquals(device.runner.path() + "/PlugIns/UITests.xctest", env.get("XCTestBundlePath"));
      assertEquals(run.sessionIdentifier().toString().toUpperCase(Locale.ROOT), env.get("XCTestSessionIdentifier"));
      assertTrue(device.containerFiles.isEmpty());

      // The runner got its configuration as the reply to _XCT_testRunnerReadyWithCapabilities:, archived whole.
      XCTestConfiguration received = device.configurationReceived.get(20, TimeUnit.SECONDS);
      assertEquals(run.configuration().fields(), received.fields());
      assertEquals(NSURL.fileUrl(device.runner.path() + "/PlugIns/UITests.xctest"), received.testBundleUrl());
      assertEquals("UITests", received.productModuleName());
      assertEquals("com.example.app", received.targetApplicationBundleId());
      assertEquals(device.target.path(), received.targetApplicationPath());
      assertEquals(run.sessionIdentifier(), received.sessionIdentifier());
      assertEquals(java.util.Set.of("UITests.LoginTests/testLogin"), received.fields().get("testsToRun"));
      assertEquals(new dtxkit.runtime.archive.XCTTestIdentifierSet(List.of(
          XCTTestIdentifier.method("UITests.LoginTests", "testLogin"))), received.fields().get("testIdentifiersToRun"));
      assertEquals(new dtxkit.runtime.archive.XCTTestIdentifierSet(List.of(
          XCTTestIdentifier.testClass("UITests.SlowTests"))), received.fields().get("testIdentifiersToSkip"));
    }
  }

  @Test
  void ios14To16SessionsWithProtocolVersion36() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("15.8");
        XcTestRun run = runner(device).start(request().build())) {
      assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
      assertEquals(List.of("control initiateControlSessionWithProtocolVersion 36",
          "session initiateSessionWithIdentifier " + XcTestRunner.XCODE_PATH + " 36", WAIT,
          "control authorizeTestSessionWithProcessId 4242"), device.daemonCalls);
      assertFalse(device.launches.get(0).containsKey("XCTestManagerVariant"));
      assertEquals("", device.launches.get(0).get("XCTestConfigurationFilePath"));
      assertTrue(device.containerFiles.isEmpty());
    }
  }

  /**
   * The wait before authorizing on iOS 16 and earlier (go-ios and pymobiledevice3 wait a second there) is the
   * runner's to configure: a given delay is the one waited, zero waits not at all, and iOS 17 never waits (above).
   */
  @Test
  void theAuthorizationDelayIsConfigurableAndZeroTurnsItOff() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("15.8")) {
      assertEquals(Duration.ofSeconds(1), XcTestRunner.on(device).authorizationDelay());
      assertEquals(XcTestRunner.DEFAULT_AUTHORIZATION_DELAY, XcTestRunner.on(device).authorizationDelay());
      assertThrows(IllegalArgumentException.class,
          () -> XcTestRunner.on(device).authorizationDelay(Duration.ofMillis(-1)));
    }
    try (ScriptedDevice device = new ScriptedDevice("16.7");
        XcTestRun run = runner(device).authorizationDelay(Duration.ofMillis(250)).start(request().build())) {
      assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
      assertEquals(List.of("control initiateControlSessionWithProtocolVersion 36",
          "session initiateSessionWithIdentifier " + XcTestRunner.XCODE_PATH + " 36", "sleep PT0.25S after 1 launch",
          "control authorizeTestSessionWithProcessId 4242"), device.daemonCalls);
    }
    try (ScriptedDevice device = new ScriptedDevice("15.8");
        XcTestRun run = runner(device).authorizationDelay(Duration.ZERO).start(request().build())) {
      assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
      assertEquals(List.of("control initiateControlSessionWithProtocolVersion 36",
          "session initiateSessionWithIdentifier " + XcTestRunner.XCODE_PATH + " 36",
          "control authorizeTestSessionWithProcessId 4242"), device.daemonCalls);
    }
  }

  @Test
  void ios12And13AlsoWriteTheConfigurationIntoTheRunnersContainer() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("13.7");
        XcTestRun run = runner(device).start(request().build())) {
      assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
      String relative = "tmp/" + run.sessionIdentifier().toString().toUpperCase(Locale.ROOT) + ".xctestconfiguration";
      assertEquals(device.runner.container() + "/" + relative,
          device.launches.get(0).get("XCTestConfigurationFilePath"));
      byte[] file = device.containerFiles.get(RUNNER + ":" + relative);
      XCTestConfiguration written = (XCTestConfiguration) NSKeyedUnarchiver.unarchive(file);
      assertEquals(run.configuration().fields(), written.fields());
      assertEquals(List.of("control initiateControlSessionWithProtocolVersion 36",
          "session initiateSessionWithIdentifier " + XcTestRunner.XCODE_PATH + " 36", WAIT,
          "control authorizeTestSessionWithProcessId 4242"), device.daemonCalls);
    }
  }

  @Test
  void ios11UsesProtocol25AndTheOldControlSession() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("11.4");
        XcTestRun run = runner(device).start(request().build())) {
      assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
      assertEquals(List.of("session initiateSessionWithIdentifier " + XcTestRunner.XCODE_PATH + " 25", WAIT,
          "control initiateControlSessionForTestProcessIdWithVersion 4242 25"), device.daemonCalls);
      assertEquals(1, device.containerFiles.size());
    }
  }

  @Test
  void aPlanWithAFailureAnActivityAndAnAttachment() throws Exception {
    XCTTestIdentifier login = XCTTestIdentifier.method("UITests.LoginTests", "testLogin");
    XCTTestIdentifier logout = XCTTestIdentifier.method("UITests.LoginTests", "testLogout");
    XCTAttachment screenshot = XCTAttachment.of(Map.of("name", "Screenshot", "uniformTypeIdentifier", "public.png",
        "payload", new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
    XCActivityRecord tap = XCActivityRecord.of(Map.of("title", "Tap \"Log in\" Button",
        "activityType", "com.apple.dt.xctest.activity-type.userCreated", "uuid", UUID.randomUUID(),
        "start", Instant.parse("2026-12-06T08:00:00Z"), "attachments", List.of(screenshot)));
    XCTIssue issue = XCTIssue.of(Map.of("type", 0, "compact-description", "XCTAssertTrue failed",
        "detailed-description", "XCTAssertTrue failed - the button is not there",
        "source-code-context", XCTSourceCodeContext.of(Map.of("location", XCTSourceCodeLocation.of(Map.of(
            "file-url", NSURL.fileUrl("/Users/dev/UITests/LoginTests.swift"), "line-number", 42))))));
    List<XcTestEvent> heard = new CopyOnWriteArrayList<>();
    try (ScriptedDevice device = new ScriptedDevice("17.4")) {
      device.plan = ide -> {
        ide.didBeginExecutingTestPlan();
        ide.testSuiteWithIdentifierDidStart(XCTTestIdentifier.testClass("UITests.LoginTests"), "2026-12-06 08:00:00");
        ide.testCaseWithIdentifierDidStartRun(login, null);
        ide.testCaseWithIdentifierWillStartActivity(login, tap);
        ide.testCaseWithIdentifierDidFinishActivity(login, tap);
        ide.logMessage("typed the password");
        ide.testCaseWithIdentifierDidRecordIssue(login, issue);
        ide.testCaseWithIdentifierDidFinish(login, "failed", 1.5);
        ide.testCaseWithIdentifierDidStart(logout);
        ide.testCaseWithIdentifierDidFinish(logout, "passed", 0.25);
        ide.testSuiteWithIdentifierDidFinish(XCTTestIdentifier.testClass("UITests.LoginTests"),
            "2026-12-06 08:00:02", 2, 0, 1, 0, 0, 1.75, 1.8);
        ide.didFinishExecutingTestPlan();
      };
      try (XcTestRun run = runner(device).start(request().listener(heard::add).build())) {
        XcTestSummary summary = run.summary().get(20, TimeUnit.SECONDS);
        assertEquals(1, summary.passed());
        assertEquals(1, summary.failed());
        assertFalse(summary.allPassed());
        assertEquals(List.of(new XcTestEvent.CaseFailed("UITests.LoginTests", "testLogin", "XCTAssertTrue failed",
            "/Users/dev/UITests/LoginTests.swift", 42)), summary.failures());
        assertEquals(Duration.ofMillis(1500), summary.cases().get(0).duration());

        List<String> kinds = heard.stream().map(e -> e.getClass().getSimpleName()).toList();
        assertEquals(List.of("PlanStarted", "SuiteStarted", "CaseStarted", "ActivityStarted", "ActivityFinished",
            "Attachment", "Log", "CaseFailed", "CaseFinished", "CaseStarted", "CaseFinished", "SuiteFinished",
            "PlanFinished"), kinds);
        XcTestEvent.Attachment attachment = (XcTestEvent.Attachment) heard.get(5);
        assertEquals("testLogin", attachment.method());
        assertEquals("Tap \"Log in\" Button", attachment.activityTitle());
        assertEquals("Screenshot", attachment.attachment().name());
        assertEquals(new XcTestEvent.SuiteFinished("UITests.LoginTests", "2026-12-06 08:00:02", 2, 0, 1, 0, 1.75,
            1.8), heard.get(11));

        // The same events for a pulling consumer, in the same order.
        for (String kind : kinds) {
          assertEquals(kind, run.poll(Duration.ofSeconds(5)).getClass().getSimpleName());
        }
        assertNull(run.poll(Duration.ofMillis(10)));
      }
    }
  }

  @Test
  void callbacksNobodyDeclaredYetAreAcknowledgedAndCounted() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("18.2")) {
      device.plan = ide -> {
        ide.didBeginExecutingTestPlan();
        assertNull(device.runnerChannel.invoke("_XCT_reportSomethingNew:", dtxkit.runtime.DtxArgument.object(1)));
        assertNull(device.runnerChannel.invoke("_XCT_reportSomethingNew:", dtxkit.runtime.DtxArgument.object(2)));
        dtxkit.runtime.DtxRemoteException notXct = assertThrows(dtxkit.runtime.DtxRemoteException.class,
            () -> device.runnerChannel.invoke("somethingElse"));
        assertTrue(notXct.getMessage().contains("does not respond to the selector"), notXct.getMessage());
        ide.didFinishExecutingTestPlan();
      };
      try (XcTestRun run = runner(device).start(request().build())) {
        assertTrue(run.summary().get(20, TimeUnit.SECONDS).allPassed());
        assertEquals(2, run.unknownCallbacks());
        assertEquals(java.util.Set.of("_XCT_reportSomethingNew:"), run.unknownSelectors());
      }
    }
  }

  @Test
  void aWebDriverAgentRunIsReadyStaysUpAndClosingItKillsTheRunner() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("16.7")) {
      device.plan = ide -> {
        ide.didBeginExecutingTestPlan();
        ide.testCaseDidStart("UITestingUITests", "testRunner");
        ide.logMessage("ServerURLHere->http://192.168.1.20:8100<-ServerURLHere");
      };
      XcTestRun run = runner(device).start(request().build());
      run.ready().get(20, TimeUnit.SECONDS);
      assertEquals("http://192.168.1.20:8100",
          run.awaitLog(Pattern.compile("ServerURLHere->(.+)<-ServerURLHere")).get(20, TimeUnit.SECONDS));
      assertFalse(run.summary().isDone());
      run.close();
      // A future completed with a CancellationException is cancelled: get() throws it as it is.
      assertThrows(CancellationException.class, () -> run.summary().get(5, TimeUnit.SECONDS));
      assertTrue(run.summary().isCancelled());
      waitFor(() -> device.killed.equals(List.of(ScriptedDevice.RUNNER_PID)));
    }
  }

  @Test
  void theRunnerExitingBeforeTheEndFailsTheRun() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("17.0")) {
      device.plan = XCTestManagerIdeInterface::didBeginExecutingTestPlan;
      try (XcTestRun run = runner(device).start(request().build())) {
        run.ready().get(20, TimeUnit.SECONDS);
        device.runnerExits(9);
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.summary().get(20, TimeUnit.SECONDS));
        assertInstanceOf(XcTestException.class, e.getCause());
        assertEquals("the runner (pid 4242) exited before the plan finished with code 9", e.getCause().getMessage());
      }
    }
  }

  @Test
  void aRunnerThatCannotBootstrapFailsTheRun() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("17.0")) {
      device.plan = ide -> ide.didFailToBootstrap(new NSError("XCTestErrorDomain", 3,
          Map.of("NSLocalizedDescription", "the test bundle could not be loaded")));
      try (XcTestRun run = runner(device).start(request().build())) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> run.summary().get(20, TimeUnit.SECONDS));
        assertEquals("the runner failed to bootstrap: XCTestErrorDomain 3: the test bundle could not be loaded",
            e.getCause().getMessage());
      }
    }
  }

  @Test
  void aRunnerThatNeverConnectsIsKilledAndStartSaysSo() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("15.0")) {
      device.runnerConnects = false;
      XcTestException e = assertThrows(XcTestException.class, () -> runner(device)
          .start(request().runnerTimeout(Duration.ofMillis(200)).build()));
      assertEquals("the runner com.example.UITests.xctrunner (pid 4242) did not open its"
          + " dtxproxy:XCTestDriverInterface channel within PT0.2S", e.getMessage());
      waitFor(() -> device.killed.equals(List.of(ScriptedDevice.RUNNER_PID)));
    }
  }

  @Test
  void aRunnerOrTargetThatIsNotInstalledIsNamed() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice("17.4")) {
      XcTestException runner = assertThrows(XcTestException.class,
          () -> runner(device).start(XcTestRequest.builder("com.example.Missing.xctrunner").build()));
      assertEquals("the runner com.example.Missing.xctrunner is not installed on the device", runner.getMessage());
      XcTestException target = assertThrows(XcTestException.class,
          () -> runner(device).start(XcTestRequest.builder(RUNNER).targetApp("com.example.gone").build()));
      assertEquals("the target app com.example.gone is not installed on the device", target.getMessage());
      assertTrue(device.launches.isEmpty());
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(5);
    }
  }
}
