package dtxkit.processor.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;
import org.junit.jupiter.api.Test;

/** The reporter's contract without a compiler: errors only, each printed once, processor bugs with a stack trace. */
class DiagnosticReporterTest {

  private final List<String> printed = new ArrayList<>();
  private final Messager messager = new Messager() {
    @Override
    public void printMessage(Kind kind, CharSequence msg) {
      printed.add(kind + " " + msg);
    }

    @Override
    public void printMessage(Kind kind, CharSequence msg, Element e) {
      printed.add(kind + " " + msg);
    }

    @Override
    public void printMessage(Kind kind, CharSequence msg, Element e, AnnotationMirror a) {
      printed.add(kind + " " + msg);
    }

    @Override
    public void printMessage(Kind kind, CharSequence msg, Element e, AnnotationMirror a, AnnotationValue v) {
      printed.add(kind + " " + msg);
    }
  };

  /** Any element will do: the reporter only passes it on. A proxy keeps the test free of a compiler. */
  private final Element element = (Element) java.lang.reflect.Proxy.newProxyInstance(
      getClass().getClassLoader(), new Class<?>[] {Element.class}, (proxy, method, args) -> switch (
          method.getName()) {
        case "toString" -> "sample.Broken";
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> throw new UnsupportedOperationException(method.getName());
      });

  @Test
  void internalErrorCarriesTagTraceAndBugRequest() {
    new DiagnosticReporter(messager).internalError(element, new IllegalStateException("boom"));
    assertEquals(1, printed.size());
    String text = printed.get(0);
    assertTrue(text.startsWith("ERROR [DtxInternalError] the dtxkit processor failed on sample.Broken; please"
        + " file a bug with this output:"), text);
    assertTrue(text.contains("java.lang.IllegalStateException: boom"), text);
    assertTrue(text.contains("at dtxkit.processor.diagnostics.DiagnosticReporterTest"), text);
  }

  @Test
  void warningsArePrintedAsWarningsAndDoNotMakeAReportUnclean() {
    ValidationReport report = new ValidationReport()
        .add(Diagnostic.warningOnValue(element, null, null, Message.ONEWAY_FUTURE, "kill",
            "CompletableFuture<Void>"));
    assertTrue(report.isClean());
    assertEquals(0, report.errorCount());
    new DiagnosticReporter(messager).report(report);
    assertEquals(1, printed.size());
    assertTrue(printed.get(0).startsWith("WARNING [DtxOnewayFuture] oneway method kill() returns"
        + " CompletableFuture<Void>, which completes once the message is queued"), printed.get(0));
  }

  @Test
  void sameDiagnosticOnSameElementPrintsOnce() {
    DiagnosticReporter reporter = new DiagnosticReporter(messager);
    ValidationReport report = new ValidationReport()
        .add(Diagnostic.on(element, Message.SELECTOR_ARITY, "killPid:", 1, "", "kill", 0, "s"));
    reporter.report(report);
    reporter.report(report);
    assertEquals(List.of("ERROR [DtxSelectorArity] selector \"killPid:\" takes 1 argument but kill() declares 0"
        + " parameters"), printed);
  }
}
