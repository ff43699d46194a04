package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.archive.NSURL;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.Instruments;
import dtxkit.services.LaunchRequest;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.xctest.XCTestDriverInterface;
import dtxkit.services.xctest.XCTestManagerDaemonConnectionInterface;
import dtxkit.services.xctest.XCTestManagerIdeInterface;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mock accepts exactly what pymobiledevice3's {@code XCUITestService} sends on iOS 17+, in its order (see
 * docs/xctest-clients.md): the runner found through the installation_proxy shim ({@code Lookup} with
 * {@code BundleIDs} and {@code ApplicationType Any}, no attribute list), two testmanagerd connections through RSD
 * with their handlers registered before the handshake, a control session with empty capabilities, a test session
 * with the configuration's IDE capabilities, the launch through processcontrol with the runner's environment, the
 * authorization, {@code _IDE_startExecutingTestPlanWithProtocolVersion: 36} as soon as the runner's channel appears,
 * the configuration as the reply to {@code _XCT_testRunnerReadyWithCapabilities:}, until the plan finishes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PyMobileDevice3SequenceTest {

  @Test
  void xcuiTestServiceSequenceOnIos17() throws Exception {
    try (MockDevice device = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, MockTestPlan.failing())
        .start();
        RsdClient rsd = RsdClient.connect(device.rsdHost(), device.rsdPort(),
            RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()))) {
      // 1. get_app_info: Lookup through the shim, every attribute.
      NSDictionary app;
      try (ServiceConnection shim = ServiceConnection.over(DtxTransport.of(
          rsd.openService(InstallationProxy.SHIM_SERVICE)))) {
        NSDictionary options = new NSDictionary();
        options.put("BundleIDs", new NSArray(new NSString(MockDevice.UI_TESTS_RUNNER)));
        options.put("ApplicationType", "Any");
        NSDictionary lookup = new NSDictionary();
        lookup.put("Command", "Lookup");
        lookup.put("ClientOptions", options);
        shim.send(lookup);
        app = (NSDictionary) ((NSDictionary) shim.receive().get("LookupResult")).get(MockDevice.UI_TESTS_RUNNER);
      }
      String path = app.get("Path").toJavaObject().toString();
      String executable = app.get("CFBundleExecutable").toJavaObject().toString();
      assertTrue(executable.endsWith("-Runner"), executable);
      String configName = executable.substring(0, executable.length() - "-Runner".length());

      // 2. The configuration it will answer with, and its session.
      UUID session = UUID.randomUUID();
      XCTestConfiguration configuration = XCTestConfiguration.builder(
          NSURL.fileUrl(path + "/PlugIns/" + configName + ".xctest"), session)
          .productModuleName(configName).targetApplicationBundleId(MockDevice.EXAMPLE_APP).build();
      MockTestmanagerdTest.Ide ide = new MockTestmanagerdTest.Ide();
      ide.configuration = configuration;

      // 3. Two testmanagerd connections; the main one's handlers are in place before its handshake.
      CompletableFuture<Void> started = new CompletableFuture<>();
      DtxServiceRegistry registry = new DtxServiceRegistry();
      registry.registerProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class, (channel, driver) -> {
        // As soon as the runner's channel appears: start the plan (on another thread: this one delivers).
        started.completeAsync(() -> {
          driver.startExecutingTestPlan(36);
          return null;
        });
        return ide;
      });
      try (DtxConnection control = rsd.openDtx(MockTestmanagerd.RSD_SERVICE);
          DtxConnection main = rsd.openDtx(MockTestmanagerd.RSD_SERVICE, b -> b.registry(registry));
          DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> controlChannel =
              control.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
                  new XCTestManagerIdeInterface() { });
          DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> mainChannel =
              main.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class, ide);
          Instruments instruments = device.connect()) {
        // 4. Control session with empty capabilities; test session with the configuration's IDE capabilities.
        controlChannel.remote().initiateControlSessionWithCapabilities(new XCTCapabilities(Map.of()));
        mainChannel.remote().initiateSessionWithIdentifierAndCapabilities(session, configuration.ideCapabilities());

        // 5. Launch through processcontrol with the runner's environment, arguments and options.
        String bundlePath = path + "/PlugIns/" + configName + ".xctest";
        Map<String, String> env = Map.of(
            "CA_ASSERT_MAIN_THREAD_TRANSACTIONS", "0", "CA_DEBUG_TRANSACTIONS", "0",
            "DYLD_FRAMEWORK_PATH", path + "/Frameworks:/System/Developer/Library/Frameworks",
            "DYLD_LIBRARY_PATH", path + "/Frameworks:/System/Developer/usr/lib",
            "MTC_CRASH_ON_REPORT", "1", "NSUnbufferedIO", "YES", "SQLITE_ENABLE_THREAD_ASSERTIONS", "1",
            "WDA_PRODUCT_BUNDLE_IDENTIFIER", "", "XCTestBundlePath", bundlePath,
            "XCTestConfigurationFilePath", "");
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("XCODE_DBG_XPC_EXCLUSIONS", "com.apple.dt.xctestSymbolicator");
        all.put("XCTestManagerVariant", "DDI");
        all.put("XCTestSessionIdentifier", session.toString().toUpperCase(Locale.ROOT));
        all.put("DYLD_INSERT_LIBRARIES", "/System/Developer/usr/lib/libMainThreadChecker.dylib");
        all.put("OS_ACTIVITY_DT_MODE", "YES");
        int pid = instruments.launch(LaunchRequest.of(MockDevice.UI_TESTS_RUNNER).withEnvironment(all)
            .withArguments(List.of("-NSTreatUnknownArgumentsAsOpen", "NO", "-ApplePersistenceIgnoreState", "YES"))
            .withKillExisting(true));

        // 6. Authorize; the runner opens its channel (pymobiledevice3 waits up to 30 s), the plan starts and runs.
        assertTrue(controlChannel.remote().authorizeTestSessionWithProcessId(pid));
        started.get(30, TimeUnit.SECONDS);
        ide.finished.get(30, TimeUnit.SECONDS);
        assertEquals("bundleReady 36 7", ide.events.get(0));
        assertEquals("runnerReady", ide.events.get(1), "the configuration is the reply to the runner's readiness");
        assertEquals("end", ide.events.get(ide.events.size() - 1));
        assertTrue(ide.events.contains("fail UITests.LoginTests/testWrongPassword LoginTests.swift:42 XCTAssertEqual "
            + "failed: (\"Welcome\") is not equal to (\"Wrong password\")"), ide.events.toString());
        instruments.kill(pid);
        MockRecordedWait.until(() -> device.process(pid) == null, "the runner's end after killPid:");
      }
    }
  }
}
