package dtxkit.services.usb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.tunnel.CoreDeviceTunnel;
import dtxkit.runtime.tunnel.tcp.FaultInjector;
import dtxkit.runtime.tunnel.tcp.TcpOptions;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import dtxkit.services.mock.MockDevice;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The full path {@code usbmuxd → lockdown → CoreDeviceProxy → userspace TCP → RSD → DTX} against the mock device
 * with faults between the host's userspace TCP and the device's (the mock's CoreDeviceProxy stream wrapped by
 * {@link FaultyTunnelStream}): loss, duplication, reordering and packets over 8 KiB dropped both ways, and the byte
 * stream's reads and writes split and merged at random. Large replies arrive whole and in order, and calls keep
 * working. The faults are seeded ({@link FaultInjector}, shared with the kernel TUN test of the runtime).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MockDeviceTunnelFaultsTest {
  static final String ECHO = "dtxkit.test.echo";

  @Test
  void everyByteArrivesInOrderThroughTheMocksTunnelDespiteTheFaults() throws Exception {
    FaultInjector toDevice = new FaultInjector(0.03, 0.02, 0.03, 8 * 1024, 21);
    FaultInjector toHost = new FaultInjector(0.03, 0.02, 0.03, 8 * 1024, 22);
    // The host's retransmission as the kernel TUN test tunes it: a lost packet costs at most a few hundred ms.
    TcpOptions tcp = TcpOptions.DEFAULT.withRetransmission(Duration.ofMillis(300), Duration.ofMillis(200),
        Duration.ofSeconds(3), 15);
    try (MockDevice mock = MockDevice.builder().ios("17.4")
        .service(ECHO, channel -> invocation -> invocation.arguments().get(0))
        .coreDeviceProxyStream(tls -> {
          try {
            return new FaultyTunnelStream(tls, toDevice, toHost, 23, 3000);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })
        .start();
        Instruments direct = mock.connect()) {
      byte[] expectedScreenshot = direct.screenshot();
      UsbmuxClient usbmux = MockDeviceOverUsbmuxdTest.usbmux(mock, false);
      UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
      PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
      try (CoreDeviceTunnel tunnel = CoreDeviceTunnel.connect(usbmux, device, record,
              LockdownClient.Options.DEFAULT, CoreDeviceTunnel.Options.DEFAULT.withTcp(tcp));
          RsdClient rsd = tunnel.connectRsd(MockDeviceTunnelTest.RSD);
          Instruments instruments = Instruments.connect(rsd)) {
        assertEquals(mock.udid(), rsd.peerInfo().udid());
        DtxChannel echo = instruments.connection().openChannel(ECHO);
        Random random = new Random(24);
        for (int i = 0; i < 4; i++) {
          byte[] data = new byte[(256 << 10) + random.nextInt(512 << 10)];
          random.nextBytes(data);
          assertArrayEquals(data, (byte[]) echo.invoke("echo:", DtxArgument.object(data)), "echo " + i);
          assertArrayEquals(expectedScreenshot, instruments.screenshot(), "screenshot " + i);
          int pid = instruments.launch("com.apple.mobilesafari");
          assertTrue(mock.process(pid) != null, "launched " + pid);
          assertTrue(instruments.processes().stream().anyMatch(p -> p.pid() == pid), "pid " + pid + " listed");
        }
        assertEquals(0, tunnel.stack().stats().malformed(), "every packet parsed, checksums included");
        assertTrue(toDevice.dropped.get() > 0 && toHost.dropped.get() > 0, "packets were lost both ways");
        assertTrue(toDevice.duplicated.get() + toHost.duplicated.get() > 0, "packets were duplicated");
        assertTrue(toDevice.reordered.get() + toHost.reordered.get() > 0, "packets were reordered");
        assertEquals(0, toDevice.oversized.get() + toHost.oversized.get(),
            "no packet over 8 KiB (the MSS is at most " + TcpOptions.MAX_MSS + ")");
        assertTrue(tunnel.stack().stats().retransmissions() > 0, "the host's TCP retransmitted");
      }
    }
  }
}
