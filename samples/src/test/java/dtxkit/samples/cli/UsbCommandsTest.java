package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dtxkit.services.mock.MockDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole command set against a mock device reached as a phone on a cable: {@code --usb}, with
 * {@code USBMUXD_SOCKET_ADDRESS} (given to the command line, not set JVM-wide) pointing at the mock's usbmuxd,
 * for both lockdown Instruments flavours: iOS 15 (DVTSecureSocketProxy, TLS kept) and iOS 13 (remoteserver, TLS
 * handshake then plain DTX).
 */
class UsbCommandsTest {

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Ios15 extends Commands {
    Ios15() {
      super("15.8", false);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Ios13 extends Commands {
    Ios13() {
      super("13.7", true);
    }
  }

  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  abstract static class Commands {
    final String ios;
    final boolean tcp;
    MockDevice mock;
    Map<String, String> environment;
    @TempDir Path dir;

    Commands(String ios, boolean tcp) {
      this.ios = ios;
      this.tcp = tcp;
    }

    @BeforeAll
    void start() throws IOException {
      mock = MockDevice.builder().ios(ios).start();
      mock.pairRecord(); // waits for the pairing the mock generates at start (seconds on a busy machine)
      environment = new HashMap<>(System.getenv());
      environment.put("USBMUXD_SOCKET_ADDRESS", tcp
          ? "127.0.0.1:" + mock.usbmuxdTcp().getPort() : mock.usbmuxdSocket().toString());
    }

    @AfterAll
    void stop() {
      mock.close();
    }

    CliRunner.Result run(String... args) {
      return CliRunner.runWithEnvironment(environment, args);
    }

    CliRunner.Result ok(String... args) {
      String[] withUsb = Arrays.copyOf(args, args.length + 1);
      withUsb[args.length] = "--usb";
      CliRunner.Result r = run(withUsb);
      assertEquals(0, r.exitCode(), () -> String.join(" ", withUsb) + "\nstdout:\n" + r.out() + "\nstderr:\n"
          + r.err());
      return r;
    }

    CliRunner.Result fails(int code, String... args) {
      String[] withUsb = Arrays.copyOf(args, args.length + 1);
      withUsb[args.length] = "--usb";
      CliRunner.Result r = run(withUsb);
      assertEquals(code, r.exitCode(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
      return r;
    }

    @Test
    void devicesListsTheMockWithItsLockdownValues() {
      CliRunner.Result table = run("devices");
      assertEquals(0, table.exitCode(), table.err());
      assertTrue(table.out().contains(mock.udid()) && table.out().contains(ios)
          && table.out().contains(mock.identity().productType()), table.out());
      JsonNode json = MockCommandsTest.jsonLines(run("devices", "--json")).get(0);
      assertEquals(mock.udid(), json.get("udid").asText());
      assertEquals("USB", json.get("connectionType").asText());
      assertEquals(ios, json.get("osVersion").asText());
      List<JsonNode> follow = MockCommandsTest.jsonLines(run("devices", "--follow", "--json", "--count", "1"));
      assertEquals("attached", follow.get(0).get("event").asText());
    }

    @Test
    void processesLaunchKill() {
      List<JsonNode> ps = MockCommandsTest.jsonLines(ok("ps", "--json"));
      int springboard = MockCommandsTest.process(ps, "SpringBoard").get("pid").asInt();
      assertTrue(ok("ps").out().contains("SpringBoard"));
      CliRunner.Result launched = ok("launch", "com.apple.mobilesafari", "--kill-existing");
      assertTrue(launched.out().matches("(?s).*\\d+.*"), launched.out());
      assertTrue(MockCommandsTest.fails(1, "launch", "com.example.missing").exitCode() == 1);
      assertTrue(ok("kill", Integer.toString(springboard), "--signal", "15").exitCode() == 0);
      List<JsonNode> events = MockCommandsTest.jsonLines(ok("launch", "com.apple.Preferences", "--json", "--count",
          "1"));
      assertFalse(events.isEmpty());
    }

    @Test
    void streamsAndTheRestOfTheCatalogue() throws IOException {
      Path png = dir.resolve("s.png");
      ok("screenshot", "-o", png.toString());
      assertTrue(Files.size(png) > 8);
      assertEquals(2, MockCommandsTest.jsonLines(ok("sysmon", "--interval", "50", "--count", "2", "--json")).size());
      ok("location", "set", "--duration", "0.001", "48.8566", "2.3522");
      ok("location", "clear");
      assertTrue(ok("conditions", "list").out().contains("SlowNetworkCondition"));
      ok("conditions", "enable", "ThermalCondition", "ThermalSerious");
      ok("conditions", "disable");
      assertTrue(ok("apps").out().contains("com.apple.mobilesafari"));
      assertEquals(4, ok("netstat", "--count", "4").lines().size());
      ok("notifications", "--count", "1");
      int springboard = MockCommandsTest.process(MockCommandsTest.jsonLines(ok("ps", "--json")), "SpringBoard")
          .get("pid").asInt();
      ok("energy", Integer.toString(springboard), "--count", "1", "--interval", "20");
    }

    @Test
    void lockdownServices() throws IOException {
      assertEquals(3, ok("syslog", "--count", "3").lines().size());
      List<JsonNode> apps = MockCommandsTest.jsonLines(ok("apps", "--lockdown", "--json"));
      assertTrue(apps.stream().anyMatch(a -> a.get("path").asText().equals("/Applications/MobileSafari.app")));
      assertTrue(fails(1, "uninstall", "com.apple.mobilesafari").err().contains("UninstallProhibited"));
      assertTrue(ok("install", LockdownCommandsMockTest.ipa(dir).toString()).out().contains("Complete"));
      assertTrue(ok("apps", "--lockdown", "--type", "user").out().contains("com.example.demo"));
      assertTrue(ok("uninstall", "com.example.demo").out().contains("Complete"));
      Path image = Files.write(dir.resolve("DeveloperDiskImage.dmg"), new byte[1024]);
      Path signature = Files.write(dir.resolve("DeveloperDiskImage.dmg.signature"), new byte[] {7});
      assertTrue(ok("mount", image.toString(), signature.toString()).out().contains("already mounted"));
    }

    @Test
    void pairThenUseTheNewRecord() {
      CliRunner.Result r = run("pair", "--timeout", "20");
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains("paired with " + mock.udid()) && r.out().contains("saved to usbmuxd"), r.out());
      assertTrue(ok("ps").out().contains("SpringBoard"), "the record usbmuxd now holds opens a session");
    }

    @Test
    void rsdInfoSaysUsbmuxdHasNoRsd() {
      assertTrue(fails(1, "rsd", "info").err().contains("RemoteServiceDiscovery"));
    }

    @Test
    void withoutAnOptionTheUsbmuxdDeviceIsPickedAndNamed() {
      CliRunner.Result r = run("ps");
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.err().contains("using " + mock.udid() + " through usbmuxd"), r.err());
      assertTrue(r.out().contains("SpringBoard"));
    }

    @Test
    void anUnknownUdidNamesTheDevicesThereAre() {
      CliRunner.Result r = fails(1, "ps", "--udid", "00000000-0000000000000000");
      assertTrue(r.err().contains(mock.udid()), r.err());
    }
  }
}
