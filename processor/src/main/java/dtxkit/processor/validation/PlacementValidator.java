package dtxkit.processor.validation;

import dtxkit.annotations.DtxService;
import dtxkit.processor.diagnostics.Diagnostic;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.diagnostics.ValidationReport;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;

/**
 * Checks that method annotations sit where a service can see them: {@code @DtxMethod} in a {@code @DtxService}
 * interface, {@code @OnNotification}/{@code @OnData} in an interface nested in one. Misplaced annotations would
 * otherwise be ignored silently.
 */
public final class PlacementValidator {

  /** {@code @DtxMethod} on {@code method}. */
  public ValidationReport validateMethod(Element method) {
    ValidationReport report = new ValidationReport();
    if (!isService(method.getEnclosingElement())) {
      report.add(Diagnostic.on(method, Message.MISPLACED_ANNOTATION, "DtxMethod", method.getSimpleName(),
          "is outside a @DtxService interface", "declare it in an interface annotated @DtxService"));
    }
    return report;
  }

  /** {@code @OnNotification} or {@code @OnData} (named by {@code annotation}) on {@code method}. */
  public ValidationReport validateCallback(Element method, String annotation) {
    ValidationReport report = new ValidationReport();
    Element owner = method.getEnclosingElement();
    // In the service interface itself: ServiceValidator reports it, with the service in view.
    boolean inService = isService(owner);
    boolean inEvents = owner.getKind() == ElementKind.INTERFACE && isService(owner.getEnclosingElement());
    if (!inService && !inEvents) {
      report.add(Diagnostic.on(method, Message.MISPLACED_ANNOTATION, annotation, method.getSimpleName(),
          "is outside an interface nested in a @DtxService interface",
          "declare callbacks in a nested interface of the service, such as MyService.Events"));
    }
    return report;
  }

  private static boolean isService(Element element) {
    return element != null && element.getKind() == ElementKind.INTERFACE
        && element.getAnnotation(DtxService.class) != null;
  }
}
