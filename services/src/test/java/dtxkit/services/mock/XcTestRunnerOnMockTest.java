package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.xctest.XcTestDevice;
import dtxkit.services.xctest.XcTestEvent;
import dtxkit.services.xctest.XcTestRequest;
import dtxkit.services.xctest.XcTestRun;
import dtxkit.services.xctest.XcTestRunner;
import dtxkit.services.xctest.XcTestSummary;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The XCTest runner API against the mock playing each iOS version, every flow: 17 through RSD, 14-16 and 12-13
 * through lockdown (the configuration also as a file in the runner's container, written through house_arrest), 11
 * (protocol 25, the runner authorized by the legacy call).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class XcTestRunnerOnMockTest {

  static XcTestDevice lockdown(MockDevice device) {
    device.pairRecord();
    UsbmuxClient usbmux = UsbmuxClient.create(UsbmuxAddress.unix(device.usbmuxdSocket()), UsbmuxClient.Options.DEFAULT);
    try {
      UsbmuxDevice phone = usbmux.device(device.udid()).orElseThrow();
      return XcTestDevice.lockdown(usbmux, phone, PairRecordStore.defaults().require(usbmux, phone.udid()),
          LockdownClient.Options.DEFAULT);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static XcTestSummary runFailingPlan(XcTestDevice device, MockDevice mock, XcTestRunner.Flow flow) throws Exception {
    List<XcTestEvent> events = new ArrayList<>();
    XcTestRequest request = XcTestRequest.builder(MockDevice.UI_TESTS_RUNNER).targetApp(MockDevice.EXAMPLE_APP)
        .listener(events::add).build();
    XcTestSummary summary;
    int pid;
    try (XcTestRun run = XcTestRunner.on(device).authorizationDelay(Duration.ZERO).start(request)) {
      assertEquals(flow, run.flow());
      pid = run.pid();
      summary = run.summary().get(60, TimeUnit.SECONDS);
      MockRecordedWait.until(() -> events.stream().anyMatch(e -> e instanceof XcTestEvent.Attachment),
          "the activity's attachment");
    }
    assertEquals(3, summary.passed());
    assertEquals(1, summary.failed());
    XcTestEvent.CaseFailed failed = (XcTestEvent.CaseFailed) events.stream()
        .filter(e -> e instanceof XcTestEvent.CaseFailed).findFirst().orElseThrow();
    assertEquals("LoginTests.swift", failed.file());
    assertEquals(42, failed.line());
    XcTestEvent.Attachment attachment = (XcTestEvent.Attachment) events.stream()
        .filter(e -> e instanceof XcTestEvent.Attachment).findFirst().orElseThrow();
    assertEquals("login.png", attachment.attachment().name());
    MockRecordedWait.until(() -> mock.process(pid) == null, "the runner killed when the run closed");
    return summary;
  }

  @Test
  void ios17ThroughRsd() throws Exception {
    try (MockDevice mock = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, MockTestPlan.failing()).start();
        RsdClient rsd = RsdClient.connect(mock.rsdHost(), mock.rsdPort(),
            RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()))) {
      runFailingPlan(XcTestDevice.rsd(rsd), mock, XcTestRunner.Flow.RSD);
    }
  }

  @ParameterizedTest
  @CsvSource({"15.8, SECURE", "13.7, LOCKDOWN", "11.4, LEGACY"})
  void throughLockdown(String ios, XcTestRunner.Flow flow) throws Exception {
    try (MockDevice mock = MockDevice.builder().ios(ios).testPlan(MockDevice.UI_TESTS_RUNNER, MockTestPlan.failing())
        .start()) {
      runFailingPlan(lockdown(mock), mock, flow);
      if (flow.configurationFile()) {
        String tmp = MockInstallationProxy.container(MockDevice.UI_TESTS_RUNNER) + "/tmp";
        assertTrue(mock.state().list(tmp).stream().anyMatch(n -> n.endsWith(".xctestconfiguration")),
            "the configuration file in the runner's container: " + mock.state().list(tmp));
      }
    }
  }

  @Test
  void webDriverAgentServesUntilClosed() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("15.8").start()) {
      XcTestRequest request = XcTestRequest.builder(MockDevice.WDA_RUNNER).build();
      int pid;
      try (XcTestRun run = XcTestRunner.on(lockdown(mock)).authorizationDelay(Duration.ZERO).start(request)) {
        pid = run.pid();
        assertEquals(MockTestPlan.WDA_URL,
            run.awaitLog(Pattern.compile("ServerURLHere->(.+?)<-ServerURLHere")).get(30, TimeUnit.SECONDS));
        run.ready().get(30, TimeUnit.SECONDS);
        Thread.sleep(200);
        assertFalse(run.summary().isDone(), "WebDriverAgent's plan never finishes");
        try (Instruments instruments = mock.connect()) {
          assertTrue(instruments.processes().stream().anyMatch(p -> p.pid() == pid));
        }
      }
      MockRecordedWait.until(() -> mock.process(pid) == null, "closing the run killed WebDriverAgent");
    }
  }
}
