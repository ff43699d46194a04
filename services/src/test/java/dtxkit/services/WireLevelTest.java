package dtxkit.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.auxdict.AuxValue;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.testing.WireRecording;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.processcontrol.ProcessControl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the catalogue and the mock device put on the wire: encodings, oneway flags, fragmentation, channel signs. */
class WireLevelTest {

  private MockDevice device;
  private RsdClient rsd;
  private WireRecording wire;
  private DtxConnection connection;
  private Instruments instruments;

  @BeforeEach
  void connect() throws Exception {
    device = MockDevice.start();
    rsd = RsdClient.connect(device.rsdHost(), device.rsdPort(),
        RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()));
    wire = new WireRecording(DtxTransport.of(rsd.openService(Instruments.DTSERVICEHUB)));
    connection = DtxConnection.builder(wire).connect();
    instruments = Instruments.over(connection);
  }

  @AfterEach
  void close() {
    connection.close();
    rsd.close();
    device.close();
  }

  private WireRecording.Seen sent(String selector) throws Exception {
    return wire.sent().stream().filter(m -> selector.equals(m.selector())).findFirst()
        .orElseThrow(() -> new AssertionError("never sent " + selector));
  }

  @Test
  void theServerSpeaksFirstOnChannelZeroWithItsCapabilities() throws Exception {
    instruments.processes();
    WireRecording.Seen first = wire.received().get(0);
    assertEquals(0, first.channelCode());
    assertEquals(DtxConnection.NOTIFY_CAPABILITIES, first.selector());
    assertFalse(first.expectsReply());
  }

  @Test
  void memoryLimitsPidTravelsAsARawInt32() throws Exception {
    int pid = instruments.launch("com.apple.mobilesafari");
    instruments.service(ProcessControl.class).requestDisableMemoryLimits(pid);
    WireRecording.Seen call = sent("requestDisableMemoryLimitsForPid:");
    assertEquals(List.of(new AuxValue.Int32(pid)), call.arguments());
    assertTrue(call.expectsReply());
    // while an ordinary pid argument is archived (an NSNumber in a buffer)
    instruments.execname(pid);
    assertInstanceOf(AuxValue.Buffer.class, sent("execnameForPid:").arguments().get(0));
  }

  @Test
  void onewaySelectorsAskForNoReply() throws Exception {
    int pid = instruments.launch("com.apple.Maps");
    ProcessControl pc = instruments.service(ProcessControl.class);
    pc.killPid(pid);
    pc.processIdentifierForBundleIdentifier("com.apple.Maps");
    try (DeviceStream.Iterator<?> samples = instruments.sysmon(Duration.ofMillis(20)).iterator()) {
      assertNotNull(samples.poll(Duration.ofSeconds(10)));
    }
    for (String selector : List.of("killPid:", "setConfig:", "start", "stop")) {
      assertFalse(sent(selector).expectsReply(), selector);
    }
    assertTrue(sent("processIdentifierForBundleIdentifier:").expectsReply());
  }

  @Test
  void activityTraceTapAsksForTheRepliesADeviceSends() throws Exception {
    // appium-ios-remotexpc waits for the device's replies to the activitytracetap's setConfig: and start, so a
    // device answers them: the catalogue asks too (and so hears a refused configuration); stop stays oneway.
    try (DeviceStream.Iterator<byte[]> chunks = instruments.activityTrace(Map.of("ur", 500, "bm", 0)).iterator()) {
      assertNotNull(chunks.poll(Duration.ofSeconds(10)));
    }
    assertTrue(sent("setConfig:").expectsReply(), "setConfig:");
    assertTrue(sent("start").expectsReply(), "start");
    assertFalse(sent("stop").expectsReply(), "stop");
  }

  @Test
  void traceCodesFileArrivesFragmented() throws Exception {
    String table = instruments.service(DeviceInfo.class).traceCodesFile();
    WireRecording.Seen reply = wire.received().stream().filter(m -> m.bodyLength() > table.length())
        .findFirst().orElseThrow();
    assertTrue(reply.fragments().size() > 2, "fragments: " + reply.fragments());
    assertTrue(reply.bodyLength() > 256 * 1024);
  }

  @Test
  void pushedCallbacksUseTheNegatedChannelCode() throws Exception {
    try (DeviceStream.Iterator<ProcessEvent> events = instruments.processEvents().iterator()) {
      int pid = instruments.launch("com.apple.camera");
      assertNotNull(events.poll(Duration.ofSeconds(10)));
      instruments.kill(pid);
    }
    int code = sent("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:")
        .channelCode();
    WireRecording.Seen output = wire.received().stream()
        .filter(m -> "outputReceived:fromProcess:atTime:".equals(m.selector())).findFirst().orElseThrow();
    assertEquals(-code, output.channelCode());
    assertEquals(0, output.conversationIndex());
    assertFalse(output.expectsReply());
  }
}
