package dtxkit.processor.generation;

import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dtxkit.processor.model.NotificationModel;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.ServiceModel;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxEventSender}, the implementation of the events interface a server uses to push
 * callbacks to its client: each {@code @OnNotification} method sends its selector without asking for a reply, and
 * the {@code @OnData} method sends one DATA message. Only for services that declare an events interface.
 */
public final class EventSenderGenerator extends SourceGenerator {

  public EventSenderGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    if (service.eventsType().isEmpty()) {
      return Optional.empty();
    }
    ValueCode values = new ValueCode(service);
    TypeSpec.Builder type = newClass(GeneratedNames.eventSender(service.type()), service,
        "Callback sender")
        .addSuperinterface(GeneratedNames.className(service.eventsType().get()))
        .addField(FieldSpec.builder(RuntimeNames.DTX_CHANNEL, "channel", Modifier.PRIVATE, Modifier.FINAL)
            .build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Sends every callback to the client at the other end of {@code channel}.\n")
            .addParameter(RuntimeNames.DTX_CHANNEL, "channel")
            .addStatement("this.channel = $T.requireNonNull(channel, $S)", Objects.class, "channel")
            .build());
    for (NotificationModel notification : service.notifications()) {
      MethodSpec.Builder method = MethodSpec.methodBuilder(notification.name())
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC);
      for (ParameterModel parameter : notification.parameters()) {
        method.addParameter(ParameterSpec.builder(values.typeName(parameter.type()), parameter.name())
            .build());
      }
      if (notification.isData()) {
        method.addStatement("channel.sendData($N)", notification.parameters().get(0).name());
      } else {
        method.addStatement("channel.send($L)",
            values.selectorAndArguments(notification.selector().text(), notification.parameters()));
      }
      type.addMethod(method.build());
    }
    return Optional.of(type.build());
  }
}
