package dtxkit.processor.model;

import java.util.List;

/**
 * A parameter, return or record-component type reduced to what generation needs.
 *
 * @param kind      what the value is
 * @param primitive for scalar kinds and {@code void}: the primitive form ({@code int}) rather than the box
 *                  ({@code Integer})
 * @param type      the declared class (boxes, {@code String}, collections, records, archive types); {@code null} for
 *                  primitives and {@code void}
 * @param arguments type arguments in declaration order: one for lists, sets and futures, key and value for maps
 */
public record TypeRef(TypeKind kind, boolean primitive, ClassRef type, List<TypeRef> arguments) {

  public TypeRef {
    arguments = List.copyOf(arguments);
  }

  /** A primitive scalar or {@code void}. */
  public static TypeRef primitive(TypeKind kind) {
    return new TypeRef(kind, true, null, List.of());
  }

  /** A declared type, optionally generic. */
  public static TypeRef declared(TypeKind kind, ClassRef type, TypeRef... arguments) {
    return new TypeRef(kind, false, type, List.of(arguments));
  }

  /** The single type argument of a list, set or future. */
  public TypeRef element() {
    return arguments.get(0);
  }

  /**
   * Whether a value of this type must be converted before the archiver can write it: records become dictionaries
   * and {@code URI}s become NSURLs, also inside collections. Everything else is written as it is.
   */
  public boolean needsEncoding() {
    return kind == TypeKind.RECORD || kind == TypeKind.URI || arguments.stream().anyMatch(TypeRef::needsEncoding);
  }

  /** Source-like spelling for messages and tests, e.g. {@code List<ProcessInfo>}. */
  @Override
  public String toString() {
    if (primitive) {
      return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
    String name = kind == TypeKind.BYTES ? "byte[]" : type.nestedName();
    if (arguments.isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append('<');
    for (int i = 0; i < arguments.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(arguments.get(i));
    }
    return sb.append('>').toString();
  }
}
