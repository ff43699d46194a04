package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 14's "a CLI that never misleads": one test per case, through the command line as a user types it. */
class CliNeverMisleadsTest {
  @TempDir Path dir;
  HttpServer http;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", dir.resolve("host-uuid").toString());
  }

  @AfterEach
  void stop() {
    System.clearProperty("dtxkit.hostUuidFile");
    if (http != null) {
      http.stop(0);
    }
  }

  static CliRunner.Result run(int expectedExit, String... args) {
    CliRunner.Result r = CliRunner.run(args);
    assertEquals(expectedExit, r.exitCode(), () -> String.join(" ", args) + "\nstdout:\n" + r.out() + "\nstderr:\n"
        + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    return r;
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // --- decode ------------------------------------------------------------------------------------------------------

  @Test
  void decodeOfAMissingFileSaysWhatIsWrongWithWhichFile() {
    String missing = dir.resolve("nonexistent.bin").toString();
    CliRunner.Result r = run(1, "decode", missing);
    assertEquals("dtxkit: cannot read " + missing + ": no such file or directory", r.err().strip());
  }

  @Test
  void decodeOfADirectoryNamesIt() {
    CliRunner.Result r = run(2, "decode", dir.toString());
    assertEquals("dtxkit: cannot decode " + dir + ": it is a directory, not a file", r.err().strip());
  }

  @Test
  void emptyInputIsAUsageError() throws IOException {
    assertTrue(run(2, "decode", "--hex", "").err().contains("--hex is empty: there is nothing to decode"));
    Path empty = Files.createFile(dir.resolve("empty.bin"));
    assertTrue(run(2, "decode", empty.toString()).err().contains(empty + " is empty (0 bytes)"));
    CliRunner.Result stdin = CliRunner.run(new byte[0], "decode", "-");
    assertEquals(2, stdin.exitCode());
    assertTrue(stdin.err().contains("standard input is empty"), stdin.err());
  }

  // --- device options ----------------------------------------------------------------------------------------------

  @Test
  void twoDeviceOptionsSayChooseOne() {
    CliRunner.Result r = run(2, "ps", "--mock", "--rsd", "127.0.0.1", "1");
    assertTrue(r.err().startsWith("dtxkit ps: --rsd and --mock each pick the device; choose one of --rsd, "), r.err());
    // Every way of picking a device is listed (the list is the option group's, so new ones join it by themselves).
    String choices = r.err().substring(r.err().indexOf("choose one of"), r.err().indexOf('\n'));
    for (String option : List.of("--rsd", "--tunneld", "--go-ios", "--mock")) {
      assertTrue(choices.contains(option), choices);
    }
    assertFalse(r.err().contains("expected only one match"), r.err());
    assertTrue(r.err().contains("Try 'dtxkit ps --help'"), r.err());
  }

  @Test
  void anOptionBeforeTheCommandSaysWhereItGoes() {
    CliRunner.Result r = run(2, "--mock", "ps");
    assertTrue(r.err().startsWith("dtxkit: --mock is an option of 'ps': put it after the command, e.g. dtxkit ps"
        + " --mock"), r.err());
    CliRunner.Result alone = run(2, "--json");
    assertTrue(alone.err().startsWith("dtxkit: --json goes after a command, e.g. dtxkit "), alone.err());
  }

  @Test
  void goIosWithoutAnAgentNamesGoIosAgent() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();
    CliRunner.Result r = run(1, "ps", "--go-ios", url);
    assertTrue(r.err().contains("no go-ios agent answers at " + url), r.err());
    assertTrue(r.err().contains("start go-ios's agent: sudo ios tunnel start"), r.err());
    assertFalse(r.err().contains("pymobiledevice3"), r.err());
  }

  @Test
  void aWebPageIsNotATunnelDaemon() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", exchange -> {
      byte[] page = "<!DOCTYPE html><html><body>router login</body></html>".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
    });
    http.start();
    String url = "http://127.0.0.1:" + http.getAddress().getPort();
    CliRunner.Result r = run(1, "ps", "--tunneld", url);
    assertTrue(r.err().startsWith("dtxkit: " + url + " did not answer like a tunnel daemon (a tunneld): its answer"
        + " is not JSON"), r.err());
    assertFalse(r.err().contains("Unexpected character"), "no raw parser error: " + r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void udidWithMockWarns() {
    CliRunner.Result r = run(0, "ps", "--mock", "--udid", "00008110-FFFFFFFFFFFFFFFF");
    assertTrue(r.err().startsWith("dtxkit: warning: --udid 00008110-FFFFFFFFFFFFFFFF is ignored with --mock: the mock"
        + " device is "), r.err());
    assertFalse(r.out().isEmpty());
  }

  // --- stream bounds -----------------------------------------------------------------------------------------------

  @Test
  void boundsThatWouldPrintNothingAreRejected() {
    assertTrue(run(2, "sysmon", "--mock", "--count", "-1").err().contains("--count must be 1 or more, not -1"));
    assertTrue(run(2, "sysmon", "--mock", "--count", "0").err().contains("--count must be 1 or more, not 0"));
    assertTrue(run(2, "sysmon", "--mock", "--duration", "0").err()
        .contains("--duration must be a positive number of seconds (at least 0.001), not 0.0"));
    assertTrue(run(2, "netstat", "--mock", "--duration", "-1").err()
        .contains("--duration must be a positive number of seconds (at least 0.001), not -1.0"));
    assertTrue(run(2, "location", "set", "1", "2", "--mock", "--duration", "-1").err()
        .contains("--duration must be a positive number of seconds"));
  }

  @Test
  void locationSetOffersNoCount() {
    CliRunner.Result r = run(2, "location", "set", "1", "2", "--mock", "--count", "3");
    assertTrue(r.err().startsWith("Unknown option") && r.err().contains("'--count'"), r.err());
    String help = run(0, "location", "set", "--help").out();
    assertFalse(help.contains("--count"), help);
    assertTrue(help.contains("--duration"), help);
  }

  @Test
  void aDurationShorterThanTwoIntervalsStillShowsASample() {
    CliRunner.Result r = run(0, "sysmon", "--mock", "--interval", "500", "--duration", "0.1", "--top", "1");
    assertEquals(2, r.lines().size(), r.out());
    assertTrue(r.lines().get(0).startsWith("cpu "), r.out());
  }

  @Test
  void launchFollowEndsWhenTheProcessEnds() throws Exception {
    try (DeviceSession session = MockSessions.start()) {
      LaunchCommand launch = new LaunchCommand();
      launch.output = new Output();
      launch.bounds = StreamOptions.of(100, null);
      launch.follow = true;
      launch.bundle = "com.apple.mobilesafari";
      StringWriter text = new StringWriter();
      CompletableFuture<Integer> following = CompletableFuture.supplyAsync(() -> {
        try {
          return launch.run(session, new PrintWriter(text, true));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, dtxkit.runtime.testing.DtxTestPeers.OWN_THREAD);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (launch.launchedPid < 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      KillCommand kill = new KillCommand();
      kill.output = new Output();
      kill.pid = launch.launchedPid;
      kill.waitSeconds = 20;
      kill.run(session, new PrintWriter(new StringWriter()));
      assertEquals(0, following.get(20, TimeUnit.SECONDS));
      assertTrue(text.toString().contains("pid " + launch.launchedPid + " terminated by signal 9"), text.toString());
    }
  }

  @Test
  void killOfAPidThatIsNotRunningSaysSoAtOnce() {
    CliRunner.Result r = run(1, "kill", "99999", "--mock");
    assertEquals("dtxkit: no process 99999 is running on the device ('dtxkit ps' lists them)", r.err().strip());
    assertEquals("", r.out());
  }

  // --- consistency -------------------------------------------------------------------------------------------------

  @Test
  void groupsWithoutASubcommandAllExitTwo() {
    assertTrue(run(2, "rsd").err().contains("say 'rsd info'"));
    assertTrue(run(2, "conditions").err().contains("say 'conditions list'"));
    assertTrue(run(2, "location").err().contains("say 'location set LAT LON'"));
  }

  @Test
  void helpNeverBreaksAUrl() {
    Pattern url = Pattern.compile("https?://\\S*");
    List<String> urls = new ArrayList<>();
    List<CommandLine> all = new ArrayList<>();
    collect(DtxkitCli.newCommandLine(), all);
    for (CommandLine c : all) {
      String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      Matcher m = url.matcher(help);
      while (m.find()) {
        urls.add(m.group());
        assertTrue(m.group().matches("https?://[\\w.-]+(:\\d+)?/?[\\w./-]*[).,]?"),
            c.getCommandSpec().qualifiedName() + ": broken URL " + m.group() + " in\n" + help);
      }
      assertFalse(help.matches("(?s).*https?:\\s*\\n.*"), help);
    }
    assertTrue(urls.contains("http://127.0.0.1:49151/).") || urls.stream().anyMatch(u -> u.startsWith(
        "http://127.0.0.1:49151/")), urls.toString());
    assertTrue(urls.stream().anyMatch(u -> u.startsWith("http://127.0.0.1:60105/")), urls.toString());
  }

  private static void collect(CommandLine c, List<CommandLine> into) {
    into.add(c);
    c.getSubcommands().values().forEach(s -> collect(s, into));
  }

  @Test
  void verboseKeepsNettyQuiet() {
    String before = System.getProperty(DtxkitCli.NETTY_LOG_LEVEL_PROPERTY);
    String level = System.getProperty(DtxkitCli.LOG_LEVEL_PROPERTY);
    try {
      System.clearProperty(DtxkitCli.NETTY_LOG_LEVEL_PROPERTY);
      DtxkitCli.configureLogging(new String[] {"ps", "--verbose"});
      assertEquals("debug", System.getProperty(DtxkitCli.LOG_LEVEL_PROPERTY));
      assertEquals("info", System.getProperty(DtxkitCli.NETTY_LOG_LEVEL_PROPERTY));
    } finally {
      restore(DtxkitCli.NETTY_LOG_LEVEL_PROPERTY, before);
      restore(DtxkitCli.LOG_LEVEL_PROPERTY, level);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  // --- issue 10 item 7 ---------------------------------------------------------------------------------------------

  @Test
  void screenshotIntoAMissingDirectoryCreatesItAndSaysSo() throws IOException {
    Path file = dir.resolve("new/dir/shot.png");
    CliRunner.Result r = run(0, "screenshot", "-o", file.toString(), "--mock");
    assertTrue(Files.size(file) > 0);
    assertTrue(r.err().contains("created the directory " + file.getParent()), r.err());
  }

  @Test
  void screenshotWhereNoDirectoryCanBeSaysWhy() throws IOException {
    Path blocker = Files.writeString(dir.resolve("a-file"), "x");
    CliRunner.Result r = run(1, "screenshot", "-o", blocker.resolve("shot.png").toString(), "--mock");
    assertTrue(r.err().startsWith("dtxkit: cannot create the directory " + blocker + " for the screenshot: "),
        r.err());
    assertTrue(r.err().contains("not a directory") || r.err().contains("a file is in the way"), r.err());
  }

  @Test
  void mockDeviceOnEveryInterfaceWarnsAndPrintsAUsableAddress() throws Exception {
    PipedReader pipe = new PipedReader();
    PrintWriter out = new PrintWriter(new PipedWriter(pipe), true);
    StringWriter err = new StringWriter();
    CommandLine cli = DtxkitCli.newCommandLine();
    cli.setOut(out);
    cli.setErr(new PrintWriter(err, true));
    AtomicInteger exit = new AtomicInteger(-1);
    Thread device = new Thread(() -> {
      exit.set(cli.execute("mock-device", "--host", "0.0.0.0"));
      out.close();
    }, "mock-device-any");
    device.start();
    try {
      assertNotNull(new BufferedReader(pipe).readLine());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!err.toString().contains("answers RSD at") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      device.interrupt();
      device.join(20_000);
    }
    assertEquals(0, exit.get(), err.toString());
    assertTrue(err.toString().contains("warning: --host 0.0.0.0 listens on every network interface"), err.toString());
    Matcher at = Pattern.compile("answers RSD at (\\S+):(\\d+) ").matcher(err.toString());
    assertTrue(at.find(), err.toString());
    InetAddress usable = InetAddress.getByName(at.group(1));
    assertFalse(usable.isAnyLocalAddress(), "a usable address, not " + at.group(1));
    assertTrue(err.toString().contains("dtxkit ps --rsd " + at.group(1) + " " + at.group(2)), err.toString());
  }
}
