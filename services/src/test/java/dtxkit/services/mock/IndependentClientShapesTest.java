package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.services.Instruments;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reply shapes and control messages an independent client (appium-ios-remotexpc, pymobiledevice3) relies on,
 * sent as such a client sends them: untyped, straight on channels.
 */
@ExtendWith(MockDeviceExtension.class)
class IndependentClientShapesTest {

  @Test
  void screenshotReplyIsNsDataAtTheRootAndLaunchReplyANumber(DtxConnection connection, MockDevice device) {
    DtxChannel screenshot = connection.openChannel("com.apple.instruments.server.services.screenshot");
    Object image = screenshot.invoke("takeScreenshot");
    assertInstanceOf(byte[].class, image);
    DtxChannel pc = connection.openChannel("com.apple.instruments.server.services.processcontrol");
    Object pid = pc.invoke("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:",
        DtxArgument.object(""), DtxArgument.object("com.apple.mobilesafari"), DtxArgument.object(Map.of()),
        DtxArgument.object(List.of()), DtxArgument.object(Map.of("StartSuspendedKey", false,
            "KillExisting", true)));
    assertInstanceOf(Number.class, pid);
    assertEquals("MobileSafari", device.process(((Number) pid).intValue()).name());
    pc.invoke("sendSignal:toPid:", DtxArgument.object(9), DtxArgument.object(pid));
  }

  @Test
  void oneChannelCanceledMessageClosesSeveralChannels(Instruments instruments, MockDevice device) {
    DtxConnection connection = instruments.connection();
    DtxChannel a = connection.openChannel("com.apple.instruments.server.services.deviceinfo");
    DtxChannel b = connection.openChannel("com.apple.instruments.server.services.screenshot");
    DtxConnection server = device.connections().get(0);
    int before = server.channels().size();
    // appium-ios-remotexpc's close(): one _channelCanceled: carrying every code it opened
    connection.controlChannel().invoke(DtxConnection.CHANNEL_CANCELED, DtxArgument.object(a.code()),
        DtxArgument.object(b.code()));
    assertEquals(before - 2, server.channels().size());
    assertTrue(server.channels().stream().noneMatch(c -> Math.abs(c.code()) == a.code()
        || Math.abs(c.code()) == b.code()));
    // the connection goes on serving
    assertArrayEquals(instruments.screenshot(), instruments.screenshot());
  }
}
