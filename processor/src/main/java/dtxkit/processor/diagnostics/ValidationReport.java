package dtxkit.processor.diagnostics;

import java.util.ArrayList;
import java.util.List;

/**
 * The errors and warnings found while validating one element and what it contains, in the order they were found. A
 * clean report (no errors; warnings allowed) means the element can be modelled and generated from.
 */
public final class ValidationReport {

  private final List<Diagnostic> diagnostics = new ArrayList<>();

  /** Adds one error or warning. */
  public ValidationReport add(Diagnostic diagnostic) {
    diagnostics.add(diagnostic);
    return this;
  }

  /** Adds every error of a nested report (a method's report into its service's). */
  public ValidationReport addAll(ValidationReport other) {
    diagnostics.addAll(other.diagnostics);
    return this;
  }

  /** Whether no error was found (warnings do not count). */
  public boolean isClean() {
    return errorCount() == 0;
  }

  /** How many errors were found so far (a validator compares counts to tell whether a part was clean). */
  public int errorCount() {
    int errors = 0;
    for (Diagnostic diagnostic : diagnostics) {
      if (diagnostic.isError()) {
        errors++;
      }
    }
    return errors;
  }

  /** The errors and warnings in the order they were found. */
  public List<Diagnostic> diagnostics() {
    return List.copyOf(diagnostics);
  }
}
