package dtxkit.processor.diagnostics;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;

/**
 * Prints reports through the compiler's {@link Messager}, errors as errors and warnings as warnings, each exactly
 * once: a record shared by two services is validated for each, but its problems are printed once.
 */
public final class DiagnosticReporter {

  private final Messager messager;
  private final Set<List<Object>> printed = new HashSet<>();

  public DiagnosticReporter(Messager messager) {
    this.messager = messager;
  }

  /** Prints every error and warning of {@code report}. */
  public void report(ValidationReport report) {
    for (Diagnostic diagnostic : report.diagnostics()) {
      report(diagnostic);
    }
  }

  /** Prints one diagnostic, on the annotation value when it names one. */
  public void report(Diagnostic diagnostic) {
    if (!printed.add(List.of(diagnostic.element(), diagnostic.text()))) {
      return;
    }
    Kind kind = diagnostic.isError() ? Kind.ERROR : Kind.WARNING;
    if (diagnostic.annotation() != null && diagnostic.value() != null) {
      messager.printMessage(kind, diagnostic.text(), diagnostic.element(), diagnostic.annotation(),
          diagnostic.value());
    } else if (diagnostic.annotation() != null) {
      messager.printMessage(kind, diagnostic.text(), diagnostic.element(), diagnostic.annotation());
    } else {
      messager.printMessage(kind, diagnostic.text(), diagnostic.element());
    }
  }

  /** Reports a processor bug on the element being processed, with the stack trace, instead of crashing javac. */
  public void internalError(Element element, Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    report(Diagnostic.on(element, Message.INTERNAL_ERROR, element, trace));
  }
}
