package dtxkit.processor.generation;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dtxkit.processor.model.ClassRef;
import dtxkit.processor.model.MethodModel;
import dtxkit.processor.model.ParameterModel;
import dtxkit.processor.model.ServiceModel;
import dtxkit.processor.model.TypeKind;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxClient}, the proxy that implements the service interface over a channel:
 *
 * <pre>{@code
 * public final class DeviceInfo_DtxClient implements DeviceInfo {
 *     private final DtxChannel channel;
 *     public DeviceInfo_DtxClient(DtxChannel channel) { ... }
 *
 *     public String execname(int pid) {                          // blocking: invoke, then convert the reply
 *         return DtxConversions.toStr(channel.invoke("execnameForPid:", DtxArgument.object(pid)));
 *     }
 *     public CompletableFuture<String> execnameAsync(int pid) {  // async: map the future, keeping cancellation
 *         return DtxCalls.mapAsync(channel.invokeAsync("execnameForPid:", ...), DtxConversions::toStr);
 *     }
 *     public void kill(int pid) {                                // oneway: send
 *         channel.send("killPid:", DtxArgument.object(pid));
 *     }
 * }
 * }</pre>
 */
public final class ClientGenerator extends SourceGenerator {

  public ClientGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    ValueCode values = new ValueCode(service);
    TypeSpec.Builder type = newClass(GeneratedNames.client(service.type()), service, "Client proxy")
        .addSuperinterface(GeneratedNames.className(service.type()))
        .addField(FieldSpec.builder(RuntimeNames.DTX_CHANNEL, "channel", Modifier.PRIVATE, Modifier.FINAL)
            .build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Sends every call over {@code channel}, which must be open to the service.\n")
            .addParameter(RuntimeNames.DTX_CHANNEL, "channel")
            .addStatement("this.channel = $T.requireNonNull(channel, $S)", Objects.class, "channel")
            .build());
    for (MethodModel method : service.methods()) {
      type.addMethod(method(method, values));
    }
    return Optional.of(type.build());
  }

  private MethodSpec method(MethodModel method, ValueCode values) {
    MethodSpec.Builder spec = MethodSpec.methodBuilder(method.name())
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(values.typeName(method.returnType()));
    for (ParameterModel parameter : method.parameters()) {
      spec.addParameter(ParameterSpec.builder(values.typeName(parameter.type()), parameter.name()).build());
    }
    for (ClassRef thrown : method.thrownTypes()) {
      spec.addException(GeneratedNames.className(thrown));
    }
    CodeBlock call = values.selectorAndArguments(method.selector().text(), method.parameters());
    if (method.oneway()) {
      spec.addStatement("channel.send($L)", call);
      if (method.isAsync()) {
        // A oneway CompletableFuture<Void> (the processor warns): done once the message is queued.
        spec.addStatement("return $T.completedFuture(null)", java.util.concurrent.CompletableFuture.class);
      }
    } else if (method.isAsync()) {
      spec.addStatement("return $T.mapAsync(channel.invokeAsync($L), $L)", RuntimeNames.DTX_CALLS, call,
          replyConverter(method, values));
    } else if (method.returnType().kind() == TypeKind.VOID) {
      spec.addStatement("channel.invoke($L)", call);
    } else {
      spec.addStatement("$T reply = channel.invoke($L)", Object.class, call);
      spec.addStatement("return $L", values.decode(method.returnType(), CodeBlock.of("reply")));
    }
    return spec.build();
  }

  /** {@code reply -> <decode>}; a {@code CompletableFuture<Void>} completes with {@code null} whatever came back. */
  private static CodeBlock replyConverter(MethodModel method, ValueCode values) {
    if (method.replyType().kind() == TypeKind.VOID) {
      return CodeBlock.of("reply -> null");
    }
    return CodeBlock.of("reply -> $L", values.decode(method.replyType(), CodeBlock.of("reply")));
  }
}
