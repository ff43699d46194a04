package dtxkit.samples.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Words the usage errors picocli would otherwise print in its own terms: two device options ("choose one of
 * --rsd, --tunneld, ..."), and a command's option given before the command ("put it after the command"). Every other
 * usage error keeps picocli's handling. Exit code 2 in all cases.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
  private final CommandLine.IParameterExceptionHandler fallback;

  UsageErrors(CommandLine.IParameterExceptionHandler fallback) {
    this.fallback = fallback;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) throws Exception {
    CommandLine cmd = ex.getCommandLine();
    String message = null;
    // picocli says "mutually exclusive" or "expected only one match" depending on the order of the options.
    message = exclusive(cmd.getCommandSpec(), args);
    if (message != null) {
      // worded
    } else if (ex instanceof CommandLine.UnmatchedArgumentException u && cmd.getParent() == null) {
      message = optionBeforeCommand(cmd, u.getUnmatched(), args);
    }
    if (message == null) {
      return fallback.handleParseException(ex, args);
    }
    PrintWriter err = cmd.getErr();
    err.println(message);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** "dtxkit ps: --mock and --rsd both say which device; choose one of --rsd, --tunneld, --go-ios, --mock". */
  static String exclusive(CommandSpec spec, String[] args) {
    for (ArgGroupSpec group : spec.argGroups()) {
      if (!group.exclusive() || group.options().isEmpty()) {
        continue;
      }
      List<String> names = new ArrayList<>();
      List<String> given = new ArrayList<>();
      for (OptionSpec option : group.options()) {
        names.add(option.longestName());
        for (String arg : args) {
          String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
          if (Arrays.asList(option.names()).contains(name) && !given.contains(option.longestName())) {
            given.add(option.longestName());
          }
        }
      }
      if (given.size() < 2) {
        continue;
      }
      return spec.qualifiedName() + ": " + String.join(" and ", given) + " each pick the device; choose one of "
          + String.join(", ", names);
    }
    return null;
  }

  /**
   * For {@code dtxkit --mock ps}: names the command the option belongs to and where it goes; null when the
   * unmatched word is no command's option.
   */
  static String optionBeforeCommand(CommandLine root, List<String> unmatched, String[] args) {
    if (unmatched.isEmpty() || !unmatched.get(0).startsWith("-")) {
      return null;
    }
    String word = unmatched.get(0);
    String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
    for (String arg : args) {
      CommandLine command = root.getSubcommands().get(arg);
      if (command != null) {
        if (knows(command, option)) {
          return root.getCommandName() + ": " + option + " is an option of '" + arg + "': put it after the command,"
              + " e.g. " + root.getCommandName() + " " + arg + " " + option;
        }
        return null;
      }
    }
    for (CommandLine command : root.getSubcommands().values()) {
      if (knows(command, option)) {
        return root.getCommandName() + ": " + option + " goes after a command, e.g. " + root.getCommandName() + " "
            + command.getCommandName() + " " + option + " ('" + root.getCommandName() + " help' lists the commands)";
      }
    }
    return null;
  }

  /** True when {@code command} or one of its subcommands has {@code option}. */
  private static boolean knows(CommandLine command, String option) {
    if (command.getCommandSpec().findOption(option) != null) {
      return true;
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      if (knows(sub, option)) {
        return true;
      }
    }
    return false;
  }
}
