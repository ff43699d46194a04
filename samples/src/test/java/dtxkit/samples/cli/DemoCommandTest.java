package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dtxkit demo} runs to the end against its in-process mock device and shows every step's result. */
class DemoCommandTest {
  @TempDir Path dir;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", dir.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  @Test
  void runsToTheEnd() throws Exception {
    Path shot = dir.resolve("demo.png");
    CliRunner.Result r = CliRunner.run("demo", "-o", shot.toString(), "--sysmon-seconds", "1.2");
    assertEquals(0, r.exitCode(), r.out() + "\n" + r.err());
    String out = r.out();
    List<String> lines = r.lines();
    assertTrue(lines.get(0).startsWith("dtxkit demo: starting a mock iPhone"), out);
    for (int step = 1; step <= 6; step++) {
      assertTrue(out.contains("\n== " + step + ". "), "step " + step + " missing:\n" + out);
    }
    assertTrue(out.matches("(?s).*UDID: +\\S+.*Instruments on port \\d+.*"), out);
    assertTrue(out.matches("(?s).*\\n\\s*1\\s+launchd.*"), "process table:\n" + out);
    String pid = out.replaceAll("(?s).*launched com\\.apple\\.mobilesafari as pid (\\d+).*", "$1");
    assertTrue(out.contains("[" + pid + "]: started com.apple.mobilesafari"), out);
    assertTrue(out.contains("[" + pid + "]: argv[1] = --demo"), out);
    assertTrue(out.contains("killed " + pid + ": terminated by signal 9"), out);
    assertTrue(out.contains("to " + shot.toAbsolutePath()), out);
    byte[] png = Files.readAllBytes(shot);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    assertTrue(out.matches("(?s).*\\ncpu +[\\d.]+% .*"), "sysmon samples:\n" + out);
    assertTrue(lines.get(lines.size() - 1).startsWith("Done: that was dtxkit's mock device."), out);
    // The way to a real iPhone: the cable (usbmuxd) first, then a tunnel for iOS 17+.
    String last = lines.get(lines.size() - 1);
    assertTrue(last.indexOf("--usb") > 0 && last.indexOf("--usb") < last.indexOf("--tunneld"), last);
  }
}
