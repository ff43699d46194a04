package dtxkit.processor.generation;

import com.palantir.javapoet.ClassName;

/**
 * Every runtime type generated code refers to. The processor does not depend on the runtime module, so these names
 * are the one place that has to agree with {@code docs/runtime-contract.md}.
 */
public final class RuntimeNames {

  private static final String RUNTIME = "dtxkit.runtime";
  private static final String INTERNAL = "dtxkit.runtime.internal";

  public static final ClassName DTX_CHANNEL = ClassName.get(RUNTIME, "DtxChannel");
  public static final ClassName DTX_ARGUMENT = ClassName.get(RUNTIME, "DtxArgument");
  /** {@code DtxArgument.Kind}: an argument's encoding, as method descriptors list it. */
  public static final ClassName DTX_ARGUMENT_KIND = DTX_ARGUMENT.nestedClass("Kind");
  /** {@code DtxMethodDescriptor}: selector, oneway and argument encodings of one method, listed by bindings. */
  public static final ClassName DTX_METHOD_DESCRIPTOR = ClassName.get(RUNTIME, "DtxMethodDescriptor");
  public static final ClassName DTX_CHANNEL_LISTENER = ClassName.get(RUNTIME, "DtxChannelListener");
  public static final ClassName DTX_INVOCATION = ClassName.get(RUNTIME, "DtxInvocation");
  public static final ClassName DTX_SERVICE_HANDLER = ClassName.get(RUNTIME, "DtxServiceHandler");
  public static final ClassName DTX_UNRECOGNIZED_SELECTOR_EXCEPTION =
      ClassName.get(RUNTIME, "DtxUnrecognizedSelectorException");

  /** {@code DtxServiceBinding<T, E>}: what the runtime finds by name or through {@link java.util.ServiceLoader}. */
  public static final ClassName DTX_SERVICE_BINDING = ClassName.get(INTERNAL, "DtxServiceBinding");
  /** Static value conversions: reply and argument decoding, record and collection encoding. */
  public static final ClassName DTX_CONVERSIONS = ClassName.get(INTERNAL, "DtxConversions");
  /** Static call helpers for clients (future mapping that keeps cancellation). */
  public static final ClassName DTX_CALLS = ClassName.get(INTERNAL, "DtxCalls");
  /** Static helpers for dispatchers and receivers (argument count checks, asynchronous replies). */
  public static final ClassName DTX_DISPATCH = ClassName.get(INTERNAL, "DtxDispatch");
  /** The CLASS-retention marker every generated type carries. */
  public static final ClassName DTX_GENERATED_CODE = ClassName.get(INTERNAL, "DtxGeneratedCode");

  /** The JDK's {@code @Generated}, present from Java 9. */
  public static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  private RuntimeNames() {
  }
}
