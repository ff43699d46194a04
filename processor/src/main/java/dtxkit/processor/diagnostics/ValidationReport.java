package dtxkit.processor.diagnostics;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors found while validating one element and what it contains, in the order they were found. A clean report
 * means the element can be modelled and generated from.
 */
public final class ValidationReport {

  private final List<Diagnostic> diagnostics = new ArrayList<>();

  /** Adds one error. */
  public ValidationReport add(Diagnostic diagnostic) {
    diagnostics.add(diagnostic);
    return this;
  }

  /** Adds every error of a nested report (a method's report into its service's). */
  public ValidationReport addAll(ValidationReport other) {
    diagnostics.addAll(other.diagnostics);
    return this;
  }

  /** Whether no error was found. */
  public boolean isClean() {
    return diagnostics.isEmpty();
  }

  /** The errors in the order they were found. */
  public List<Diagnostic> diagnostics() {
    return List.copyOf(diagnostics);
  }
}
