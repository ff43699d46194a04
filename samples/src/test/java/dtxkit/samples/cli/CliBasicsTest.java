package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The tool's shape: every command registered and documented, shared options everywhere, usage errors exit 2. */
class CliBasicsTest {
  static final List<String> DEVICE_COMMANDS = List.of("ps", "launch", "kill", "screenshot", "sysmon", "apps",
      "netstat", "notifications", "energy", "wda");

  @Test
  void helpListsEveryCommand() {
    CliRunner.Result r = CliRunner.run("--help");
    assertEquals(0, r.exitCode());
    for (String c : List.of("rsd", "ps", "launch", "kill", "screenshot", "sysmon", "location", "conditions", "apps",
        "netstat", "notifications", "energy", "decode", "xctest", "wda", "mock-device", "demo", "stubs", "proxy")) {
      assertTrue(r.out().matches("(?s).*\\n  " + c + " .*"), c + " missing from:\n" + r.out());
    }
  }

  @Test
  void everyDeviceCommandTakesTheSharedOptions() {
    CommandLine cli = DtxkitCli.newCommandLine();
    List<CommandLine> commands = new java.util.ArrayList<>();
    for (String name : DEVICE_COMMANDS) {
      commands.add(cli.getSubcommands().get(name));
    }
    commands.add(cli.getSubcommands().get("rsd").getSubcommands().get("info"));
    commands.add(cli.getSubcommands().get("location").getSubcommands().get("set"));
    commands.add(cli.getSubcommands().get("xctest").getSubcommands().get("run"));
    commands.add(cli.getSubcommands().get("location").getSubcommands().get("clear"));
    for (String sub : List.of("list", "enable", "disable")) {
      commands.add(cli.getSubcommands().get("conditions").getSubcommands().get(sub));
    }
    for (CommandLine c : commands) {
      for (String option : List.of("--rsd", "--tunneld", "--go-ios", "--udid", "--mock", "--json", "--verbose")) {
        assertTrue(c.getCommandSpec().findOption(option) != null, c.getCommandName() + " lacks " + option);
      }
    }
    for (String stream : List.of("launch", "sysmon", "netstat", "notifications", "energy")) {
      CommandLine c = cli.getSubcommands().get(stream);
      assertTrue(c.getCommandSpec().findOption("--count") != null, stream);
      assertTrue(c.getCommandSpec().findOption("--duration") != null, stream);
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRunner.Result r = CliRunner.run("frobnicate");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Unmatched argument at index 0: 'frobnicate'"), r.err());
  }

  @Test
  void groupsWithoutASubcommandSayWhatToType() {
    CliRunner.Result r = CliRunner.run("location");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("say 'location set LAT LON' or 'location clear'"), r.err());
    CliRunner.Result c = CliRunner.run("conditions");
    assertEquals(2, c.exitCode());
    assertTrue(c.err().contains("'conditions enable GROUP PROFILE'"), c.err());
  }

  @Test
  void verboseRaisesTheLogLevelUnlessSetExplicitly() {
    String before = System.getProperty(DtxkitCli.LOG_LEVEL_PROPERTY);
    try {
      System.clearProperty(DtxkitCli.LOG_LEVEL_PROPERTY);
      DtxkitCli.configureLogging(new String[] {"ps", "--mock"});
      assertEquals("warn", System.getProperty(DtxkitCli.LOG_LEVEL_PROPERTY));
      DtxkitCli.configureLogging(new String[] {"ps", "--verbose"});
      assertEquals("debug", System.getProperty(DtxkitCli.LOG_LEVEL_PROPERTY));
      System.setProperty(DtxkitCli.LOG_LEVEL_PROPERTY, "info");
      DtxkitCli.configureLogging(new String[] {"ps"});
      assertEquals("info", System.getProperty(DtxkitCli.LOG_LEVEL_PROPERTY));
    } finally {
      if (before == null) {
        System.clearProperty(DtxkitCli.LOG_LEVEL_PROPERTY);
      } else {
        System.setProperty(DtxkitCli.LOG_LEVEL_PROPERTY, before);
      }
    }
  }
}
