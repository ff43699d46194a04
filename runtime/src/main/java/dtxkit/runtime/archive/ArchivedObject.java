package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;

/**
 * A decoded archive value that is not a plain Java value (String, number, byte[], List, Map, Set, Instant, UUID):
 * an instance of a registered class such as {@link NSError} or {@link XCTestConfiguration}, or a
 * {@link GenericArchivedObject} for a class nobody registered.
 *
 * <p>Every such value can be shown generically: a printer writes {@link #className()} (or the whole
 * {@link #classChain()}) and then {@link #fields()}, whose values are again plain values or {@code ArchivedObject}s.
 */
public interface ArchivedObject {
  /** The {@code $classes} chain, most derived first, e.g. {@code [NSError, NSObject]}; never empty. */
  List<String> classChain();

  /** The archived field values by key, in archive order (or declaration order for values built in Java). */
  Map<String, Object> fields();

  /** The {@code $classname}: the first entry of {@link #classChain()}. */
  default String className() {
    return classChain().get(0);
  }
}
