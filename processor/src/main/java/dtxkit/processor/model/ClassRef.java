package dtxkit.processor.model;

import java.util.List;

/**
 * A class named by its package and its simple names from the outermost type inwards ({@code Outer.Inner} is
 * {@code ["Outer", "Inner"]}), so generators can name it without holding a {@code javax.lang.model} element.
 *
 * @param packageName the package, empty for the unnamed package
 * @param simpleNames the simple names, outermost first; never empty
 */
public record ClassRef(String packageName, List<String> simpleNames) {

  public ClassRef {
    simpleNames = List.copyOf(simpleNames);
    if (simpleNames.isEmpty()) {
      throw new IllegalArgumentException("a class needs at least one simple name");
    }
  }

  /** A top-level or nested class: {@code of("java.util", "Map", "Entry")}. */
  public static ClassRef of(String packageName, String... simpleNames) {
    return new ClassRef(packageName, List.of(simpleNames));
  }

  /** The simple names joined with dots, as written in source: {@code Outer.Inner}. */
  public String nestedName() {
    return String.join(".", simpleNames);
  }

  /** The canonical name: {@code dtxkit.services.Outer.Inner}. */
  public String canonicalName() {
    return packageName.isEmpty() ? nestedName() : packageName + "." + nestedName();
  }

  /** The innermost simple name. */
  public String simpleName() {
    return simpleNames.get(simpleNames.size() - 1);
  }

  @Override
  public String toString() {
    return canonicalName();
  }
}
