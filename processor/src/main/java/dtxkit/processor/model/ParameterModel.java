package dtxkit.processor.model;

/**
 * One parameter of a method or callback.
 *
 * @param name     the parameter name as declared (generated code reuses it)
 * @param type     its type
 * @param encoding how it travels
 */
public record ParameterModel(String name, TypeRef type, Encoding encoding) {
}
