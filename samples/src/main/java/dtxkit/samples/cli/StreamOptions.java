package dtxkit.samples.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Bounds for a streaming command (a picocli mixin): stop after {@code --count} events or {@code --duration}
 * seconds, whichever comes first; without either the stream runs until Ctrl-C. A count below 1 or a duration that is
 * not positive is a usage error (they would end the stream before it printed anything).
 */
final class StreamOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;

  Integer count;

  Double duration;

  /** An unbounded stream (until Ctrl-C). */
  StreamOptions() {}

  /** Bounds set in code (the demo, commands with their own options); null for none. */
  static StreamOptions of(Integer count, Double seconds) {
    StreamOptions bounds = new StreamOptions();
    bounds.count = count;
    bounds.duration = seconds;
    return bounds;
  }

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events (1 or more).")
  void count(int n) {
    if (n < 1) {
      throw invalid("--count must be 1 or more, not " + n);
    }
    count = n;
  }

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "Stop after this many seconds (decimals allowed; more than 0).")
  void duration(double seconds) {
    checkDuration(mixee, "--duration", seconds);
    duration = seconds;
  }

  /** Rejects a duration that is not a positive, finite number of seconds (at least a millisecond). */
  static void checkDuration(CommandLine.Model.CommandSpec spec, String option, double seconds) {
    if (!(seconds >= 0.001) || Double.isInfinite(seconds)) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a positive number of seconds"
          + " (at least 0.001), not " + String.format(Locale.ROOT, "%s", seconds));
    }
  }

  private CommandLine.ParameterException invalid(String message) {
    return new CommandLine.ParameterException(mixee.commandLine(), message);
  }

  /** The instant the stream must stop by, or null for no time limit. */
  Instant deadline() {
    if (duration == null) {
      return null;
    }
    return Instant.now().plus(Duration.ofMillis(Math.round(duration * 1000)));
  }

  /** True once {@code seen} events satisfy {@code --count}. */
  boolean countReached(long seen) {
    return count != null && seen >= count;
  }
}
