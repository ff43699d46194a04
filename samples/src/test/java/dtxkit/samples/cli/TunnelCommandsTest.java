package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dtxkit.services.mock.MockDevice;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An iOS 17.4 mock device on a "cable" (its own usbmuxd, named by {@code USBMUXD_SOCKET_ADDRESS}) with no tunnel
 * daemon: {@code --usb} and the default go usbmuxd, lockdown, CoreDeviceProxy, dtxkit's userspace TCP, RSD, DTX.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TunnelCommandsTest {
  MockDevice mock;
  Map<String, String> environment;

  @BeforeAll
  void start() throws IOException {
    mock = MockDevice.builder().ios("17.4").start();
    mock.pairRecord();
    environment = new HashMap<>(System.getenv());
    environment.put("USBMUXD_SOCKET_ADDRESS", mock.usbmuxdSocket().toString());
  }

  @AfterAll
  void stop() {
    mock.close();
  }

  CliRunner.Result ok(String... args) {
    CliRunner.Result r = CliRunner.runWithEnvironment(environment, args);
    assertEquals(0, r.exitCode(), () -> String.join(" ", args) + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err());
    return r;
  }

  @Test
  void psOverTheFullPath() {
    CliRunner.Result r = ok("ps", "--usb");
    assertTrue(r.out().contains("SpringBoard"), r.out());
    List<JsonNode> ps = MockCommandsTest.jsonLines(ok("ps", "--usb", "--json"));
    assertTrue(MockCommandsTest.process(ps, "SpringBoard").get("pid").asInt() > 0);
  }

  @Test
  void withoutAnOptionAndWithoutATunnelDaemonTheDevicesOwnTunnelIsUsed() {
    CliRunner.Result r = ok("ps", "--json");
    assertTrue(r.err().contains("using " + mock.udid() + " through CoreDeviceProxy tunnel"), r.err());
    assertTrue(MockCommandsTest.process(MockCommandsTest.jsonLines(r), "SpringBoard") != null);
  }

  @Test
  void tunnelInfoShowsTheAddresses() {
    JsonNode info = MockCommandsTest.jsonLines(ok("tunnel", "info", "--usb", "--json")).get(0);
    assertEquals(mock.udid(), info.get("udid").asText());
    assertTrue(info.get("hostAddress").asText().startsWith("fd"), info.toString());
    assertTrue(info.get("deviceAddress").asText().endsWith("::1"), info.toString());
    assertEquals(64, info.get("prefixLength").asInt());
    assertEquals(mock.rsdPort(), info.get("rsdPort").asInt());
    assertEquals(16000, info.get("mtu").asInt());
    String table = ok("tunnel", "info", "--usb").out();
    assertTrue(table.contains("Host address:") && table.contains("/64") && table.contains("MTU:             16000"),
        table);
  }

  @Test
  void lockdownServicesStillGoThroughUsbmuxd() {
    assertEquals(2, ok("syslog", "--usb", "--count", "2").lines().size());
  }
}
