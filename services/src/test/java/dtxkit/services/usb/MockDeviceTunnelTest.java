package dtxkit.services.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.LockdownException;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.tunnel.CoreDeviceTunnel;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import dtxkit.services.deviceinfo.ProcessInfo;
import dtxkit.services.mock.MockDevice;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mock device as an iOS 17.4+ phone on a cable: usbmuxd, lockdown, CoreDeviceProxy, the userspace TCP on both
 * sides, RSD and DTX through the tunnel.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MockDeviceTunnelTest {
  static final RsdClient.Options RSD = RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID());

  @Test
  void instrumentsThroughCoreDeviceProxy() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("17.4").start()) {
      UsbmuxClient usbmux = MockDeviceOverUsbmuxdTest.usbmux(mock, false);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      try (CoreDeviceTunnel tunnel = CoreDeviceTunnel.connect(usbmux, device, record,
              LockdownClient.Options.DEFAULT, CoreDeviceTunnel.Options.DEFAULT);
          RsdClient rsd = tunnel.connectRsd(RSD);
          Instruments instruments = Instruments.connect(rsd)) {
        assertEquals(mock.udid(), rsd.peerInfo().udid());
        assertEquals(mock.rsdPort(), tunnel.parameters().serverRsdPort());
        assertEquals(64, tunnel.parameters().prefixLength());
        assertTrue(tunnel.parameters().serverAddress().getHostAddress().startsWith("fd"));
        List<ProcessInfo> processes = instruments.processes();
        assertTrue(processes.stream().anyMatch(p -> p.name().equals("SpringBoard")), processes.toString());
        int pid = instruments.launch("com.apple.mobilesafari");
        assertTrue(mock.process(pid) != null);
        assertTrue(instruments.screenshot().length > 8);
        assertEquals(0, tunnel.stack().stats().malformed());
      }
    }
  }

  @Test
  void beforeIos174LockdownHasNoCoreDeviceProxy() throws Exception {
    try (MockDevice mock = MockDevice.builder().ios("17.2").start()) {
      UsbmuxClient usbmux = MockDeviceOverUsbmuxdTest.usbmux(mock, false);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      assertThrows(LockdownException.InvalidServiceException.class, () -> CoreDeviceTunnel.connect(usbmux, device,
          record, LockdownClient.Options.DEFAULT, CoreDeviceTunnel.Options.DEFAULT));
    }
  }
}
