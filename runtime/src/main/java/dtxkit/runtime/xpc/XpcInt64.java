package dtxkit.runtime.xpc;

/**
 * XPC signed 64-bit integer (type {@code 0x3000}).
 *
 * @param value the value
 */
public record XpcInt64(long value) implements XpcObject {
  @Override
  public int typeCode() {
    return XpcTypes.INT64;
  }
}
