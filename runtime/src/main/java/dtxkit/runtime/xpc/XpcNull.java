package dtxkit.runtime.xpc;

/** XPC null (type {@code 0x1000}); no body. */
public enum XpcNull implements XpcObject {
  /** The only null. */
  INSTANCE;

  @Override
  public int typeCode() {
    return XpcTypes.NULL;
  }
}
