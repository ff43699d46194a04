package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.samples.proxy.RecordingDecoder;
import dtxkit.samples.proxy.RecordingProxy;
import dtxkit.samples.proxy.RecordingWriter;
import dtxkit.services.Instruments;
import dtxkit.services.mock.MockDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usbmuxd face of {@code dtxkit proxy}: a client finds the mock device (iOS 13: Instruments is plain DTX after a
 * TLS handshake) through the proxy's usbmuxd socket; every connection is forwarded unchanged, and the Instruments
 * connection's DTX is decoded from the recording after the bytes that precede it.
 */
class ProxyUsbmuxdTest {

  @Test
  void aClientGoesThroughTheProxysUsbmuxdAndItsDtxIsRecorded(@TempDir Path dir) throws Exception {
    Path recording = dir.resolve("usb.dtxrec");
    try (MockDevice mock = MockDevice.builder().ios("13.7").start()) {
      mock.pairRecord();
      String path = mock.processes().get(0).executablePath();
      RecordingWriter writer = new RecordingWriter(Files.newOutputStream(recording));
      UsbmuxAddress upstream = UsbmuxAddress.tcp(mock.usbmuxdTcp().getAddress().getHostAddress(),
          mock.usbmuxdTcp().getPort());
      try (RecordingProxy proxy = RecordingProxy.builder(writer).usbmuxd(upstream, 0).start()) {
        UsbmuxClient usbmux = UsbmuxClient.create(proxy.usbmuxd(), UsbmuxClient.Options.DEFAULT);
        UsbmuxDevice device = usbmux.device(mock.udid()).orElseThrow();
        PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
        try (Instruments instruments = Instruments.connect(usbmux, device, record, LockdownClient.Options.DEFAULT)) {
          assertEquals(path, instruments.execname(mock.processes().get(0).pid()));
          assertTrue(instruments.processes().size() > 1);
        }
        ProxyRoundTripTest.awaitClose(recording);
      }
      writer.close();
    }
    Map<Integer, Map<RecordingDecoder.Direction, List<ProxyRoundTripTest.Wire>>> recorded =
        ProxyRoundTripTest.decodeRecording(recording);
    List<Map<RecordingDecoder.Direction, List<ProxyRoundTripTest.Wire>>> dtx =
        recorded.values().stream().filter(m -> !m.isEmpty()).toList();
    assertEquals(1, dtx.size(), "one DTX connection among " + recorded.size());

    Stubs.Result stubs = Stubs.generate("com.example.usb", List.of(Stubs.Input.of(recording)));
    assertEquals(List.of(), stubs.warnings());
    String deviceInfo = stubs.sources().stream().filter(s -> s.qualifiedName().endsWith(".Deviceinfo"))
        .findFirst().orElseThrow().content();
    assertTrue(deviceInfo.contains("String execname(int pid);"), deviceInfo);
    assertTrue(deviceInfo.contains("runningProcesses();"), deviceInfo);
  }
}
