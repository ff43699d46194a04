package dtxkit.processor.validation;

import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;
import com.google.auto.common.MoreTypes;
import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.OnNotification;
import dtxkit.processor.diagnostics.Diagnostic;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.MethodModel;
import dtxkit.processor.model.NotificationModel;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.Selector;
import dtxkit.processor.model.TypeKind;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/** Validates one {@code @DtxMethod} or {@code @OnNotification} method: selector, arity, signature. */
final class MethodValidator {

  private final ServiceContext context;
  private final TypeResolver resolver;
  private final ParameterValidator parameters;

  MethodValidator(ServiceContext context, TypeResolver resolver) {
    this.context = context;
    this.resolver = resolver;
    this.parameters = new ParameterValidator(context, resolver);
  }

  /** A {@code @DtxMethod}; the model is present only when this method is clean. */
  Optional<MethodModel> validateMethod(ExecutableElement method) {
    context.validating(method);
    int before = context.report.errorCount();
    DtxMethod annotation = method.getAnnotation(DtxMethod.class);
    Optional<Selector> selector = selector(method, DtxMethod.class, annotation.value());
    if (checkGeneric(method)) {
      // Type variables in the signature are the same problem; one diagnostic is enough.
      return Optional.empty();
    }
    List<ParameterModel> params = parameters(method);
    TypeResolver.Resolution returns = resolver.resolve(method.getReturnType(), TypeResolver.Use.RETURN);
    String name = method.getSimpleName().toString();
    if (!returns.isOk()) {
      context.report.add(Diagnostic.on(method, Message.UNSUPPORTED_RETURN_TYPE, name, method.getReturnType(),
          returns.problem()));
    } else if (annotation.oneway() && isVoidFuture(returns.type())) {
      // Works (the future completes once the message is queued) but is rarely what was meant.
      AnnotationMirror mirror = mirror(method, DtxMethod.class);
      context.report.add(Diagnostic.warningOnValue(method, mirror, AnnotationMirrors.getAnnotationValue(mirror,
          "oneway"), Message.ONEWAY_FUTURE, name, method.getReturnType()));
    } else if (annotation.oneway() && returns.type().kind() != TypeKind.VOID) {
      AnnotationMirror mirror = mirror(method, DtxMethod.class);
      context.report.add(Diagnostic.onValue(method, mirror, AnnotationMirrors.getAnnotationValue(mirror,
          "oneway"), Message.ONEWAY_RETURN, name, method.getReturnType()));
    }
    if (context.report.errorCount() != before || selector.isEmpty()) {
      return Optional.empty();
    }
    List<ClassRef> thrown = new ArrayList<>();
    for (TypeMirror type : method.getThrownTypes()) {
      thrown.add(context.classRef(MoreTypes.asTypeElement(type)));
    }
    return Optional.of(new MethodModel(name, selector.get(), annotation.oneway(), params, returns.type(),
        thrown));
  }

  /** An {@code @OnNotification} callback; the model is present only when it is clean. */
  Optional<NotificationModel> validateNotification(ExecutableElement method) {
    context.validating(method);
    int before = context.report.errorCount();
    Optional<Selector> selector = selector(method, OnNotification.class,
        method.getAnnotation(OnNotification.class).value());
    if (checkGeneric(method)) {
      return Optional.empty();
    }
    List<ParameterModel> params = parameters(method);
    checkVoid(method, "OnNotification");
    if (context.report.errorCount() != before || selector.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NotificationModel(method.getSimpleName().toString(), selector.get(), params));
  }

  /** The {@code @OnData} sink; the model is present only when it is clean. */
  Optional<NotificationModel> validateData(ExecutableElement method) {
    context.validating(method);
    int before = context.report.errorCount();
    if (checkGeneric(method)) {
      return Optional.empty();
    }
    List<? extends VariableElement> declared = method.getParameters();
    boolean oneByteArray = declared.size() == 1 && declared.get(0).asType().toString().equals("byte[]");
    if (!oneByteArray) {
      List<String> types = new ArrayList<>();
      declared.forEach(p -> types.add(p.asType().toString()));
      context.report.add(Diagnostic.on(method, Message.DATA_SIGNATURE, method.getSimpleName(),
          String.join(", ", types)));
    }
    checkVoid(method, "OnData");
    if (context.report.errorCount() != before) {
      return Optional.empty();
    }
    List<ParameterModel> params = parameters(method);
    return Optional.of(new NotificationModel(method.getSimpleName().toString(), null, params));
  }

  private Optional<Selector> selector(ExecutableElement method, Class<? extends Annotation> type, String text) {
    AnnotationMirror mirror = mirror(method, type);
    AnnotationValue value = AnnotationMirrors.getAnnotationValue(mirror, "value");
    String name = method.getSimpleName().toString();
    Optional<String> problem = Selector.problem(text);
    if (problem.isPresent()) {
      context.report.add(Diagnostic.onValue(method, mirror, value, Message.SELECTOR_SYNTAX, text, name,
          problem.get()));
      return Optional.empty();
    }
    Selector selector = new Selector(text);
    int declared = method.getParameters().size();
    if (selector.arity() != declared) {
      context.report.add(Diagnostic.onValue(method, mirror, value, Message.SELECTOR_ARITY, text,
          selector.arity(), Message.plural(selector.arity()), name, declared, Message.plural(declared)));
      return Optional.empty();
    }
    return Optional.of(selector);
  }

  private static boolean isVoidFuture(dtxkit.processor.model.TypeRef type) {
    return type.kind() == TypeKind.FUTURE && type.arguments().get(0).kind() == TypeKind.VOID;
  }

  /** Reports type parameters; returns whether there were any. */
  private boolean checkGeneric(ExecutableElement method) {
    if (!method.getTypeParameters().isEmpty()) {
      context.report.add(Diagnostic.on(method, Message.GENERIC_METHOD, method.getSimpleName(),
          "<" + String.join(", ", method.getTypeParameters().stream().map(Object::toString).toList())
              + ">"));
      return true;
    }
    return false;
  }

  private void checkVoid(ExecutableElement method, String annotation) {
    if (method.getReturnType().getKind() != javax.lang.model.type.TypeKind.VOID) {
      context.report.add(Diagnostic.on(method, Message.NOTIFICATION_RETURN, annotation,
          method.getSimpleName(), method.getReturnType()));
    }
  }

  private List<ParameterModel> parameters(ExecutableElement method) {
    List<ParameterModel> models = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      ParameterModel model = parameters.validate(parameter, method);
      if (model != null) {
        models.add(model);
      }
    }
    return models;
  }

  private static AnnotationMirror mirror(ExecutableElement method, Class<? extends Annotation> type) {
    return MoreElements.getAnnotationMirror(method, type).get();
  }
}
