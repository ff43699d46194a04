package dtxkit.runtime.xpc;

import java.util.Objects;

/**
 * XPC string (type {@code 0x9000}): u32 length including a NUL terminator, UTF-8 bytes, NUL, padding to four.
 *
 * @param value the string (must not contain NUL)
 */
public record XpcString(String value) implements XpcObject {
  /** Rejects null and embedded NUL characters, which the wire form cannot carry. */
  public XpcString {
    Objects.requireNonNull(value, "value");
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("XPC strings cannot contain NUL: " + value);
    }
  }

  @Override
  public int typeCode() {
    return XpcTypes.STRING;
  }
}
