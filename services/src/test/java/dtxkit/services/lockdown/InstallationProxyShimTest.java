package dtxkit.services.lockdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.LockdownCodec;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.mock.MockDevice;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an iOS 17 client uses to find a test runner's bundle: installation_proxy through the RSD lockdown shim, and
 * the same apps through lockdown on older phones.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InstallationProxyShimTest {

  static RsdClient rsd(MockDevice mock) throws Exception {
    return RsdClient.connect(mock.rsdHost(), mock.rsdPort(), RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()));
  }

  @Test
  void lookupThroughTheShimGivesTheRunnersPathExecutableAndContainer() throws Exception {
    try (MockDevice mock = MockDevice.start(); RsdClient rsd = rsd(mock)) {
      RsdService shim = rsd.peerInfo().service(InstallationProxy.SHIM_SERVICE);
      assertTrue(shim.needsCheckin(), "a .shim.remote service wants RSDCheckin first");
      try (InstallationProxy apps = InstallationProxy.connect(rsd)) {
        Map<String, InstalledApp> found = apps.lookup(null, List.of(MockDevice.UI_TESTS_RUNNER, MockDevice.WDA_RUNNER,
            "com.example.absent"));
        assertEquals(List.of(MockDevice.UI_TESTS_RUNNER, MockDevice.WDA_RUNNER), List.copyOf(found.keySet()));
        InstalledApp runner = found.get(MockDevice.UI_TESTS_RUNNER);
        assertEquals("UITests-Runner", runner.executable());
        assertEquals("User", runner.type());
        assertTrue(runner.path().matches("/private/var/containers/Bundle/Application/[0-9A-F-]{36}/UITests-Runner\\.app"),
            runner.path());
        assertTrue(runner.container().startsWith("/private/var/mobile/Containers/Data/Application/"),
            runner.container());
        assertEquals("WebDriverAgentRunner-Runner", found.get(MockDevice.WDA_RUNNER).executable());

        // Browse on the same connection: the runners and the app under test are user apps.
        List<String> user = apps.browse("User").stream().map(InstalledApp::bundleIdentifier).toList();
        assertEquals(List.of(MockDevice.EXAMPLE_APP, MockDevice.UI_TESTS_RUNNER, MockDevice.WDA_RUNNER), user);
        InstalledApp browsed = apps.browse("User").get(1);
        assertEquals(runner.path(), browsed.path(), "Browse and Lookup agree");
        assertEquals(runner.container(), browsed.container());
      }
    }
  }

  @Test
  void theShimWantsItsCheckinFirst() throws Exception {
    try (MockDevice mock = MockDevice.start(); RsdClient rsd = rsd(mock);
        Socket raw = new Socket()) {
      int port = rsd.peerInfo().service(InstallationProxy.SHIM_SERVICE).port();
      raw.connect(new InetSocketAddress(mock.rsdHost(), port), 10_000);
      raw.setSoTimeout(10_000);
      NSDictionary lookup = new NSDictionary();
      lookup.put("Command", "Lookup");
      LockdownCodec.write(raw.getOutputStream(), lookup);
      // No checkin: the device closes the connection without serving the command.
      assertEquals(-1, raw.getInputStream().read());
    }
  }

  @Test
  void aClientThatClosesMidSessionLeavesTheShimServing() throws Exception {
    try (MockDevice mock = MockDevice.start(); RsdClient rsd = rsd(mock)) {
      Socket abandoned = rsd.openService(InstallationProxy.SHIM_SERVICE);
      abandoned.close();
      try (InstallationProxy apps = InstallationProxy.connect(rsd)) {
        assertTrue(apps.lookup("User", List.of(MockDevice.WDA_RUNNER)).containsKey(MockDevice.WDA_RUNNER));
      }
    }
  }

  @Test
  void theRunnersAreInstalledOnTheLockdownPathToo() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("15.8").start()) {
      mock.pairRecord();
      UsbmuxClient usbmux = UsbmuxClient.create(UsbmuxAddress.unix(mock.usbmuxdSocket()), UsbmuxClient.Options.DEFAULT);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      DtxTransport stream;
      try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, LockdownClient.Options.DEFAULT)) {
        lockdown.startSession(record);
        stream = lockdown.openService(usbmux, device, InstallationProxy.SERVICE, record);
      }
      try (InstallationProxy apps = new InstallationProxy(ServiceConnection.over(stream))) {
        InstalledApp wda = apps.lookup(null, List.of(MockDevice.WDA_RUNNER)).get(MockDevice.WDA_RUNNER);
        assertEquals("WebDriverAgentRunner-Runner", wda.executable());
        assertTrue(wda.path().endsWith("/WebDriverAgentRunner-Runner.app"), wda.path());
      }
    }
  }
}
