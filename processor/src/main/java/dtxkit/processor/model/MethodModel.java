package dtxkit.processor.model;

import java.util.List;

/**
 * A {@code @DtxMethod}: a selector we send to the peer.
 *
 * @param name       the Java method name
 * @param selector   the selector
 * @param oneway     sent without asking for a reply
 * @param parameters the parameters in declaration order
 * @param returnType the declared return type ({@link TypeKind#FUTURE} for asynchronous calls)
 * @param thrownTypes the declared {@code throws} clause, kept so the client can override the method
 */
public record MethodModel(
    String name,
    Selector selector,
    boolean oneway,
    List<ParameterModel> parameters,
    TypeRef returnType,
    List<ClassRef> thrownTypes) {

  public MethodModel {
    parameters = List.copyOf(parameters);
    thrownTypes = List.copyOf(thrownTypes);
  }

  /** Whether the caller gets a future instead of blocking. */
  public boolean isAsync() {
    return returnType.kind() == TypeKind.FUTURE;
  }

  /** The type of the reply value: the future's argument, or the return type itself. */
  public TypeRef replyType() {
    return isAsync() ? returnType.element() : returnType;
  }
}
