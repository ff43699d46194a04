package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every device command against {@code --mock}: the mock device started in-process and reached through RSD and DTX
 * exactly as a real device, checking the tables, the {@code --json} lines and the exit codes.
 */
class MockCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();
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

  static CliRunner.Result ok(String... args) {
    String[] withMock = Arrays.copyOf(args, args.length + 1);
    withMock[args.length] = "--mock";
    CliRunner.Result r = CliRunner.run(withMock);
    assertEquals(0, r.exitCode(), () -> String.join(" ", withMock) + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err());
    return r;
  }

  static CliRunner.Result fails(int code, String... args) {
    String[] withMock = Arrays.copyOf(args, args.length + 1);
    withMock[args.length] = "--mock";
    CliRunner.Result r = CliRunner.run(withMock);
    assertEquals(code, r.exitCode(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    return r;
  }

  static List<JsonNode> jsonLines(CliRunner.Result r) {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : r.lines()) {
      try {
        nodes.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException("not a JSON line: " + line, e);
      }
    }
    return nodes;
  }

  static JsonNode process(List<JsonNode> ps, String name) {
    return ps.stream().filter(p -> name.equals(p.get("name").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + ps));
  }

  @Test
  void rsdInfo() throws IOException {
    CliRunner.Result table = ok("rsd", "info");
    assertTrue(table.out().matches("(?s).*com\\.apple\\.instruments\\.dtservicehub\\s+\\d+  raw.*"), table.out());
    JsonNode json = JSON.readTree(ok("rsd", "info", "--json").out());
    assertTrue(json.get("services").has("com.apple.instruments.dtservicehub"), json.toString());
    assertFalse(json.get("udid").asText().isEmpty());
  }

  @Test
  void psTableAndJson() {
    CliRunner.Result table = ok("ps");
    List<String> lines = table.lines();
    assertTrue(lines.get(0).matches("PID\\s+NAME\\s+BUNDLE\\s+STARTED"), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\s*1\\s+launchd\\s+-\\s+\\d{4}-.*")), table.out());

    List<JsonNode> ps = jsonLines(ok("ps", "--json"));
    assertEquals(lines.size() - 1, ps.size(), "one JSON line per table row");
    assertEquals(1, process(ps, "launchd").get("pid").asInt());
    int previous = -1;
    for (JsonNode p : ps) {
      assertTrue(p.get("pid").asInt() > previous, "sorted by pid: " + ps);
      previous = p.get("pid").asInt();
      assertTrue(p.has("bundleIdentifier") && p.has("startDate") && p.has("isApplication"), p.toString());
    }
  }

  @Test
  void apps() {
    CliRunner.Result table = ok("apps");
    assertTrue(table.lines().get(0).matches("BUNDLE\\s+NAME\\s+VERSION\\s+TYPE"), table.out());
    assertTrue(table.out().contains("com.apple.mobilesafari"), table.out());
    List<JsonNode> apps = jsonLines(ok("apps", "--json"));
    assertTrue(apps.stream().anyMatch(a -> a.get("bundleIdentifier").asText().equals("com.apple.Preferences")),
        apps.toString());
  }

  @Test
  void launchPrintsThePid() {
    CliRunner.Result r = ok("launch", "com.apple.mobilesafari");
    assertTrue(r.out().matches("launched com\\.apple\\.mobilesafari as pid \\d+\\R"), r.out());
  }

  @Test
  void launchFollowsTheOutput() {
    CliRunner.Result r = ok("launch", "com.apple.mobilesafari", "--arg", "--hello", "--env", "GREETING=hi",
        "--count", "3");
    List<String> lines = r.lines();
    String pid = lines.get(0).replaceAll(".* as pid ", "");
    assertTrue(lines.get(1).endsWith("[" + pid + "]: started com.apple.mobilesafari"), r.out());
    assertTrue(lines.get(2).endsWith("[" + pid + "]: argv[1] = --hello"), r.out());
    assertTrue(lines.get(3).endsWith("[" + pid + "]: env GREETING=hi"), r.out());
    assertEquals(4, lines.size(), r.out());
  }

  @Test
  void launchFollowsTheOutputAsJson() {
    List<JsonNode> events = jsonLines(ok("launch", "com.apple.Preferences", "--json", "--count", "1"));
    assertEquals("launched", events.get(0).get("event").asText());
    int pid = events.get(0).get("pid").asInt();
    assertEquals("com.apple.Preferences", events.get(0).get("bundleIdentifier").asText());
    assertEquals("output", events.get(1).get("event").asText());
    assertEquals(pid, events.get(1).get("pid").asInt());
    assertTrue(events.get(1).get("text").asText().contains("started com.apple.Preferences"), events.toString());
    assertTrue(events.get(1).get("machTime").asLong() > 0);
    assertEquals(2, events.size());
  }

  @Test
  void launchOfAnAppThatIsNotInstalled() {
    CliRunner.Result r = fails(1, "launch", "com.example.missing");
    assertTrue(r.err().startsWith("dtxkit: cannot launch com.example.missing: "), r.err());
    assertTrue(r.err().contains("('dtxkit apps' lists what is installed)"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void killWaitsForTheTerminationCallback() {
    int pid = process(jsonLines(ok("ps", "--json")), "SpringBoard").get("pid").asInt();
    CliRunner.Result r = ok("kill", Integer.toString(pid));
    assertEquals("killed " + pid + ": terminated by signal 9\n", r.out().replace("\r\n", "\n"));

    JsonNode json = jsonLines(ok("kill", Integer.toString(pid), "--signal", "15", "--json")).get(0);
    assertEquals(pid, json.get("pid").asInt());
    assertTrue(json.get("terminated").asBoolean());
    assertEquals(15, json.get("crashingSignal").asInt());
  }

  @Test
  void killOfAMissingProcess() {
    // Checked against the process list before anything is sent (a device would accept killPid: and stay silent).
    CliRunner.Result r = fails(1, "kill", "99999", "--signal", "9");
    assertTrue(r.err().startsWith("dtxkit: no process 99999 is running on the device"), r.err());
    CliRunner.Result quiet = fails(1, "kill", "99999", "--wait", "0.2");
    assertTrue(quiet.err().startsWith("dtxkit: no process 99999 is running on the device"), quiet.err());
  }

  @Test
  void screenshot() throws IOException {
    Path file = dir.resolve("shots/screen.png");
    CliRunner.Result r = ok("screenshot", "-o", file.toString());
    byte[] png = Files.readAllBytes(file);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, Arrays.copyOf(png, 8));
    assertEquals("wrote " + png.length + " bytes (PNG) to " + file.toAbsolutePath() + "\n",
        r.out().replace("\r\n", "\n"));
    JsonNode json = jsonLines(ok("screenshot", "-o", dir.resolve("b.png").toString(), "--json")).get(0);
    assertEquals("PNG", json.get("format").asText());
    assertEquals(Files.size(dir.resolve("b.png")), json.get("bytes").asLong());
  }

  @Test
  void sysmonSamples() {
    CliRunner.Result r = ok("sysmon", "--interval", "50", "--count", "2", "--top", "2");
    List<String> lines = r.lines();
    assertEquals(6, lines.size(), r.out());
    assertTrue(lines.get(0).matches("cpu +[\\d.]+% \\(user +[\\d.]+%, system +[\\d.]+%\\) on \\d+ cores, \\d+ processes"),
        r.out());
    assertTrue(lines.get(1).matches(" +\\d+  \\S+ +cpu +[\\d.]+%  mem [\\d.]+ MiB"), r.out());
  }

  @Test
  void sysmonForOnePidAsJson() {
    List<JsonNode> samples = jsonLines(ok("sysmon", "--pid", "1", "--interval", "50", "--count", "2", "--json"));
    assertEquals(2, samples.size());
    for (JsonNode s : samples) {
      assertEquals(1, s.get("processes").size(), s.toString());
      assertEquals(1, s.get("processes").get(0).get("pid").asInt());
      assertTrue(s.get("processCount").asInt() > 10, s.toString());
      assertTrue(s.has("cpuTotalLoad") && s.has("cpuCount"), s.toString());
    }
  }

  @Test
  void sysmonBoundedByDuration() {
    CliRunner.Result r = ok("sysmon", "--interval", "50", "--duration", "0.5", "--json");
    assertFalse(r.lines().isEmpty(), "samples within half a second at 50 ms");
  }

  @Test
  void location() {
    assertEquals("simulating location 48.8566, 2.3522\n",
        ok("location", "set", "--duration", "0.001", "48.8566", "2.3522").out().replace("\r\n", "\n"));
    JsonNode json = jsonLines(ok("location", "set", "--duration", "0.001", "--json", "-33.9", "151.2")).get(0);
    assertEquals(-33.9, json.get("latitude").asDouble());
    assertEquals("location simulation stopped\n", ok("location", "clear").out().replace("\r\n", "\n"));
    CliRunner.Result bad = fails(2, "location", "set", "91", "0");
    assertTrue(bad.err().contains("LAT must be between -90 and 90, not 91.0"), bad.err());
  }

  @Test
  void conditions() {
    CliRunner.Result list = ok("conditions", "list");
    assertTrue(list.lines().get(0).matches("GROUP\\s+PROFILE\\s+ACTIVE\\s+DESCRIPTION"), list.out());
    assertTrue(list.out().matches("(?s).*SlowNetworkCondition\\s+SlowNetwork3GGood\\s+3G, good connection.*"),
        list.out());
    List<JsonNode> groups = jsonLines(ok("conditions", "list", "--json"));
    assertTrue(groups.stream().anyMatch(g -> g.get("identifier").asText().equals("ThermalCondition")
        && g.get("profiles").size() == 3), groups.toString());

    assertEquals("enabled ThermalCondition / ThermalSerious\n",
        ok("conditions", "enable", "ThermalCondition", "ThermalSerious").out().replace("\r\n", "\n"));
    CliRunner.Result unknown = fails(1, "conditions", "enable", "ThermalCondition", "Boiling");
    assertTrue(unknown.err().startsWith("dtxkit: the device refused: "), unknown.err());
    assertTrue(unknown.err().contains("Boiling"), unknown.err());
    // Every --mock run is a fresh device: nothing is active, which the device answers with an NSError.
    assertEquals("no condition was active\n", ok("conditions", "disable").out().replace("\r\n", "\n"));
  }

  @Test
  void netstat() {
    CliRunner.Result r = ok("netstat", "--count", "4");
    List<String> lines = r.lines();
    assertEquals(4, lines.size(), r.out());
    assertTrue(lines.get(0).matches("interface   lo0 +index 1"), r.out());
    List<JsonNode> events = jsonLines(ok("netstat", "--count", "6", "--json"));
    assertEquals(6, events.size());
    assertEquals("interface", events.get(0).get("event").asText());
    assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("connection")
        && e.get("remote").asText().contains(":")), events.toString());
  }

  @Test
  void notifications() {
    CliRunner.Result r = ok("notifications", "--count", "1");
    assertTrue(r.lines().get(0).matches("TIME\\s+KIND\\s+PID\\s+DETAIL"), r.out());
    assertTrue(r.lines().get(1).matches("\\S+\\s+memory\\s+-1  level 0"), r.out());
    JsonNode json = jsonLines(ok("notifications", "--count", "1", "--json")).get(0);
    assertEquals("memoryLevel", json.get("kind").asText());
    assertEquals(0, json.get("code").asInt());
  }

  @Test
  void energy() {
    List<JsonNode> ps = jsonLines(ok("ps", "--json"));
    int springboard = process(ps, "SpringBoard").get("pid").asInt();
    CliRunner.Result r = ok("energy", Integer.toString(springboard), "--count", "2", "--interval", "20");
    List<String> lines = r.lines();
    assertTrue(lines.get(0).matches("\\s*PID\\s+COST\\s+CPU\\s+GPU\\s+NET\\s+DISPLAY\\s+LOCATION\\s+OVERHEAD"),
        r.out());
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(1).matches("\\s*" + springboard + "(\\s+-?[\\d.]+){7}"), r.out());
    JsonNode json = jsonLines(ok("energy", Integer.toString(springboard), "--count", "1", "--json")).get(0);
    assertEquals(springboard, json.get("pid").asInt());
    assertEquals(120.0, json.get("overhead").asDouble());
    assertTrue(json.get("attributes").has("energy.cost"), json.toString());
  }

  @Test
  void energyNeedsAPid() {
    CliRunner.Result r = CliRunner.run("energy", "--mock");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Missing required parameter"), r.err());
  }
}
