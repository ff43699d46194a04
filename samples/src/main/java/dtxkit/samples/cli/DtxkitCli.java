package dtxkit.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dtxkit} command-line tool: one picocli command per job, in the style of pymobiledevice3 and go-ios. */
@Command(
    name = "dtxkit",
    mixinStandardHelpOptions = true,
    versionProvider = DtxkitCli.Version.class,
    description = "Talk DTX (Instruments) and RemoteXPC to iOS devices, or to dtxkit's mock device.",
    subcommands = {CommandLine.HelpCommand.class, DecodeCommand.class})
public final class DtxkitCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line; tests run commands through this exactly as {@code ./dtxkit} does. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new DtxkitCli());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest when packaged, else reports a development build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DtxkitCli.class.getPackage().getImplementationVersion();
      return new String[] {"dtxkit " + (v == null ? "(development build)" : v)};
    }
  }
}
