package dtxkit.processor.validation;

import dtxkit.annotations.Key;
import dtxkit.processor.diagnostics.Diagnostic;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.RecordModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;

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
        for (RecordComponentElement component : record.getRecordComponents()) {
            String name = component.getSimpleName().toString();
            String key = name;
            AnnotationMirror keyMirror = MoreElements.getAnnotationMirror(component, Key.class).orNull();
            if (keyMirror != null) {
                key = component.getAnnotation(Key.class).value();
                if (key.isEmpty()) {
                    context.report.add(Diagnostic.onValue(component, keyMirror,
                            AnnotationMirrors.getAnnotationValue(keyMirror, "value"), Message.RECORD_KEY, name,
                            ref.nestedName(), "has an empty @Key; a dictionary key needs at least one character"));
                    continue;
                }
            }
            String previous = componentByKey.putIfAbsent(key, name);
            if (previous != null) {
                context.report.add(Diagnostic.on(component, Message.RECORD_KEY, name, ref.nestedName(),
                        "maps to key \"" + key + "\", already used by component " + previous
                                + "; each key maps to one component"));
                continue;
            }
            TypeResolver.Resolution type = resolver.resolve(component.asType(), TypeResolver.Use.NESTED);
            if (!type.isOk()) {
                context.report.add(Diagnostic.on(component, Message.UNSUPPORTED_COMPONENT_TYPE, name,
                        ref.nestedName(), component.asType(), type.problem()));
                continue;
            }
            components.add(new RecordModel.Component(name, key, type.type()));
        }
        return new RecordModel(ref, components);
    }
}
