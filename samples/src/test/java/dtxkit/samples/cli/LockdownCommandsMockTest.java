package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The lockdown-service commands (syslog, apps --lockdown, uninstall, mount) against {@code --mock}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockdownCommandsMockTest {
  @TempDir static Path config;
  @TempDir Path dir;

  @BeforeAll
  static void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
  }

  @AfterAll
  static void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  @Test
  void syslogPrintsCountedLines() {
    CliRunner.Result r = MockCommandsTest.ok("syslog", "--count", "3");
    assertEquals(3, r.lines().size(), r.out());
    for (String line : r.lines()) {
      assertTrue(line.matches("\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ \\S+\\[\\d+\\] <\\w+>: .*"), line);
    }
    List<JsonNode> json = MockCommandsTest.jsonLines(MockCommandsTest.ok("syslog", "--count", "2", "--json"));
    assertEquals(2, json.size());
    assertTrue(json.get(0).get("line").asText().contains("["), json.toString());
  }

  @Test
  void syslogStopsAfterItsDuration() {
    CliRunner.Result r = MockCommandsTest.ok("syslog", "--duration", "0.6");
    assertTrue(r.lines().size() >= 1, r.out());
  }

  @Test
  void appsThroughInstallationProxyHavePaths() {
    List<JsonNode> apps = MockCommandsTest.jsonLines(MockCommandsTest.ok("apps", "--lockdown", "--json"));
    JsonNode safari = apps.stream().filter(a -> a.get("bundleIdentifier").asText().equals("com.apple.mobilesafari"))
        .findFirst().orElseThrow();
    assertEquals("/Applications/MobileSafari.app", safari.get("path").asText());
    assertEquals("System", safari.get("type").asText());
    CliRunner.Result table = MockCommandsTest.ok("apps", "--lockdown", "--type", "system");
    assertTrue(table.lines().get(0).matches("BUNDLE\\s+NAME\\s+VERSION\\s+TYPE\\s+PATH\\s+CONTAINER\\s*"),
        table.out());
  }

  static Path ipa(Path dir) throws java.io.IOException {
    Path file = dir.resolve("Demo.ipa");
    String plist = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>"
        + "<key>CFBundleIdentifier</key><string>com.example.demo</string>"
        + "<key>CFBundleExecutable</key><string>Demo</string>"
        + "<key>CFBundleShortVersionString</key><string>1.2</string></dict></plist>";
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("Payload/Demo.app/Info.plist"));
      zip.write(plist.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return file;
  }

  @Test
  void installUploadsThenInstallsWithProgress() throws Exception {
    CliRunner.Result r = MockCommandsTest.ok("install", ipa(dir).toString());
    assertTrue(r.out().contains("uploaded Demo.ipa") && r.out().contains("InstallingApplication"), r.out());
    // Piped (not a terminal): the upload's progress is plain lines on standard error, the last one at 100 %.
    assertTrue(r.err().contains("uploading Demo.ipa: ") && r.err().strip().endsWith("(100%)"), r.err());
    CliRunner.Result json = MockCommandsTest.ok("install", "--json", ipa(dir).toString());
    assertTrue(json.out().contains("\"status\":\"Uploading\"") && json.err().isEmpty(), json.out() + json.err());
    assertTrue(r.lines().get(r.lines().size() - 1).endsWith("Complete"), r.out());
    CliRunner.Result missing = MockCommandsTest.fails(2, "install", dir.resolve("nope.ipa").toString());
    assertTrue(missing.err().contains("is not a file"), missing.err());
  }

  @Test
  void uninstallingASystemAppIsRefusedWithTheDevicesReason() {
    CliRunner.Result r = MockCommandsTest.fails(1, "uninstall", "com.apple.mobilesafari");
    assertTrue(r.err().contains("UninstallProhibited"), r.err());
  }

  @Test
  void mountUploadsTheImageWithProgressOnStandardError() throws Exception {
    Path image = Files.write(dir.resolve("Fresh.dmg"), new byte[300 * 1024]);
    Path signature = Files.write(dir.resolve("Fresh.dmg.signature"), new byte[] {9, 8, 7, 6});
    CliRunner.Result r = MockCommandsTest.ok("mount", image.toString(), signature.toString());
    // The signature is new, so the image is uploaded; the shared mock may have mounted another test's image already.
    assertTrue(java.util.Set.of("mounted the developer disk image", "a developer disk image is already mounted")
        .contains(r.out().strip()), r.out());
    // Piped: a line per tenth of the image, the last at 100 %.
    assertTrue(r.err().contains("uploading Fresh.dmg: ") && r.err().strip().endsWith("300.0 KiB of 300.0 KiB (100%)"),
        r.err());
  }

  @Test
  void mountSaysWhenAnImageIsMountedAlready() throws Exception {
    Path image = Files.write(dir.resolve("DeveloperDiskImage.dmg"), new byte[4096]);
    Path signature = Files.write(dir.resolve("DeveloperDiskImage.dmg.signature"), new byte[] {1, 2, 3});
    CliRunner.Result r = MockCommandsTest.ok("mount", image.toString(), signature.toString());
    assertTrue(r.out().contains("already mounted"), r.out());
    CliRunner.Result missing = MockCommandsTest.fails(2, "mount", dir.resolve("nope.dmg").toString(),
        signature.toString());
    assertTrue(missing.err().contains("is not a file"), missing.err());
  }
}
