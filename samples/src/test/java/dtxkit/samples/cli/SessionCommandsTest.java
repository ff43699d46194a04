package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands run one after another on one session to one mock device (as {@code demo} does), where one command's
 * effect is visible to the next.
 */
class SessionCommandsTest {
  @TempDir Path config;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  static LaunchCommand launch(String bundle, boolean killExisting) {
    LaunchCommand launch = new LaunchCommand();
    launch.output = new Output();
    launch.bounds = new StreamOptions();
    launch.bundle = bundle;
    launch.killExisting = killExisting;
    return launch;
  }

  static List<Integer> pidsOf(DeviceSession session, String bundle) {
    return session.instruments().open(DeviceInfo.class).runningProcesses().stream()
        .filter(p -> bundle.equals(p.bundleIdentifier())).map(ProcessInfo::pid).toList();
  }

  @Test
  void killExistingReplacesTheRunningInstance() throws Exception {
    try (DeviceSession session = MockSessions.start()) {
      PrintWriter out = new PrintWriter(new StringWriter());
      LaunchCommand first = launch("com.apple.MobileSMS", false);
      first.run(session, out);
      assertEquals(List.of(first.launchedPid), pidsOf(session, "com.apple.MobileSMS"));

      LaunchCommand second = launch("com.apple.MobileSMS", true);
      second.run(session, out);
      assertNotEquals(first.launchedPid, second.launchedPid);
      assertEquals(List.of(second.launchedPid), pidsOf(session, "com.apple.MobileSMS"));
    }
  }

  @Test
  void killEndsTheProcessALaunchStarted() throws Exception {
    try (DeviceSession session = MockSessions.start()) {
      LaunchCommand launch = launch("com.apple.Preferences", false);
      launch.run(session, new PrintWriter(new StringWriter()));
      KillCommand kill = new KillCommand();
      kill.output = new Output();
      kill.pid = launch.launchedPid;
      kill.waitSeconds = 30;
      StringWriter text = new StringWriter();
      kill.run(session, new PrintWriter(text, true));
      assertEquals("killed " + launch.launchedPid + ": terminated by signal 9" + System.lineSeparator(),
          text.toString());
      assertEquals(List.of(), pidsOf(session, "com.apple.Preferences"));
    }
  }
}
