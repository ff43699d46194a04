package dtxkit.processor.validation;

import com.sun.source.util.Trees;
import dtxkit.processor.diagnostics.Diagnostic;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.diagnostics.ValidationReport;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.RecordModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * State shared by the validators of one service: the utilities, the service's report, and the records it carries
 * (each validated once, kept in first-use order for deterministic output).
 */
final class ServiceContext {

  final Elements elements;
  final Types types;
  final ValidationReport report = new ValidationReport();
  final String servicePackage;
  /**
   * javac's trees, to tell elements with source from those read from class files; null under another compiler or
   * when a build tool wraps the processing environment (Gradle's incremental processing does): then every problem in
   * a record is reported on the method that uses it, which always has a position.
   */
  private final Trees trees;
  /** The method being validated, on which problems inside elements without source are reported; may be null. */
  private ExecutableElement subject;
  /** Records by canonical name; an entry is added before its components are resolved, so recursion terminates. */
  private final Map<String, RecordModel> records = new LinkedHashMap<>();

  ServiceContext(ProcessingEnvironment env, TypeElement service) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.servicePackage = elements.getPackageOf(service).getQualifiedName().toString();
    Trees found;
    try {
      found = Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      found = null;
    }
    this.trees = found;
  }

  /** Starts validating {@code method}: the element problems found in its types are reported on if need be. */
  void validating(ExecutableElement method) {
    this.subject = method;
  }

  /**
   * Reports a problem found in a record component. A component with source in this compilation carries the
   * diagnostic itself; one read from a class file (a record from a jar or an earlier build) has no file or line to
   * show, so, as Dagger's ValidationReport does, the diagnostic goes on the method being validated and names the
   * record and the component.
   */
  void reportInRecord(Element component, ClassRef record, Message message, Object... args) {
    if (subject == null || hasSource(component)) {
      report.add(Diagnostic.on(component, message, args));
      return;
    }
    report.add(Diagnostic.relocated(subject, subject.getSimpleName() + "() uses record " + record.canonicalName()
        + " (from the class path, no source to point at)", message, args));
  }

  private boolean hasSource(Element element) {
    if (trees == null) {
      return false;
    }
    try {
      return trees.getPath(element) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  boolean knowsRecord(String canonicalName) {
    return records.containsKey(canonicalName);
  }

  void putRecord(String canonicalName, RecordModel model) {
    records.put(canonicalName, model);
  }

  List<RecordModel> records() {
    return new ArrayList<>(records.values());
  }

  /** {@code dtxkit.services.Outer.Inner} as package and simple names. */
  ClassRef classRef(TypeElement type) {
    List<String> names = new ArrayList<>();
    Element e = type;
    while (e.getKind() != ElementKind.PACKAGE) {
      names.add(0, e.getSimpleName().toString());
      e = e.getEnclosingElement();
    }
    return new ClassRef(((PackageElement) e).getQualifiedName().toString(), names);
  }
}
