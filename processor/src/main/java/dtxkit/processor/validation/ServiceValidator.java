package dtxkit.processor.validation;

import com.google.auto.common.AnnotationMirrors;
import com.google.auto.common.MoreElements;
import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnData;
import dtxkit.annotations.OnNotification;
import dtxkit.processor.diagnostics.Diagnostic;
import dtxkit.processor.diagnostics.Message;
import dtxkit.processor.diagnostics.ValidationReport;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.MethodModel;
import dtxkit.processor.model.NotificationModel;
import dtxkit.processor.model.ServiceModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Validates a {@code @DtxService} type and everything it declares, and builds its model while doing so. Problems are
 * collected, never thrown: one diagnostic per problem, then on to the next method.
 */
public final class ServiceValidator {

  /** The outcome: the report, and the model when the report is clean. */
  public record Result(ValidationReport report, Optional<ServiceModel> model) {
  }

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  /** An Objective-C protocol name, what a {@code dtxproxy:} channel identifier carries. */
  private static final Pattern PROTOCOL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final ProcessingEnvironment env;

  public ServiceValidator(ProcessingEnvironment env) {
    this.env = env;
  }

  public Result validate(TypeElement service) {
    ServiceContext context = new ServiceContext(env, service);
    ValidationReport report = context.report;
    AnnotationMirror annotation = MoreElements.getAnnotationMirror(service, DtxService.class).get();
    if (service.getKind() != ElementKind.INTERFACE) {
      report.add(Diagnostic.onValue(service, annotation, null, Message.SERVICE_NOT_INTERFACE,
          kindName(service.getKind()), service.getSimpleName()));
      return new Result(report, Optional.empty());
    }
    checkShape(service, report);
    String identifier = service.getAnnotation(DtxService.class).value();
    boolean proxy = service.getAnnotation(DtxService.class).proxy();
    if (proxy) {
      if (!PROTOCOL_NAME.matcher(identifier).matches()) {
        report.add(Diagnostic.onValue(service, annotation, AnnotationMirrors.getAnnotationValue(annotation,
            "value"), Message.PROXY_NAME, identifier, identifier.isEmpty() ? "empty" : "malformed"));
      }
    } else if (!IDENTIFIER.matcher(identifier).matches()) {
      report.add(Diagnostic.onValue(service, annotation, AnnotationMirrors.getAnnotationValue(annotation,
          "value"), Message.IDENTIFIER, identifier, identifier.isEmpty() ? "empty" : "malformed"));
    }

    TypeResolver resolver = new TypeResolver(context);
    MethodValidator methods = new MethodValidator(context, resolver);
    List<MethodModel> methodModels = new ArrayList<>();
    Map<String, String> methodBySelector = new LinkedHashMap<>();
    TypeElement events = null;
    List<NotificationModel> notifications = new ArrayList<>();
    for (Element member : service.getEnclosedElements()) {
      if (member.getKind() == ElementKind.METHOD) {
        ExecutableElement method = (ExecutableElement) member;
        if (isCallback(method)) {
          String which = method.getAnnotation(OnData.class) != null ? "OnData" : "OnNotification";
          report.add(Diagnostic.on(method, Message.MISPLACED_ANNOTATION, which, method.getSimpleName(),
              "is in the service interface " + service.getSimpleName() + " itself",
              "declare callbacks in a nested interface such as " + service.getSimpleName()
                  + ".Events"));
        } else if (method.getAnnotation(DtxMethod.class) != null) {
          methods.validateMethod(method).ifPresent(model -> {
            if (unique(method, DtxMethod.class, model.selector().text(), model.name(),
                methodBySelector, report)) {
              methodModels.add(model);
            }
          });
        } else if (!method.isDefault() && !method.getModifiers().contains(Modifier.STATIC)) {
          report.add(Diagnostic.on(method, Message.UNANNOTATED_METHOD, method.getSimpleName(),
              service.getSimpleName(), "@DtxMethod"));
        }
      } else if (member.getKind() == ElementKind.INTERFACE && declaresCallbacks((TypeElement) member)) {
        if (events != null) {
          report.add(Diagnostic.on(member, Message.EVENTS_INTERFACE, service.getSimpleName(),
              events.getSimpleName(), member.getSimpleName()));
          continue;
        }
        events = (TypeElement) member;
        if (proxy) {
          report.add(Diagnostic.on(member, Message.PROXY_CALLBACKS, service.getSimpleName(),
              member.getSimpleName()));
          continue;
        }
        notifications.addAll(validateEvents(events, methods, report));
      }
    }
    if (!report.isClean()) {
      return new Result(report, Optional.empty());
    }
    Optional<ClassRef> eventsType = Optional.ofNullable(events).map(context::classRef);
    return new Result(report, Optional.of(new ServiceModel(context.classRef(service), identifier, methodModels,
        eventsType, notifications, context.records(), service, proxy)));
  }

  private List<NotificationModel> validateEvents(TypeElement events, MethodValidator methods,
      ValidationReport report) {
    List<NotificationModel> models = new ArrayList<>();
    Map<String, String> bySelector = new LinkedHashMap<>();
    String dataSink = null;
    for (ExecutableElement method : ElementFilter.methodsIn(events.getEnclosedElements())) {
      if (method.getAnnotation(OnNotification.class) != null) {
        methods.validateNotification(method).ifPresent(model -> {
          if (unique(method, OnNotification.class, model.selector().text(), model.name(), bySelector,
              report)) {
            models.add(model);
          }
        });
      } else if (method.getAnnotation(OnData.class) != null) {
        if (dataSink != null) {
          report.add(Diagnostic.on(method, Message.DUPLICATE_DATA, method.getSimpleName(), dataSink));
          continue;
        }
        dataSink = method.getSimpleName().toString();
        methods.validateData(method).ifPresent(models::add);
      } else if (!method.isDefault() && !method.getModifiers().contains(Modifier.STATIC)) {
        report.add(Diagnostic.on(method, Message.UNANNOTATED_METHOD, method.getSimpleName(),
            events.getSimpleName(), "@OnNotification or @OnData"));
      }
    }
    return models;
  }

  private static boolean unique(ExecutableElement method, Class<? extends java.lang.annotation.Annotation> type,
      String selector, String name, Map<String, String> bySelector, ValidationReport report) {
    String previous = bySelector.putIfAbsent(selector, name);
    if (previous == null) {
      return true;
    }
    AnnotationMirror mirror = MoreElements.getAnnotationMirror(method, type).get();
    report.add(Diagnostic.onValue(method, mirror, AnnotationMirrors.getAnnotationValue(mirror, "value"),
        Message.DUPLICATE_SELECTOR, selector, name, previous));
    return false;
  }

  private static void checkShape(TypeElement service, ValidationReport report) {
    if (!service.getTypeParameters().isEmpty()) {
      report.add(Diagnostic.on(service, Message.SERVICE_SHAPE, service.getSimpleName(),
          "declares type parameters"));
    }
    for (TypeMirror parent : service.getInterfaces()) {
      report.add(Diagnostic.on(service, Message.SERVICE_SHAPE, service.getSimpleName(), "extends " + parent));
    }
    for (Element e = service; e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        report.add(Diagnostic.on(service, Message.SERVICE_SHAPE, service.getSimpleName(),
            e == service ? "is private" : "is nested in private " + e.getSimpleName()));
        break;
      }
    }
  }

  /** Whether a nested interface is the service's events interface: it declares at least one callback. */
  static boolean declaresCallbacks(TypeElement type) {
    return ElementFilter.methodsIn(type.getEnclosedElements()).stream().anyMatch(ServiceValidator::isCallback);
  }

  private static boolean isCallback(ExecutableElement method) {
    return method.getAnnotation(OnNotification.class) != null || method.getAnnotation(OnData.class) != null;
  }

  private static String kindName(ElementKind kind) {
    return kind == ElementKind.ANNOTATION_TYPE ? "annotation type" : kind.name().toLowerCase(Locale.ROOT);
  }
}
