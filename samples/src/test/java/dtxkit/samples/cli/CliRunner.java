package dtxkit.samples.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs a {@code dtxkit} command in-process, exactly as {@code ./dtxkit} does, and captures what it prints. */
final class CliRunner {
  private CliRunner() {}

  /** Exit code and output of one run. */
  record Result(int exitCode, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\R"));
    }
  }

  static Result run(String... args) {
    return run(null, args);
  }

  /** Runs with {@code stdin} as standard input (null: the process's own). */
  static Result run(byte[] stdin, String... args) {
    return run(System.getenv(), stdin, args);
  }

  /** Runs with these environment variables instead of the process's (e.g. USBMUXD_SOCKET_ADDRESS). */
  static Result runWithEnvironment(java.util.Map<String, String> environment, String... args) {
    return run(environment, null, args);
  }

  private static synchronized Result run(java.util.Map<String, String> environment, byte[] stdin, String... args) {
    CommandLine cli = DtxkitCli.newCommandLine(environment);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    InputStream previous = System.in;
    if (stdin != null) {
      System.setIn(new ByteArrayInputStream(stdin));
    }
    try {
      int code = cli.execute(args);
      return new Result(code, out.toString(), err.toString());
    } finally {
      System.setIn(previous);
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
