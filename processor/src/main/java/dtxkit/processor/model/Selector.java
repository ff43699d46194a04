package dtxkit.processor.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An Objective-C selector: either one bare name ({@code runningProcesses}) or one or more keywords each ending in a
 * colon ({@code sendSignal:toPid:}). The number of colons is the number of arguments.
 *
 * @param text the selector as written in the annotation
 */
public record Selector(String text) {

  private static final Pattern WELL_FORMED =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|([A-Za-z_][A-Za-z0-9_]*:)+");

  /** The number of arguments the selector takes: its colon count. */
  public int arity() {
    int colons = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ':') {
        colons++;
      }
    }
    return colons;
  }

  /**
   * Why {@code text} is not a selector this framework accepts, or empty when it is well formed. Empty keywords
   * ({@code "a::"}) are legal Objective-C but no DTX service uses them, so they are rejected as likely typos.
   */
  public static Optional<String> problem(String text) {
    if (text.isEmpty()) {
      return Optional.of("empty");
    }
    if (!WELL_FORMED.matcher(text).matches()) {
      return Optional.of("malformed");
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
