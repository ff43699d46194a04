package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.archive.NSURL;
import dtxkit.runtime.archive.XCActivityRecord;
import dtxkit.runtime.archive.XCTAttachment;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.Instruments;
import dtxkit.services.LaunchRequest;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.xctest.XCTestDriverInterface;
import dtxkit.services.xctest.XCTestManagerDaemonConnectionInterface;
import dtxkit.services.xctest.XCTestManagerIdeInterface;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mock testmanagerd through RSD (iOS 17+), driven as an IDE drives a device: installation_proxy for the runner's
 * path, a control and a test session, the runner launched through processcontrol, authorized, and its plan played
 * back through the {@code _XCT_*} callbacks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MockTestmanagerdTest {

  /** The IDE's side: records every callback, answers the runner with a configuration. */
  static final class Ide implements XCTestManagerIdeInterface {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    final CompletableFuture<String> logged = new CompletableFuture<>();
    final List<XCActivityRecord> activities = new CopyOnWriteArrayList<>();
    volatile XCTestConfiguration configuration;

    @Override
    public void testBundleReadyWithProtocolVersion(long protocolVersion, long minimumVersion) {
      events.add("bundleReady " + protocolVersion + " " + minimumVersion);
    }

    @Override
    public XCTestConfiguration testRunnerReadyWithCapabilities(XCTCapabilities capabilities) {
      events.add("runnerReady");
      return configuration;
    }

    @Override
    public void didBeginExecutingTestPlan() {
      events.add("begin");
    }

    @Override
    public void didBeginInitializingForUiTesting() {
      events.add("uiTesting");
    }

    @Override
    public void testSuiteDidStart(String suite, String startedAt) {
      assertTrue(startedAt.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000"), startedAt);
      events.add("suite " + suite);
    }

    @Override
    public void testSuiteDidFinishWithSkips(String suite, String finishedAt, long runCount, long skipCount,
        long failureCount, long unexpectedFailureCount, double testDuration, double totalDuration) {
      events.add("/suite " + suite + " run " + runCount + " skipped " + skipCount + " failed " + failureCount);
    }

    @Override
    public void testCaseDidStart(String testClass, String method) {
      events.add("case " + testClass + "/" + method);
    }

    @Override
    public void testCaseDidFail(String testClass, String method, String message, String file, long line) {
      events.add("fail " + testClass + "/" + method + " " + file + ":" + line + " " + message);
    }

    @Override
    public void testCaseDidFinish(String testClass, String method, String status, double duration) {
      events.add("/case " + testClass + "/" + method + " " + status + " " + duration);
    }

    @Override
    public void testCaseWillStartActivity(String testClass, String method, XCActivityRecord activity) {
      events.add("activity " + activity.title());
    }

    @Override
    public void testCaseDidFinishActivity(String testClass, String method, XCActivityRecord activity) {
      activities.add(activity);
      events.add("/activity " + activity.title());
    }

    @Override
    public void logMessage(String message) {
      events.add("log " + message.strip());
      if (message.contains("ServerURLHere->")) {
        logged.complete(message);
      }
    }

    @Override
    public void didFinishExecutingTestPlan() {
      events.add("end");
      finished.complete(null);
    }
  }

  /** An IDE's connections to the mock's testmanagerd through RSD, and the runner's driver once it calls. */
  static final class Host implements AutoCloseable {
    final RsdClient rsd;
    final DtxConnection control;
    final DtxConnection main;
    final DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> controlSession;
    final DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> testSession;
    final CompletableFuture<XCTestDriverInterface> driver = new CompletableFuture<>();

    /** Through RSD (iOS 17+). */
    Host(MockDevice device, Ide ide) throws Exception {
      this(device, ide, null);
    }

    /** Through RSD, or through lockdown the service {@code lockdownService} (iOS 16 and earlier). */
    Host(MockDevice device, Ide ide, String lockdownService) throws Exception {
      DtxServiceRegistry registry = new DtxServiceRegistry();
      registry.registerProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class, (channel, d) -> {
        driver.complete(d);
        return ide;
      });
      if (lockdownService == null) {
        rsd = RsdClient.connect(device.rsdHost(), device.rsdPort(),
            RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()));
        control = rsd.openDtx(MockTestmanagerd.RSD_SERVICE);
        main = rsd.openDtx(MockTestmanagerd.RSD_SERVICE, b -> b.registry(registry));
      } else {
        rsd = null;
        control = DtxConnection.builder(lockdown(device, lockdownService)).connect();
        main = DtxConnection.builder(lockdown(device, lockdownService)).registry(registry).connect();
      }
      controlSession = control.openProxy(XCTestManagerDaemonConnectionInterface.class,
          XCTestManagerIdeInterface.class, new XCTestManagerIdeInterface() { });
      testSession = main.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
          ide);
    }

    static DtxTransport lockdown(MockDevice device, String service) throws Exception {
      device.pairRecord();
      UsbmuxClient usbmux = UsbmuxClient.create(UsbmuxAddress.unix(device.usbmuxdSocket()),
          UsbmuxClient.Options.DEFAULT);
      UsbmuxDevice phone = usbmux.device(device.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, phone.udid());
      try (LockdownClient lockdown = LockdownClient.connect(usbmux, phone, LockdownClient.Options.DEFAULT)) {
        lockdown.startSession(record);
        return lockdown.openService(usbmux, phone, service, record);
      }
    }

    @Override
    public void close() {
      control.close();
      main.close();
      if (rsd != null) {
        rsd.close();
      }
    }
  }

  /**
   * iOS 14-16 (TLS kept) and 11-13 (TLS handshake, then plain DTX) through lockdown, in the calls of that era:
   * protocol-version sessions, the configuration from a file in the runner's container.
   */
  @ParameterizedTest
  @CsvSource({"15.8, com.apple.testmanagerd.lockdown.secure", "13.7, com.apple.testmanagerd.lockdown"})
  void throughLockdownByIosVersion(String ios, String service) throws Exception {
    try (MockDevice device = MockDevice.builder().ios(ios).start();
        Instruments instruments = instrumentsOverLockdown(device)) {
      assertEquals(service, device.lockdownTestmanagerdService());
      Ide ide = new Ide();
      UUID session = UUID.randomUUID();
      try (Host host = new Host(device, ide, service)) {
        assertEquals(36, host.controlSession.remote().initiateControlSessionWithProtocolVersion(36));
        assertEquals(36, host.testSession.remote().initiateSessionWithIdentifier(session, "dtxkit-test",
            "/Applications/Xcode.app/Contents/Developer/usr/bin/xcodebuild", 36));
        InstalledApp runner = new InstalledApp(MockDevice.UI_TESTS_RUNNER, null, null, "User", "/x/UITests-Runner.app",
            null, Map.of());
        String file = "/private/var/mobile/Containers/Data/Application/C/tmp/UITests-" + session + ".xctestconfiguration";
        XCTestConfiguration configuration = configuration(runner, session, Set.of("LoginTests/testLogout"));
        device.putFile(file, dtxkit.runtime.archive.NSKeyedArchiver.archive(configuration));
        Map<String, String> env = new java.util.HashMap<>(environment(runner, session));
        env.put("XCTestConfigurationFilePath", file);
        int pid = instruments.launch(LaunchRequest.of(MockDevice.UI_TESTS_RUNNER).withEnvironment(env));
        assertTrue(host.controlSession.remote().authorizeTestSessionWithProcessId(pid));
        host.driver.get(20, TimeUnit.SECONDS).startExecutingTestPlan(36);
        ide.finished.get(20, TimeUnit.SECONDS);
        assertFalse(ide.events.contains("runnerReady"), "the configuration came from the file: " + ide.events);
        assertEquals("bundleReady 36 7", ide.events.get(0));
        assertEquals(List.of("case UITests.LoginTests/testLogout"),
            ide.events.stream().filter(e -> e.startsWith("case ")).toList());
        instruments.kill(pid);
        waitFor(() -> device.process(pid) == null, "killPid: ends the runner");
      }
    }
  }

  static Instruments instrumentsOverLockdown(MockDevice device) throws Exception {
    device.pairRecord();
    UsbmuxClient usbmux = UsbmuxClient.create(UsbmuxAddress.unix(device.usbmuxdSocket()), UsbmuxClient.Options.DEFAULT);
    UsbmuxDevice phone = usbmux.device(device.udid()).orElseThrow();
    return Instruments.connect(usbmux, phone, PairRecordStore.defaults().require(usbmux, phone.udid()),
        LockdownClient.Options.DEFAULT);
  }

  @Test
  void eachVersionServesTestmanagerdOnlyWhereItsDevicesDo() throws Exception {
    try (MockDevice ios17 = MockDevice.start(); MockDevice ios15 = MockDevice.builder().ios("15.8").start()) {
      assertNull(ios17.lockdownTestmanagerdService());
      assertTrue(ios17.peerInfo().services().containsKey(MockTestmanagerd.RSD_SERVICE));
      assertFalse(ios15.peerInfo().services().containsKey(MockTestmanagerd.RSD_SERVICE));
      Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> Host.lockdown(ios17, MockTestmanagerd.LOCKDOWN_SECURE));
      assertTrue(refused.toString().contains("InvalidService"), refused.toString());
      refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> Host.lockdown(ios15, MockTestmanagerd.LOCKDOWN));
      assertTrue(refused.toString().contains("InvalidService"), refused.toString());
    }
  }

  static Map<String, String> environment(InstalledApp runner, UUID session) {
    return Map.of(
        "XCTestBundlePath", runner.path() + "/PlugIns/UITests.xctest",
        "XCTestSessionIdentifier", session.toString().toUpperCase(java.util.Locale.ROOT),
        "XCTestConfigurationFilePath", "",
        "XCTestManagerVariant", "DDI",
        "DYLD_FRAMEWORK_PATH", runner.path() + "/Frameworks:/System/Developer/Library/Frameworks",
        "DYLD_LIBRARY_PATH", runner.path() + "/Frameworks:/System/Developer/usr/lib");
  }

  static XCTestConfiguration configuration(InstalledApp runner, UUID session, Set<String> toRun) {
    XCTestConfiguration.Builder b = XCTestConfiguration.builder(
        NSURL.fileUrl(runner.path() + "/PlugIns/UITests.xctest"), session)
        .productModuleName("UITests").targetApplicationBundleId(MockDevice.EXAMPLE_APP);
    if (toRun != null) {
      b.testsToRun(toRun);
    }
    return b.build();
  }

  @Test
  void aFailingPlanThroughRsdFromLaunchToKill() throws Exception {
    try (MockDevice device = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, MockTestPlan.failing())
            .start();
        Instruments instruments = device.connect()) {
      InstalledApp runner;
      try (RsdClient rsd = RsdClient.connect(device.rsdHost(), device.rsdPort());
          InstallationProxy apps = InstallationProxy.connect(rsd)) {
        runner = apps.lookup(null, List.of(MockDevice.UI_TESTS_RUNNER)).get(MockDevice.UI_TESTS_RUNNER);
      }
      Ide ide = new Ide();
      UUID session = UUID.randomUUID();
      ide.configuration = configuration(runner, session, null);
      try (Host host = new Host(device, ide)) {
        assertEquals(MockTestmanagerd.DAEMON_CAPABILITIES.capabilities().keySet(), host.controlSession.remote()
            .initiateControlSessionWithCapabilities(new XCTCapabilities(Map.of())).capabilities().keySet());
        host.testSession.remote().initiateSessionWithIdentifierAndCapabilities(session,
            new XCTCapabilities(Map.of("XCTIssue capability", 1L)));
        int pid = instruments.launch(LaunchRequest.of(MockDevice.UI_TESTS_RUNNER)
            .withEnvironment(environment(runner, session)).withKillExisting(true));
        assertTrue(host.controlSession.remote().authorizeTestSessionWithProcessId(pid));
        XCTestDriverInterface driver = host.driver.get(20, TimeUnit.SECONDS);
        driver.startExecutingTestPlan(36);
        ide.finished.get(20, TimeUnit.SECONDS);

        List<String> expected = List.of(
            "bundleReady 36 7", "runnerReady", "begin", "uiTesting",
            "suite All tests", "suite UITests.xctest", "suite LoginTests",
            "case UITests.LoginTests/testLogin", "log tapping \"Log in\"", "activity Tap \"Log in\"",
            "/activity Tap \"Log in\"", "/case UITests.LoginTests/testLogin passed 0.812",
            "case UITests.LoginTests/testLogout", "/case UITests.LoginTests/testLogout passed 0.43",
            "case UITests.LoginTests/testWrongPassword",
            "fail UITests.LoginTests/testWrongPassword LoginTests.swift:42 XCTAssertEqual failed: (\"Welcome\") is "
                + "not equal to (\"Wrong password\")",
            "/case UITests.LoginTests/testWrongPassword failed 0.655",
            "/suite LoginTests run 3 skipped 0 failed 1",
            "suite SearchTests", "case UITests.SearchTests/testSearch", "log searching for \"dtxkit\"", "log 3 results",
            "/case UITests.SearchTests/testSearch passed 1.204", "/suite SearchTests run 1 skipped 0 failed 0",
            "/suite UITests.xctest run 4 skipped 0 failed 1", "/suite All tests run 4 skipped 0 failed 1", "end");
        assertEquals(expected, ide.events);
        XCActivityRecord activity = ide.activities.get(0);
        XCTAttachment attachment = (XCTAttachment) activity.attachments().get(0);
        assertEquals("login.png", attachment.name());
        assertEquals("public.png", attachment.uniformTypeIdentifier());
        assertEquals(List.of((byte) 0x89, (byte) 'P'), List.of(attachment.data()[0], attachment.data()[1]));
        assertNotNull(activity.finish());

        assertNotNull(device.process(pid), "the runner waits for the IDE to end the session");
        instruments.kill(pid);
        waitFor(() -> device.process(pid) == null, "killPid: ends the runner");
      }
    }
  }

  @Test
  void testsToRunSelectsAndWebDriverAgentRunsUntilKilled() throws Exception {
    try (MockDevice device = MockDevice.start(); Instruments instruments = device.connect()) {
      InstalledApp runner;
      try (RsdClient rsd = RsdClient.connect(device.rsdHost(), device.rsdPort());
          InstallationProxy apps = InstallationProxy.connect(rsd)) {
        runner = apps.lookup(null, List.of(MockDevice.WDA_RUNNER)).get(MockDevice.WDA_RUNNER);
      }
      Ide ide = new Ide();
      UUID session = UUID.randomUUID();
      ide.configuration = configuration(runner, session, null);
      try (Host host = new Host(device, ide)) {
        host.controlSession.remote().initiateControlSessionWithCapabilities(new XCTCapabilities(Map.of()));
        host.testSession.remote().initiateSessionWithIdentifierAndCapabilities(session, new XCTCapabilities(Map.of()));
        int pid = instruments.launch(LaunchRequest.of(MockDevice.WDA_RUNNER)
            .withEnvironment(environment(runner, session)));
        host.controlSession.remote().authorizeTestSessionWithProcessId(pid);
        host.driver.get(20, TimeUnit.SECONDS).startExecutingTestPlan(36);
        String url = ide.logged.get(20, TimeUnit.SECONDS);
        assertTrue(url.contains("ServerURLHere->" + MockTestPlan.WDA_URL + "<-ServerURLHere"), url);
        Thread.sleep(200);
        assertFalse(ide.finished.isDone(), "WebDriverAgent's plan never finishes");
        assertEquals("case WebDriverAgentRunner.UITestingUITests/testRunner", ide.events.stream()
            .filter(e -> e.startsWith("case ")).findFirst().orElseThrow());
        instruments.kill(pid);
        waitFor(() -> device.process(pid) == null, "killPid: ends WebDriverAgent");
        assertFalse(ide.finished.isDone());
      }
    }
  }

  @Test
  void aRunnerWithoutAuthorizationGivesUpAndExits() throws Exception {
    try (MockDevice device = MockDevice.builder().testRunnerWait(Duration.ofMillis(300)).start();
        Instruments instruments = device.connect()) {
      Ide ide = new Ide();
      UUID session = UUID.randomUUID();
      try (Host host = new Host(device, ide)) {
        host.testSession.remote().initiateSessionWithIdentifierAndCapabilities(session, new XCTCapabilities(Map.of()));
        int pid = instruments.launch(LaunchRequest.of(MockDevice.UI_TESTS_RUNNER).withEnvironment(Map.of(
            "XCTestSessionIdentifier", session.toString(), "XCTestConfigurationFilePath", "")));
        waitFor(() -> device.process(pid) == null, "the runner exits when nobody authorizes it");
        assertFalse(host.driver.isDone(), "it never called the IDE");
      }
    }
  }

  @Test
  void selectedTestsOnlyAndTheSessionEndingEndsTheRunner() throws Exception {
    try (MockDevice device = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, MockTestPlan.failing())
            .start();
        Instruments instruments = device.connect()) {
      Ide ide = new Ide();
      UUID session = UUID.randomUUID();
      InstalledApp runner = new InstalledApp(MockDevice.UI_TESTS_RUNNER, null, null, "User", "/x/UITests-Runner.app",
          null, Map.of());
      ide.configuration = configuration(runner, session, Set.of("SearchTests", "LoginTests/testLogout"));
      int pid;
      try (Host host = new Host(device, ide)) {
        host.controlSession.remote().initiateControlSessionWithCapabilities(new XCTCapabilities(Map.of()));
        host.testSession.remote().initiateSessionWithIdentifierAndCapabilities(session, new XCTCapabilities(Map.of()));
        pid = instruments.launch(LaunchRequest.of(MockDevice.UI_TESTS_RUNNER)
            .withEnvironment(environment(runner, session)));
        host.controlSession.remote().authorizeTestSessionWithProcessId(pid);
        host.driver.get(20, TimeUnit.SECONDS).startExecutingTestPlan(36);
        ide.finished.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("case UITests.LoginTests/testLogout", "case UITests.SearchTests/testSearch"),
            ide.events.stream().filter(e -> e.startsWith("case ")).toList());
        assertNotNull(device.process(pid));
      }
      waitFor(() -> device.process(pid) == null, "the runner ends with its IDE's connection");
      assertNull(device.process(pid));
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what);
      }
      Thread.sleep(10);
    }
  }
}
