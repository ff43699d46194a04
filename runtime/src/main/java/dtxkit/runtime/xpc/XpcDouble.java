package dtxkit.runtime.xpc;

/**
 * XPC double (type {@code 0x5000}), IEEE-754 little-endian.
 *
 * @param value the value
 */
public record XpcDouble(double value) implements XpcObject {
  @Override
  public int typeCode() {
    return XpcTypes.DOUBLE;
  }
}
