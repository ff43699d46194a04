package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.services.sysmontap.SysmonProcessRow;
import dtxkit.services.sysmontap.SysmonSample;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dtxkit top}: the screen it draws, and the full-screen view driven by keys in a JLine test terminal. */
class TopCommandTest {
  @TempDir Path config;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", config.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  static SysmonProcessRow row(int pid, String name, double cpu, long footprint, int threads) {
    return new SysmonProcessRow(pid, Map.of("name", name, "cpuUsage", cpu, "physFootprint", footprint,
        "threadCount", threads));
  }

  static final SysmonSample SAMPLE = new SysmonSample(true, List.of(
      row(10, "busy", 50.0, 10L << 20, 3),
      row(20, "big", 1.0, 900L << 20, 8),
      row(30, "threaded", 5.0, 20L << 20, 90)),
      Map.of("physMemSize", 6L << 30, "vmFreeCount", 65536L, "vmUsedCount", 131072L, "threadCount", 101L),
      56.0, 40.0, 16.0, 6, 1, 2);

  static List<String> pids(List<String> screen) {
    return screen.subList(5, screen.size()).stream().map(l -> l.trim().split("\\s+")[0]).toList();
  }

  @Test
  void screenShowsTheSystemThenSortedProcesses() {
    List<String> screen = TopCommand.render(SAMPLE, TopCommand.Sort.CPU, 120, 40, "iPhone15,2 X");
    assertTrue(screen.get(0).contains("sorted by CPU"), screen.get(0));
    assertEquals(" CPU  56.0%  user  40.0%  system  16.0%  on 6 cores   3 processes, 101 threads", screen.get(1));
    assertEquals(" Mem 6.00 GiB total, 2.00 GiB used, 1.00 GiB free", screen.get(2));
    assertTrue(screen.get(4).matches(" +PID +NAME +CPU%v +MEM +THREADS"), screen.get(4));
    assertEquals(List.of("10", "30", "20"), pids(screen));
    assertEquals(List.of("20", "30", "10"), pids(TopCommand.render(SAMPLE, TopCommand.Sort.MEMORY, 120, 40, "d")));
    assertEquals(List.of("30", "20", "10"), pids(TopCommand.render(SAMPLE, TopCommand.Sort.THREADS, 120, 40, "d")));
    // Only what fits: 5 heading lines and one process in a 6-line terminal, each line cut to the width.
    List<String> small = TopCommand.render(SAMPLE, TopCommand.Sort.CPU, 30, 6, "d");
    assertEquals(6, small.size());
    assertTrue(small.stream().allMatch(l -> l.length() <= 30), small.toString());
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void keysSortAndQuitInATerminal() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream keysIn = new PipedInputStream(keys);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal term = new ExternalTerminal("test", "xterm-256color", keysIn, screen, StandardCharsets.UTF_8);
    term.setSize(new Size(100, 30));
    TopCommand top = new TopCommand();
    top.output = new Output();
    top.bounds = new StreamOptions();
    top.sort = TopCommand.Sort.CPU;
    top.intervalMillis = 100;
    top.terminal = () -> term;
    try (DeviceSession session = MockSessions.start()) {
      StringWriter out = new StringWriter();
      CompletableFuture<Integer> running = CompletableFuture.supplyAsync(() -> {
        try {
          return top.run(session, new PrintWriter(out, true));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, dtxkit.runtime.testing.DtxTestPeers.OWN_THREAD);
      BooleanSupplier drawnByCpu = () -> screen.toString(StandardCharsets.UTF_8).contains("sorted by CPU")
          && screen.toString(StandardCharsets.UTF_8).contains("launchd");
      waitFor(drawnByCpu, "a screen sorted by CPU");
      keys.write('m');
      keys.flush();
      waitFor(() -> screen.toString(StandardCharsets.UTF_8).contains("sorted by memory"), "the memory order");
      keys.write('t');
      keys.flush();
      waitFor(() -> screen.toString(StandardCharsets.UTF_8).contains("sorted by threads"), "the threads order");
      keys.write('q');
      keys.flush();
      assertEquals(0, running.get(20, TimeUnit.SECONDS));
      String drawn = screen.toString(StandardCharsets.UTF_8);
      // Full screen: the alternate screen entered, then left on quit (xterm's smcup/rmcup).
      assertTrue(drawn.contains("\033[?1049h"), "entered the alternate screen");
      assertTrue(drawn.lastIndexOf("\033[?1049l") > drawn.lastIndexOf("sorted by threads"), "left it on quit");
      assertEquals("", out.toString(), "nothing on standard output in full-screen mode");
    } finally {
      term.close();
    }
  }

  @Test
  void withoutATerminalPrintsPlainFrames() {
    CliRunner.Result r = CliRunner.run("top", "--mock", "--interval", "50", "--count", "2");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(" CPU "), r.out());
    assertEquals(2, r.out().split("sorted by CPU", -1).length - 1, r.out());
    assertTrue(!r.out().contains("\033"), "no escape sequences when piped");
  }
}
