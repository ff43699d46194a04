package dtxkit.processor.validation;

import com.google.auto.common.MoreElements;
import dtxkit.annotations.Int32;
import dtxkit.annotations.Int64;
import dtxkit.annotations.Raw;
import dtxkit.annotations.Str;
import dtxkit.processor.diagnostics.Diagnostic;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.model.Encoding;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.TypeKind;
import dtxkit.processor.model.TypeRef;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;

/** Validates one parameter of a method or callback: its type and its encoding annotation. */
final class ParameterValidator {

  /** Each raw encoding with the kinds it accepts and how a message names them; declaration order is fixed. */
  private record Rule(Class<? extends Annotation> annotation, Encoding encoding, Set<TypeKind> kinds,
      String accepted) {
  }

  private static final List<Rule> RULES = List.of(
      new Rule(Int32.class, Encoding.INT32, EnumSet.of(TypeKind.INT, TypeKind.SHORT, TypeKind.BYTE),
          "int, Integer, short, Short, byte or Byte"),
      new Rule(Int64.class, Encoding.INT64, EnumSet.of(TypeKind.LONG, TypeKind.INT),
          "long, Long, int or Integer"),
      new Rule(dtxkit.annotations.Double.class, Encoding.DOUBLE, EnumSet.of(TypeKind.DOUBLE, TypeKind.FLOAT),
          "double, Double, float or Float"),
      new Rule(Str.class, Encoding.STRING, EnumSet.of(TypeKind.STRING), "String"),
      new Rule(Raw.class, Encoding.RAW, EnumSet.of(TypeKind.BYTES), "byte[]"));

  private final ServiceContext context;
  private final TypeResolver resolver;

  ParameterValidator(ServiceContext context, TypeResolver resolver) {
    this.context = context;
    this.resolver = resolver;
  }

  /** Reports problems into the service report; returns the model, or {@code null} when the parameter is broken. */
  ParameterModel validate(VariableElement parameter, ExecutableElement method) {
    String name = parameter.getSimpleName().toString();
    String methodName = method.getSimpleName().toString();
    Map<Rule, AnnotationMirror> present = new LinkedHashMap<>();
    for (Rule rule : RULES) {
      MoreElements.getAnnotationMirror(parameter, rule.annotation()).toJavaUtil()
          .ifPresent(mirror -> present.put(rule, mirror));
    }
    List<Rule> rules = new ArrayList<>(present.keySet());
    if (rules.size() > 1) {
      context.report.add(Diagnostic.onValue(parameter, present.get(rules.get(1)), null,
          Message.ENCODING_CONFLICT, name, methodName, rules.get(0).annotation().getSimpleName(),
          rules.get(1).annotation().getSimpleName()));
      return null;
    }
    TypeResolver.Resolution type = resolver.resolve(parameter.asType(), TypeResolver.Use.PARAMETER);
    if (!type.isOk()) {
      context.report.add(Diagnostic.on(parameter, Message.UNSUPPORTED_PARAMETER_TYPE, name, methodName,
          parameter.asType(), type.problem()));
      return null;
    }
    if (rules.isEmpty()) {
      return new ParameterModel(name, type.type(), Encoding.OBJECT);
    }
    Rule rule = rules.get(0);
    if (!accepts(rule, type.type())) {
      context.report.add(Diagnostic.onValue(parameter, present.get(rule), null, Message.ENCODING_MISMATCH,
          rule.annotation().getSimpleName(), name, methodName, rule.accepted(), parameter.asType()));
      return null;
    }
    return new ParameterModel(name, type.type(), rule.encoding());
  }

  private static boolean accepts(Rule rule, TypeRef type) {
    return rule.kinds().contains(type.kind()) && type.arguments().isEmpty();
  }
}
