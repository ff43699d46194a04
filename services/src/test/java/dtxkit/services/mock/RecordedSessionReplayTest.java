package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.archive.NSKeyedArchiver;
import dtxkit.runtime.archive.NSURL;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.Instruments;
import dtxkit.services.LaunchRequest;
import dtxkit.services.xctest.XCTestManagerDaemonConnectionInterface;
import dtxkit.services.xctest.XCTestManagerIdeInterface;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replaying the host side of a recorded XCTest session (go-ios {@code conn-out4}: Xcode 11, protocol 35, the test
 * session connection) against the mock produces the device side of the recording ({@code conn-in4}): the same
 * dispatches, selector by selector, from the capabilities to the last debug line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecordedSessionReplayTest {
  /** The session the recording initiates. */
  static final UUID SESSION = UUID.fromString("DF4DD5B7-6F17-45AF-A1C7-DE114C5A7CB9");

  /** The recorded plan: bundle blaTests, class blaTests, a passing test and a performance test. */
  static MockTestPlan recordedPlan() {
    return MockTestPlan.builder("blaTests")
        .test("blaTests", "testExample", t -> t.duration(Duration.ofNanos(819_087)))
        .test("blaTests", "testPerformanceExample", t -> t.duration(Duration.ofMillis(264)).measuresPerformance())
        .build();
  }

  @Test
  void theHostSideOfConnOut4AgainstTheMockGivesTheDeviceSideOfConnIn4() throws Exception {
    try (MockDevice device = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, recordedPlan()).start();
        Instruments instruments = device.connect();
        RsdClient rsd = RsdClient.connect(device.rsdHost(), device.rsdPort(),
            RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()));
        DtxConnection control = rsd.openDtx(MockTestmanagerd.RSD_SERVICE);
        Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(device.rsdHost(),
          rsd.peerInfo().service(MockTestmanagerd.RSD_SERVICE).port()), 10_000);
      try (RecordedHost host = new RecordedHost(socket, "conn-out4.dump")) {
        var played = host.play();
        MockRecordedWait.until(() -> device.testmanagerd().session(SESSION) != null, "the recorded session");

        // What the recording does not hold: the runner's launch (with its configuration file, as Xcode 11 wrote
        // one) and its authorization by the control session, each on a connection of its own.
        String configPath = "/private/var/mobile/Containers/Data/Application/02F87522-5AA4-4B71-B8AF-AB5A723892CE"
            + "/tmp/blaTests-" + SESSION + ".xctestconfiguration";
        device.putFile(configPath, NSKeyedArchiver.archive(XCTestConfiguration.builder(
                NSURL.fileUrl("/private/var/containers/Bundle/Application/X/bla.app/PlugIns/blaTests.xctest"), SESSION)
            .productModuleName("blaTests").initializeForUiTesting(false).build()));
        int pid = instruments.launch(LaunchRequest.of(MockDevice.UI_TESTS_RUNNER).withEnvironment(Map.of(
            "XCTestSessionIdentifier", SESSION.toString(), "XCTestConfigurationFilePath", configPath))
            .withArguments(List.of("-NSTreatUnknownArgumentsAsOpen", "NO", "-ApplePersistenceIgnoreState", "YES")));
        try (DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> daemon =
            control.openProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
                new XCTestManagerIdeInterface() { })) {
          assertEquals(35, daemon.remote().initiateControlSessionWithProtocolVersion(35));
          assertTrue(daemon.remote().authorizeTestSessionWithProcessId(pid));
        }
        played.get(40, TimeUnit.SECONDS);
        Thread.sleep(200); // anything the mock would send beyond the recording
        assertEquals(RecordedHost.selectors("conn-in4.dump"), host.sentSelectors());
      }
    }
  }
}
