package dtxkit.processor.validation;

import dtxkit.annotations.Key;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.RecordModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/** Validates a record carried as an NSDictionary: its keys and its component types. */
final class RecordValidator {

  private final ServiceContext context;
  private final TypeResolver resolver;

  RecordValidator(ServiceContext context, TypeResolver resolver) {
    this.context = context;
    this.resolver = resolver;
  }

  /** Reports component problems into the service report and returns the model (partial when not clean). */
  RecordModel validate(TypeElement record, ClassRef ref) {
    List<RecordModel.Component> components = new ArrayList<>();
    Map<String, String> componentByKey = new LinkedHashMap<>();
    for (RecordComponentElement recordComponent : record.getRecordComponents()) {
      // javac gives record components no source position; their private fields carry the component's.
      Element component = field(record, recordComponent);
      String name = component.getSimpleName().toString();
      String key = name;
      Key keyAnnotation = recordComponent.getAnnotation(Key.class);
      if (keyAnnotation != null) {
        key = keyAnnotation.value();
        if (key.isEmpty()) {
          context.reportInRecord(component, ref, Message.RECORD_KEY, name,
              ref.nestedName(), "has an empty @Key; a dictionary key needs at least one character");
          continue;
        }
      }
      String previous = componentByKey.putIfAbsent(key, name);
      if (previous != null) {
        context.reportInRecord(component, ref, Message.RECORD_KEY, name, ref.nestedName(),
            "maps to key \"" + key + "\", already used by component " + previous
                + "; each key maps to one component");
        continue;
      }
      TypeResolver.Resolution type = resolver.resolve(component.asType(), TypeResolver.Use.NESTED);
      if (!type.isOk()) {
        context.reportInRecord(component, ref, Message.UNSUPPORTED_COMPONENT_TYPE, name,
            ref.nestedName(), component.asType(), type.problem());
        continue;
      }
      components.add(new RecordModel.Component(name, key, type.type()));
    }
    return new RecordModel(ref, components);
  }

  private static Element field(TypeElement record, RecordComponentElement component) {
    for (VariableElement field : ElementFilter.fieldsIn(record.getEnclosedElements())) {
      if (field.getSimpleName().equals(component.getSimpleName())) {
        return field;
      }
    }
    return component;
  }
}
