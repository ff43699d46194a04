package dtxkit.processor.generation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dtxkit.processor.model.Encoding;
import dtxkit.processor.model.MethodModel;
import dtxkit.processor.model.NotificationModel;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.ServiceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxBinding}, the {@code DtxServiceBinding<I, E>} the runtime finds by name (or through
 * ServiceLoader): the identifier, the interface and its events interface ({@code Void} without one), descriptors of
 * every method and callback, and factories for the client, the dispatcher and (with an events interface) the event
 * receiver a client installs and the event sender a server pushes with. Typed in both, so no caller casts.
 */
public final class BindingGenerator extends SourceGenerator {

  public BindingGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    ClassName serviceName = GeneratedNames.className(service.type());
    ClassName channel = RuntimeNames.DTX_CHANNEL;
    Optional<ClassName> events = service.eventsType().map(GeneratedNames::className);
    ClassName eventsName = events.orElse(ClassName.get(Void.class));
    TypeName descriptors = ParameterizedTypeName.get(ClassName.get(List.class), RuntimeNames.DTX_METHOD_DESCRIPTOR);

    MethodSpec newClient = MethodSpec.methodBuilder("newClient")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(serviceName)
        .addParameter(channel, "channel")
        .addStatement("return new $T(channel)", GeneratedNames.client(service.type()))
        .build();

    // The receiver is created before the channel is opened, so nothing the peer sends right away is missed.
    MethodSpec.Builder newEventReceiver = MethodSpec.methodBuilder("newEventReceiver")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(RuntimeNames.DTX_CHANNEL_LISTENER)
        .addParameter(eventsName, "listener");
    if (events.isPresent()) {
      newEventReceiver.addStatement("return new $T(listener)", GeneratedNames.eventReceiver(service.type()));
    } else {
      newEventReceiver.addStatement("throw new $T($S)", IllegalArgumentException.class,
          service.type().nestedName() + " declares no callbacks");
    }

    MethodSpec.Builder newEventSender = MethodSpec.methodBuilder("newEventSender")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(eventsName)
        .addParameter(channel, "channel");
    if (events.isPresent()) {
      newEventSender.addStatement("return new $T(channel)", GeneratedNames.eventSender(service.type()));
    } else {
      newEventSender.addStatement("return null");
    }

    List<CodeBlock> methods = new ArrayList<>();
    for (MethodModel method : service.methods()) {
      methods.add(descriptor(method.name(), method.selector().text(), method.oneway(), method.parameters()));
    }
    List<CodeBlock> callbacks = new ArrayList<>();
    for (NotificationModel callback : service.notifications()) {
      if (!callback.isData()) {
        callbacks.add(descriptor(callback.name(), callback.selector().text(), false, callback.parameters()));
      }
    }

    TypeSpec.Builder builder = newClass(GeneratedNames.binding(service.type()), service, "Runtime binding")
        .addSuperinterface(ParameterizedTypeName.get(RuntimeNames.DTX_SERVICE_BINDING, serviceName, eventsName))
        .addField(FieldSpec.builder(String.class, "IDENTIFIER", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("The service identifier.\n")
            .initializer("$S", service.identifier())
            .build())
        .addField(FieldSpec.builder(descriptors, "METHODS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .initializer(list(methods))
            .build())
        .addField(FieldSpec.builder(descriptors, "CALLBACKS", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .initializer(list(callbacks))
            .build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("For the runtime's lookup by name and {@link java.util.ServiceLoader}.\n")
            .build())
        .addMethod(MethodSpec.methodBuilder("serviceType")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(ParameterizedTypeName.get(ClassName.get(Class.class), serviceName))
            .addStatement("return $T.class", serviceName)
            .build())
        .addMethod(MethodSpec.methodBuilder("identifier")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return IDENTIFIER")
            .build())
        .addMethod(MethodSpec.methodBuilder("eventsType")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(ParameterizedTypeName.get(ClassName.get(Class.class), eventsName))
            .addCode(events.isPresent()
                ? CodeBlock.of("return $T.class;\n", events.get())
                : CodeBlock.of("return null;\n"))
            .build())
        .addMethod(MethodSpec.methodBuilder("methods")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(descriptors)
            .addStatement("return METHODS")
            .build())
        .addMethod(MethodSpec.methodBuilder("callbacks")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(descriptors)
            .addStatement("return CALLBACKS")
            .build())
        .addMethod(newClient)
        .addMethod(newEventReceiver.build())
        .addMethod(MethodSpec.methodBuilder("newDispatcher")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(RuntimeNames.DTX_SERVICE_HANDLER)
            .addParameter(serviceName, "implementation")
            .addStatement("return new $T(implementation)", GeneratedNames.dispatcher(service.type()))
            .build())
        .addMethod(newEventSender.build());
    if (service.proxy()) {
      builder.addMethod(MethodSpec.methodBuilder("proxy")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .returns(boolean.class)
          .addStatement("return true")
          .build());
    }
    return Optional.of(builder.build());
  }

  /** {@code DtxMethodDescriptor.of("kill", "killPid:", true, DtxArgument.Kind.OBJECT)}. */
  private static CodeBlock descriptor(String name, String selector, boolean oneway, List<ParameterModel> params) {
    CodeBlock.Builder code = CodeBlock.builder().add("$T.of($S, $S, $L", RuntimeNames.DTX_METHOD_DESCRIPTOR, name,
        selector, oneway);
    for (ParameterModel param : params) {
      code.add(", $T.$L", RuntimeNames.DTX_ARGUMENT_KIND, kind(param.encoding()));
    }
    return code.add(")").build();
  }

  private static String kind(Encoding encoding) {
    return switch (encoding) {
      case OBJECT -> "OBJECT";
      case INT32 -> "INT32";
      case INT64 -> "INT64";
      case DOUBLE -> "FLOAT64";
      case STRING -> "STRING";
      case RAW -> "RAW";
    };
  }

  private static CodeBlock list(List<CodeBlock> elements) {
    if (elements.isEmpty()) {
      return CodeBlock.of("$T.of()", List.class);
    }
    CodeBlock.Builder code = CodeBlock.builder().add("$T.of(\n$>$>", List.class);
    for (int i = 0; i < elements.size(); i++) {
      code.add(i == 0 ? "$L" : ",\n$L", elements.get(i));
    }
    return code.add(")$<$<").build();
  }
}
