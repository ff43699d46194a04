package dtxkit.processor.diagnostics;

import java.util.Objects;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * One error, anchored on the narrowest element that shows it, and inside an annotation value when the problem is
 * there.
 *
 * @param text       the full message, starting with its tag (see {@link Message#format})
 * @param element    where the error is reported
 * @param annotation the annotation holding the bad value, or {@code null}
 * @param value      the bad annotation value, or {@code null}
 */
public record Diagnostic(String text, Element element, AnnotationMirror annotation, AnnotationValue value) {

  public Diagnostic {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(element, "element");
  }

  /** An error on {@code element}. */
  public static Diagnostic on(Element element, Message message, Object... args) {
    return new Diagnostic(message.format(args), element, null, null);
  }

  /** An error on a value of {@code annotation} (or on the whole annotation when {@code value} is null). */
  public static Diagnostic onValue(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    return new Diagnostic(message.format(args), element, annotation, value);
  }
}
