package dtxkit.services.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import dtxkit.services.InstrumentsUnavailableException;
import dtxkit.services.deviceinfo.ProcessInfo;
import dtxkit.services.lockdown.ImageMounter;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.lockdown.SyslogRelay;
import dtxkit.services.mock.MockDevice;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mock device reached as a phone on a cable: its usbmuxd lists it and hands out its pair record, its lockdown
 * starts Instruments in the TLS mode of the iOS version it plays, and the same catalogue answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MockDeviceOverUsbmuxdTest {

  static UsbmuxClient usbmux(MockDevice mock, boolean tcp) {
    UsbmuxAddress address = tcp
        ? UsbmuxAddress.tcp(mock.usbmuxdTcp().getAddress().getHostAddress(), mock.usbmuxdTcp().getPort())
        : UsbmuxAddress.unix(mock.usbmuxdSocket());
    mock.pairRecord(); // waits for the pairing the mock generates at start (seconds on a busy machine)
    return UsbmuxClient.create(address, UsbmuxClient.Options.DEFAULT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"15.8", "13.7"})
  void instrumentsThroughLockdownInBothTlsModes(String ios) throws Exception {
    try (MockDevice mock = MockDevice.builder().ios(ios).start()) {
      UsbmuxClient usbmux = usbmux(mock, ios.startsWith("13"));
      List<UsbmuxDevice> devices = usbmux.devices();
      assertEquals(1, devices.size());
      UsbmuxDevice device = devices.get(0);
      assertEquals(mock.udid(), device.udid());
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      try (Instruments instruments = Instruments.connect(usbmux, device, record, LockdownClient.Options.DEFAULT)) {
        List<ProcessInfo> processes = instruments.processes();
        assertTrue(processes.stream().anyMatch(p -> p.name().equals("SpringBoard")), processes.toString());
        int pid = instruments.launch("com.apple.mobilesafari");
        assertTrue(mock.process(pid) != null);
        instruments.kill(pid);
        assertTrue(instruments.screenshot().length > 8);
      }
      assertEquals(ios.startsWith("13") ? Instruments.REMOTESERVER : Instruments.DVT_SECURE_SOCKET_PROXY,
          mock.lockdownInstrumentsService());
    }
  }

  @Test
  void lockdownValuesWithoutASession() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("15.8").start()) {
      UsbmuxClient usbmux = usbmux(mock, false);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, LockdownClient.Options.DEFAULT)) {
        assertEquals("com.apple.mobile.lockdown", lockdown.queryType());
        assertEquals("15.8", lockdown.getString(null, "ProductVersion"));
        assertEquals(mock.identity().productType(), lockdown.getString(null, "ProductType"));
        assertEquals(mock.udid(), lockdown.getString(null, "UniqueDeviceID"));
        assertEquals(mock.identity().deviceName(), lockdown.getString(null, "DeviceName"));
      }
    }
  }

  @Test
  void iOS17OffersInstrumentsOnlyThroughRsd() throws Exception {
    try (MockDevice mock = MockDevice.start()) {
      assertNull(mock.lockdownInstrumentsService());
      UsbmuxClient usbmux = usbmux(mock, false);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      InstrumentsUnavailableException e = assertThrows(InstrumentsUnavailableException.class,
          () -> Instruments.connect(usbmux, device, record, LockdownClient.Options.DEFAULT));
      assertTrue(e.getMessage().contains("tunnel"), e.getMessage());
      try (Instruments rsd = mock.connect()) {
        assertTrue(!rsd.processes().isEmpty(), "the RSD path still serves it");
      }
    }
  }

  @Test
  void withoutTheDeveloperDiskImageInstrumentsIsRefusedUntilOneIsMounted() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("15.8").withoutDeveloperDiskImage().start()) {
      UsbmuxClient usbmux = usbmux(mock, false);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      InstrumentsUnavailableException e = assertThrows(InstrumentsUnavailableException.class,
          () -> Instruments.connect(usbmux, device, record, LockdownClient.Options.DEFAULT));
      assertTrue(e.getMessage().contains("developer disk image"), e.getMessage());
      assertTrue(e.getMessage().contains("dtxkit mount"), e.getMessage());
      try (ImageMounter mounter = new ImageMounter(service(usbmux, device, record, ImageMounter.SERVICE))) {
        byte[] image = new byte[100_000];
        assertTrue(mounter.mount(ImageMounter.DEVELOPER, new ByteArrayInputStream(image), image.length,
            "sig".getBytes(StandardCharsets.UTF_8), n -> { }));
      }
      try (Instruments instruments = Instruments.connect(usbmux, device, record, LockdownClient.Options.DEFAULT)) {
        assertTrue(!instruments.processes().isEmpty());
      }
    }
  }

  @Test
  void lockdownServicesThroughUsbmuxd() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("13.7").start()) {
      UsbmuxClient usbmux = usbmux(mock, true);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      try (InstallationProxy proxy = new InstallationProxy(service(usbmux, device, record,
          InstallationProxy.SERVICE))) {
        assertTrue(proxy.browse("System").stream().anyMatch(a -> a.bundleIdentifier().equals("com.apple.Maps")));
      }
      try (SyslogRelay syslog = new SyslogRelay(service(usbmux, device, record, SyslogRelay.SERVICE))) {
        assertTrue(syslog.readLine().contains("]"));
      }
    }
  }

  static ServiceConnection service(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record, String name)
      throws Exception {
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, LockdownClient.Options.DEFAULT)) {
      lockdown.startSession(record);
      DtxTransport stream = lockdown.openService(usbmux, device, name, record);
      return ServiceConnection.over(stream);
    }
  }
}
