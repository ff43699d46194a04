package dtxkit.runtime.xpc;

import java.util.Objects;
import java.util.UUID;

/**
 * XPC UUID (type {@code 0xA000}): 16 raw bytes, most significant first.
 *
 * @param value the UUID
 */
public record XpcUuid(UUID value) implements XpcObject {
  /** Rejects null. */
  public XpcUuid {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public int typeCode() {
    return XpcTypes.UUID;
  }
}
