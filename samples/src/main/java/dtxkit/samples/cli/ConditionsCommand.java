package dtxkit.samples.cli;

import dtxkit.services.conditioninducer.ConditionGroup;
import dtxkit.services.conditioninducer.ConditionInducer;
import dtxkit.services.conditioninducer.ConditionProfile;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dtxkit conditions list|enable|disable}: the condition inducer (thermal state, network link...). */
@Command(name = "conditions", mixinStandardHelpOptions = true,
    description = "List, enable or disable induced device conditions (network link, thermal state...).",
    subcommands = {ConditionsCommand.ListConditions.class, ConditionsCommand.Enable.class,
        ConditionsCommand.Disable.class})
final class ConditionsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "say 'conditions list', 'conditions enable GROUP PROFILE' or 'conditions disable'");
  }

  /** {@code conditions list}: one row per profile. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the condition groups and profiles.")
  static final class ListConditions extends DeviceCommand {
    @Override
    int run(DeviceSession session, PrintWriter out) {
      List<ConditionGroup> groups = session.instruments().open(ConditionInducer.class).availableConditionInducers();
      if (json()) {
        for (ConditionGroup g : groups) {
          List<Object> profiles = g.profiles() == null ? List.of() : g.profiles().stream()
              .map(p -> (Object) Output.object("identifier", p.identifier(), "name", p.name(),
                  "description", p.description()))
              .toList();
          Output.printJson(out, Output.object("identifier", g.identifier(), "name", g.name(),
              "isActive", g.isActive(), "activeProfile", g.activeProfile(), "profiles", profiles));
        }
        return 0;
      }
      Output.Table table = new Output.Table("GROUP", "PROFILE", "ACTIVE", "DESCRIPTION");
      for (ConditionGroup g : groups) {
        for (ConditionProfile p : g.profiles() == null ? List.<ConditionProfile>of() : g.profiles()) {
          boolean active = Boolean.TRUE.equals(g.isActive()) && p.identifier().equals(g.activeProfile());
          table.row(g.identifier(), p.identifier(), active ? "*" : "", p.description());
        }
      }
      table.print(out);
      return 0;
    }
  }

  /** {@code conditions enable GROUP PROFILE}. */
  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Enable a profile (see 'conditions list' for the identifiers).")
  static final class Enable extends DeviceCommand {
    @Parameters(index = "0", paramLabel = "GROUP", description = "The group identifier, e.g. SlowNetworkCondition.")
    String group;

    @Parameters(index = "1", paramLabel = "PROFILE", description = "The profile identifier, e.g. SlowNetwork3GGood.")
    String profile;

    @Override
    int run(DeviceSession session, PrintWriter out) {
      boolean enabled = session.instruments().open(ConditionInducer.class).enableCondition(group, profile);
      if (json()) {
        Output.printJson(out, Output.object("group", group, "profile", profile, "enabled", enabled));
      } else {
        out.println(enabled ? "enabled " + group + " / " + profile
            : "the device did not enable " + group + " / " + profile);
        out.flush();
      }
      return enabled ? 0 : 1;
    }
  }

  /** {@code conditions disable}. */
  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable the active condition.")
  static final class Disable extends DeviceCommand {
    @Override
    int run(DeviceSession session, PrintWriter out) {
      // A device answers an NSError when nothing is active; that is not a failure of this command.
      boolean disabled = session.facade().disableCondition();
      session.flush();
      if (json()) {
        Output.printJson(out, Output.object("disabled", disabled));
      } else {
        out.println(disabled ? "the active condition is disabled" : "no condition was active");
        out.flush();
      }
      return 0;
    }
  }
}
