package dtxkit.processor.generation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dtxkit.processor.model.ServiceModel;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxBinding}, the {@code DtxServiceBinding} the runtime loads through ServiceLoader: the
 * identifier, the interface, and factories for the client, the dispatcher and (with an events interface) the event
 * receiver a client installs and the event sender a server pushes with.
 */
public final class BindingGenerator extends SourceGenerator {

  public BindingGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    ClassName serviceName = GeneratedNames.className(service.type());
    ClassName channel = RuntimeNames.DTX_CHANNEL;
    TypeName wildcardClass = ParameterizedTypeName.get(ClassName.get(Class.class), WildcardTypeName.subtypeOf(
        Object.class));
    Optional<ClassName> events = service.eventsType().map(GeneratedNames::className);

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
        .addParameter(Object.class, "listener");
    if (events.isPresent()) {
      newEventReceiver.addStatement("return new $T(($T) listener)",
          GeneratedNames.eventReceiver(service.type()), events.get());
    } else {
      newEventReceiver.addStatement("throw new $T($S)", IllegalArgumentException.class,
          service.type().nestedName() + " declares no callbacks");
    }

    MethodSpec.Builder newEventSender = MethodSpec.methodBuilder("newEventSender")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(Object.class)
        .addParameter(channel, "channel");
    if (events.isPresent()) {
      newEventSender.addStatement("return new $T(channel)", GeneratedNames.eventSender(service.type()));
    } else {
      newEventSender.addStatement("return null");
    }

    TypeSpec type = newClass(GeneratedNames.binding(service.type()), service, "Runtime binding")
        .addSuperinterface(ParameterizedTypeName.get(RuntimeNames.DTX_SERVICE_BINDING, serviceName))
        .addField(FieldSpec.builder(String.class, "IDENTIFIER", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("The service identifier.\n")
            .initializer("$S", service.identifier())
            .build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("For {@link java.util.ServiceLoader}.\n")
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
            .returns(wildcardClass)
            .addCode(events.isPresent()
                ? com.palantir.javapoet.CodeBlock.of("return $T.class;\n", events.get())
                : com.palantir.javapoet.CodeBlock.of("return null;\n"))
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
        .addMethod(newEventSender.build())
        .build();
    return Optional.of(type);
  }
}
