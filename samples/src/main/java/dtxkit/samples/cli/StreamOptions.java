package dtxkit.samples.cli;

import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * Bounds for a streaming command (a picocli mixin): stop after {@code --count} events or {@code --duration}
 * seconds, whichever comes first; without either the stream runs until Ctrl-C.
 */
final class StreamOptions {
  @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
  Integer count;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (decimals allowed).")
  Double duration;

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
