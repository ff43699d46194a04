package dtxkit.processor.diagnostics;

import java.util.Objects;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * One error or warning, anchored on the narrowest element that shows it, and inside an annotation value when the
 * problem is there.
 *
 * @param kind       an error (nothing is generated for the service) or a warning (suspicious, but it works)
 * @param text       the full message, starting with its tag (see {@link Message#format})
 * @param element    where it is reported
 * @param annotation the annotation holding the bad value, or {@code null}
 * @param value      the bad annotation value, or {@code null}
 */
public record Diagnostic(Kind kind, String text, Element element, AnnotationMirror annotation,
    AnnotationValue value) {

  /** How serious a diagnostic is. */
  public enum Kind {
    /** The service cannot be generated. */
    ERROR,
    /** The service works as declared, but probably not as meant. */
    WARNING
  }

  public Diagnostic {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(element, "element");
  }

  /** An error on {@code element}. */
  public static Diagnostic on(Element element, Message message, Object... args) {
    return new Diagnostic(Kind.ERROR, message.format(args), element, null, null);
  }

  /** An error on a value of {@code annotation} (or on the whole annotation when {@code value} is null). */
  public static Diagnostic onValue(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    return new Diagnostic(Kind.ERROR, message.format(args), element, annotation, value);
  }

  /** A warning on a value of {@code annotation} (or on {@code element} when both are null). */
  public static Diagnostic warningOnValue(Element element, AnnotationMirror annotation, AnnotationValue value,
      Message message, Object... args) {
    return new Diagnostic(Kind.WARNING, message.format(args), element, annotation, value);
  }

  /**
   * An error found inside {@code detail}'s element (e.g. a record component) that is reported on {@code subject},
   * the element being validated, because {@code detail}'s element has no source in this compilation (it comes from
   * a jar or an earlier build): the text first names the subject and where the problem is, then gives the message.
   */
  public static Diagnostic relocated(Element subject, String where, Message message, Object... args) {
    return new Diagnostic(Kind.ERROR, message.formatWithin(where, args), subject, null, null);
  }

  /** Whether this is an error. */
  public boolean isError() {
    return kind == Kind.ERROR;
  }
}
