package dtxkit.samples.cli;

/**
 * A failure the user can act on: its message says what went wrong and what to do. The tool prints it without a
 * stack trace (unless {@code --verbose}) and exits with {@link #exitCode()}.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(String message) {
    this(message, null);
  }

  CliException(String message, Throwable cause) {
    this(message, cause, 1);
  }

  CliException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
