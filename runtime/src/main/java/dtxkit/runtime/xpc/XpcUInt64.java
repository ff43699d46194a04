package dtxkit.runtime.xpc;

/**
 * XPC unsigned 64-bit integer (type {@code 0x4000}). Java has no unsigned long: {@link #value()} holds the same 64
 * bits, so values above {@link Long#MAX_VALUE} read as negative; use {@link #toUnsignedString()} to print them.
 *
 * @param value the 64 bits of the unsigned value
 */
public record XpcUInt64(long value) implements XpcObject {
  @Override
  public int typeCode() {
    return XpcTypes.UINT64;
  }

  /** The value as an unsigned decimal string. */
  public String toUnsignedString() {
    return Long.toUnsignedString(value);
  }
}
