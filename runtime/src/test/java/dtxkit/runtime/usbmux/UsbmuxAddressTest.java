package dtxkit.runtime.usbmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every form of {@code USBMUXD_SOCKET_ADDRESS} the peers use, and the platform defaults. */
class UsbmuxAddressTest {

  @Test
  void barePathIsUnix() {
    UsbmuxAddress a = UsbmuxAddress.parse("/tmp/mux.sock");
    assertTrue(a.isUnix());
    assertEquals(Path.of("/tmp/mux.sock"), a.unixPath());
    assertEquals("/tmp/mux.sock", a.toString());
    assertEquals("unix:///tmp/mux.sock", a.toUri());
  }

  @Test
  void hostPortIsTcpAsPymobiledevice3AndAppiumRead() {
    UsbmuxAddress a = UsbmuxAddress.parse("127.0.0.1:27015");
    assertFalse(a.isUnix());
    assertEquals("127.0.0.1", a.host());
    assertEquals(27015, a.port());
    assertEquals("127.0.0.1:27015", a.toString());
    assertEquals("tcp://127.0.0.1:27015", a.toUri());
    assertEquals("localhost", UsbmuxAddress.parse("localhost:1").host());
    UsbmuxAddress v6 = UsbmuxAddress.parse("[::1]:27015");
    assertEquals("::1", v6.host());
    assertEquals("[::1]:27015", v6.toString());
  }

  @Test
  void goIosForms() {
    assertEquals(Path.of("/var/run/usbmuxd"), UsbmuxAddress.parse("unix:///var/run/usbmuxd").unixPath());
    assertEquals(Path.of("/tmp/x"), UsbmuxAddress.parse("unix:/tmp/x").unixPath());
    UsbmuxAddress tcp = UsbmuxAddress.parse("tcp://localhost:27015");
    assertEquals("localhost", tcp.host());
    assertEquals(27015, tcp.port());
    assertEquals(27015, UsbmuxAddress.parse("TCP://127.0.0.1:27015/").port());
    // Round trip of both printed forms.
    for (String s : new String[] {"/a/b", "1.2.3.4:5", "[fe80::1]:62078"}) {
      UsbmuxAddress a = UsbmuxAddress.parse(s);
      assertEquals(a, UsbmuxAddress.parse(a.toString()));
      assertEquals(a, UsbmuxAddress.parse(a.toUri()));
    }
  }

  @Test
  void badValuesNameWhatIsWrong() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UsbmuxAddress.parse("host:port"))
        .getMessage().contains("bad port 'port'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UsbmuxAddress.parse("host:70000"))
        .getMessage().contains("70000"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UsbmuxAddress.parse(":27015"))
        .getMessage().contains("no host"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UsbmuxAddress.parse("unix://"))
        .getMessage().contains("no socket path"));
    assertThrows(IllegalArgumentException.class, () -> UsbmuxAddress.parse("  "));
    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
        () -> UsbmuxAddress.fromEnvironment(Map.of("USBMUXD_SOCKET_ADDRESS", "tcp://x:y"), "Linux"));
    assertTrue(env.getMessage().startsWith("USBMUXD_SOCKET_ADDRESS: "), env.getMessage());
  }

  @Test
  void environmentAndDefaults() {
    assertEquals(UsbmuxAddress.unix(Path.of("/var/run/usbmuxd")), UsbmuxAddress.fromEnvironment(Map.of(), "Linux"));
    assertEquals(UsbmuxAddress.unix(Path.of("/var/run/usbmuxd")),
        UsbmuxAddress.fromEnvironment(Map.of(), "Mac OS X"));
    assertEquals(UsbmuxAddress.tcp("127.0.0.1", 27015), UsbmuxAddress.fromEnvironment(Map.of(), "Windows 11"));
    assertEquals(UsbmuxAddress.tcp("10.0.0.2", 1234),
        UsbmuxAddress.fromEnvironment(Map.of("USBMUXD_SOCKET_ADDRESS", "10.0.0.2:1234"), "Linux"));
    assertEquals(UsbmuxAddress.unix(Path.of("/var/run/usbmuxd")),
        UsbmuxAddress.fromEnvironment(Map.of("USBMUXD_SOCKET_ADDRESS", ""), "Linux"));
  }
}
