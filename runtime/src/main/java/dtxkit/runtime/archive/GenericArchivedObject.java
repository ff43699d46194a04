package dtxkit.runtime.archive;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An object of a class no codec is registered for: its {@code $classes} chain and its decoded fields. Archiving it
 * again writes the same class chain and fields, inline fields inline. Build one to archive a class dtxkit does not
 * know:
 *
 * <pre>{@code
 * new GenericArchivedObject(List.of("MYThing", "NSObject"), Map.of("name", "x", "count", 3), Set.of("count"));
 * }</pre>
 */
public final class GenericArchivedObject extends AbstractArchivedObject {
  /**
   * @param classChain the {@code $classes} chain, most derived first; not empty
   * @param fields field values by key, archived by reference unless the key is in {@code inlineKeys}
   * @param inlineKeys the keys whose values are archived inline (plist numbers, booleans, strings, data)
   */
  public GenericArchivedObject(List<String> classChain, Map<String, ?> fields, Set<String> inlineKeys) {
    super(classChain, fields, inlineKeys);
  }
}
