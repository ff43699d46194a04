package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnectionClosedException;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.DtxTimeoutException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code dtxkit} command-line tool: one picocli command per job, in the style of pymobiledevice3 and go-ios. */
@Command(
    name = "dtxkit",
    mixinStandardHelpOptions = true,
    versionProvider = DtxkitCli.Version.class,
    description = "Talk DTX (Instruments) and RemoteXPC to iOS devices, or to dtxkit's mock device.",
    subcommands = {CommandLine.HelpCommand.class, DecodeCommand.class, RsdCommand.class, TunnelCommand.class,
        PsCommand.class,
        LaunchCommand.class, KillCommand.class, ScreenshotCommand.class, LocationCommand.class,
        ConditionsCommand.class, AppsCommand.class, NotificationsCommand.class, EnergyCommand.class,
        SysmonCommand.class, TopCommand.class, GraphicsCommand.class, NetstatCommand.class, SyslogCommand.class,
        InstallCommand.class, UninstallCommand.class, MountCommand.class, DevicesCommand.class, PairCommand.class,
        XcTestCommand.class, WdaCommand.class, MockDeviceCommand.class, TunneldCommand.class, DemoCommand.class,
        StubsCommand.class, ProxyCommand.class})
public final class DtxkitCli implements Runnable {
  /** slf4j-simple's level property; set before the first logger exists. */
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
  /** slf4j-simple's level for Netty's loggers: Netty's own DEBUG lines are not what {@code --verbose} is for. */
  static final String NETTY_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.io.netty";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The environment the commands read ({@code USBMUXD_SOCKET_ADDRESS}); the process's own unless a test set one. */
  private final Map<String, String> environment;

  DtxkitCli(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The environment the commands read. */
  Map<String, String> environment() {
    return environment;
  }

  /**
   * The environment of the command running under {@code spec}.
   *
   * @param spec any command's spec
   * @return the environment
   */
  static Map<String, String> environment(CommandLine.Model.CommandSpec spec) {
    Object root = spec.root().userObject();
    return root instanceof DtxkitCli cli ? cli.environment() : System.getenv();
  }

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log at debug level and print stack traces with errors.")
  boolean verbose;

  /**
   * Runs the tool and exits with its code: 0 on success, 1 when the device or the connection failed (one line of
   * advice on stderr), 2 for a usage error.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    configureLogging(args);
    System.exit(newCommandLine().execute(args));
  }

  /**
   * Sets slf4j-simple's level from the arguments before any logger is created: warn, or debug with
   * {@code --verbose}. An explicit {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} wins.
   */
  static void configureLogging(String[] args) {
    List<String> list = Arrays.asList(args);
    if (list.contains("--verbose") || list.contains("-v")) {
      System.setProperty(LOG_LEVEL_PROPERTY, "debug");
      if (System.getProperty(NETTY_LOG_LEVEL_PROPERTY) == null) {
        System.setProperty(NETTY_LOG_LEVEL_PROPERTY, "info");
      }
    } else if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(LOG_LEVEL_PROPERTY, "warn");
    }
  }

  /** The configured command line; tests run commands through this exactly as {@code ./dtxkit} does. */
  public static CommandLine newCommandLine() {
    return newCommandLine(System.getenv());
  }

  /**
   * The command line reading {@code environment} instead of the process's (tests point
   * {@code USBMUXD_SOCKET_ADDRESS} at a mock device this way, without changing anything JVM-wide).
   *
   * @param environment the environment variables the commands see
   * @return the command line
   */
  public static CommandLine newCommandLine(Map<String, String> environment) {
    CommandLine cli = new CommandLine(new DtxkitCli(environment));
    cli.setExecutionExceptionHandler(DtxkitCli::handleFailure);
    cli.setParameterExceptionHandler(new UsageErrors(cli.getParameterExceptionHandler()));
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints one line saying what failed and what to do; the stack trace only with {@code --verbose}. */
  private static int handleFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    cli.getOut().flush();
    err.println("dtxkit: " + describe(e));
    if (verbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return e instanceof CliException c ? c.exitCode() : 1;
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The user-facing sentence for a failure. */
  static String describe(Throwable e) {
    if (e instanceof CliException) {
      return e.getMessage();
    }
    if (e instanceof DtxRemoteException r) {
      return "the device refused: " + r.getMessage();
    }
    if (e instanceof DtxConnectionClosedException) {
      return "the connection to the device closed: " + e.getMessage();
    }
    if (e instanceof DtxTimeoutException) {
      return "the device did not answer in time: " + e.getMessage() + " (is it still connected and unlocked?)";
    }
    if (DeviceOptions.hasCause(e, ConnectException.class)) {
      return "connection refused: " + DeviceOptions.rootMessage(e) + "; " + DeviceOptions.START_A_TUNNEL;
    }
    if (e instanceof java.io.IOException) {
      return e.getMessage();
    }
    return "unexpected error: " + e + " (run with --verbose for the stack trace, and please report it)";
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
