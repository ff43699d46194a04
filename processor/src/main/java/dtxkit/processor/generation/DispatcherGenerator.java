package dtxkit.processor.generation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dtxkit.processor.model.MethodModel;
import dtxkit.processor.model.ServiceModel;
import dtxkit.processor.model.TypeKind;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <I>_DtxDispatcher}, the server dispatch table: a {@code switch} over the selectors that decodes
 * the arguments by declared type, calls the implementation and encodes its result; an unknown selector is answered
 * the way a device answers it.
 *
 * <pre>{@code
 * public Object handle(DtxInvocation invocation) throws Exception {
 *     List<Object> arguments = invocation.arguments();
 *     switch (invocation.selector()) {
 *         case "killPid:":
 *             DtxDispatch.requireArguments(invocation, 1);
 *             implementation.kill(DtxConversions.toInt(arguments.get(0)));
 *             return null;
 *         default:
 *             throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), IDENTIFIER);
 *     }
 * }
 * }</pre>
 */
public final class DispatcherGenerator extends SourceGenerator {

  public DispatcherGenerator(boolean jdkGeneratedAvailable) {
    super(jdkGeneratedAvailable);
  }

  @Override
  protected Optional<TypeSpec> type(ServiceModel service) {
    ValueCode values = new ValueCode(service);
    ClassName serviceName = GeneratedNames.className(service.type());
    MethodSpec.Builder handle = MethodSpec.methodBuilder("handle")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(Object.class)
        .addParameter(RuntimeNames.DTX_INVOCATION, "invocation")
        .addException(Exception.class)
        .addStatement("$T arguments = invocation.arguments()",
            ParameterizedTypeName.get(ClassName.get(List.class), ClassName.OBJECT))
        .beginControlFlow("switch (invocation.selector())");
    for (MethodModel method : service.methods()) {
      handle.addCode("case $S:\n$>", method.selector().text());
      handle.addStatement("$T.requireArguments(invocation, $L)", RuntimeNames.DTX_DISPATCH,
          method.parameters().size());
      CodeBlock call = CodeBlock.of("implementation.$N($L)", method.name(),
          values.decodedArguments(method.parameters()));
      if (method.isAsync()) {
        handle.addStatement("return $T.replyAsync($L, $L)", RuntimeNames.DTX_DISPATCH, call,
            method.replyType().kind() == TypeKind.VOID
                ? CodeBlock.of("result -> null")
                : CodeBlock.of("result -> $L", values.encode(method.replyType(),
                    CodeBlock.of("result"))));
      } else if (method.returnType().kind() == TypeKind.VOID) {
        handle.addStatement("$L", call);
        handle.addStatement("return null");
      } else {
        handle.addStatement("return $L", values.encode(method.returnType(), call));
      }
      handle.addCode("$<");
    }
    handle.addCode("default:\n$>")
        .addStatement("throw $T.forSelector(invocation.selector(), $T.IDENTIFIER)",
            RuntimeNames.DTX_UNRECOGNIZED_SELECTOR_EXCEPTION, GeneratedNames.binding(service.type()))
        .addCode("$<")
        .endControlFlow();

    TypeSpec type = newClass(GeneratedNames.dispatcher(service.type()), service, "Server dispatch table")
        .addSuperinterface(RuntimeNames.DTX_SERVICE_HANDLER)
        .addField(FieldSpec.builder(serviceName, "implementation", Modifier.PRIVATE, Modifier.FINAL).build())
        .addMethod(MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Routes each incoming selector to {@code implementation}.\n")
            .addParameter(serviceName, "implementation")
            .addStatement("this.implementation = $T.requireNonNull(implementation, $S)", Objects.class,
                "implementation")
            .build())
        .addMethod(handle.build())
        .build();
    return Optional.of(type);
  }
}
