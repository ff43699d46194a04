package dtxkit.processor.validation;

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
  /** Records by canonical name; an entry is added before its components are resolved, so recursion terminates. */
  private final Map<String, RecordModel> records = new LinkedHashMap<>();

  ServiceContext(ProcessingEnvironment env, TypeElement service) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.servicePackage = elements.getPackageOf(service).getQualifiedName().toString();
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
