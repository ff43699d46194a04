package dtxkit.samples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Base of the commands that talk to one device: the shared device options and {@code --json}, a session opened
 * around {@link #run} and closed after it (also on Ctrl-C).
 */
abstract class DeviceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin DeviceOptions device;
  @CommandLine.Mixin Output output;

  @Override
  public final Integer call() throws Exception {
    validate();
    try (DeviceSession session = device.open(spec).closeOnShutdown()) {
      try {
        return run(session, spec.commandLine().getOut());
      } catch (RuntimeException e) {
        if (session.interrupted()) {
          return 0; // Ctrl-C closed the connection under the command: its failure is the expected end
        }
        throw e;
      }
    }
  }

  /** Checks the arguments before any connection is made; throws a {@link CommandLine.ParameterException}. */
  void validate() {}

  /**
   * Does the command's job.
   *
   * @param session the connected device; closed by the caller
   * @param out standard output
   * @return the exit code
   */
  abstract int run(DeviceSession session, PrintWriter out) throws Exception;

  /** True when printing JSON. */
  boolean json() {
    return output.json;
  }

  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
