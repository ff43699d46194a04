package dtxkit.processor.generation;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dtxkit.processor.model.NotificationModel;
import dtxkit.processor.model.ServiceModel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxEventReceiver}, the channel listener a client installs to receive the peer's callbacks:
 * a {@code switch} over the {@code @OnNotification} selectors calling the listener, and {@code onData} forwarding
 * DATA messages to the {@code @OnData} method. Only for services that declare an events interface.
 */
public final class EventReceiverGenerator extends SourceGenerator {

  public EventReceiverGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    if (service.eventsType().isEmpty()) {
      return Optional.empty();
    }
    ValueCode values = new ValueCode(service);
    ClassName events = GeneratedNames.className(service.eventsType().get());
    MethodSpec.Builder onInvocation = MethodSpec.methodBuilder("onInvocation")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(RuntimeNames.DTX_INVOCATION, "invocation")
        .addStatement("$T arguments = invocation.arguments()",
            ParameterizedTypeName.get(ClassName.get(List.class), ClassName.OBJECT))
        .beginControlFlow("switch (invocation.selector())");
    for (NotificationModel notification : service.notifications()) {
      if (notification.isData()) {
        continue;
      }
      onInvocation.addCode("case $S:\n$>", notification.selector().text())
          .addStatement("$T.requireArguments(invocation, $L)", RuntimeNames.DTX_DISPATCH,
              notification.parameters().size())
          .addStatement("listener.$N($L)", notification.name(),
              values.decodedArguments(notification.parameters()))
          .addStatement("return")
          .addCode("$<");
    }
    onInvocation.addCode("default:\n$>")
        .addStatement("throw $T.forSelector(invocation.selector(), $T.IDENTIFIER)",
            RuntimeNames.DTX_UNRECOGNIZED_SELECTOR_EXCEPTION, GeneratedNames.binding(service.type()))
        .addCode("$<")
        .endControlFlow();

    TypeSpec.Builder type = newClass(GeneratedNames.eventReceiver(service.type()), service,
        "Callback receiver (a channel listener calling {@code "
            + service.eventsType().get().nestedName() + "})")
        .addSuperinterface(RuntimeNames.DTX_CHANNEL_LISTENER)
        .addField(FieldSpec.builder(events, "listener", Modifier.PRIVATE, Modifier.FINAL).build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Delivers every callback of the channel to {@code listener}.\n")
            .addParameter(events, "listener")
            .addStatement("this.listener = $T.requireNonNull(listener, $S)", Objects.class, "listener")
            .build())
        .addMethod(onInvocation.build());
    service.dataSink().ifPresent(sink -> type.addMethod(MethodSpec.methodBuilder("onData")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(ArrayTypeName.of(TypeName.BYTE), "data")
        .addStatement("listener.$N(data)", sink.name())
        .build()));
    return Optional.of(type.build());
  }
}
