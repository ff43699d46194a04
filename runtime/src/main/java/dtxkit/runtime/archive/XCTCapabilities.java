package dtxkit.runtime.archive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An archived {@code XCTCapabilities}: capability names to versions ({@code capabilities-dictionary}), exchanged by
 * testmanagerd and the IDE.
 *
 * @param capabilities capability name to version (usually an Integer), in archive order
 */
public record XCTCapabilities(Map<String, Object> capabilities) implements ArchivedObject {
  static final List<String> CLASS_CHAIN = List.of("XCTCapabilities", "NSObject");

  /** Copies the map, keeping its order. */
  public XCTCapabilities {
    capabilities = Collections.unmodifiableMap(new LinkedHashMap<>(capabilities));
  }

  @Override
  public List<String> classChain() {
    return CLASS_CHAIN;
  }

  @Override
  public Map<String, Object> fields() {
    return Collections.singletonMap("capabilities-dictionary", capabilities);
  }
}
