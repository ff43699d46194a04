package dtxkit.runtime.xpc;

/**
 * XPC bool (type {@code 0x2000}); the body is one byte 0 or 1 padded to four.
 *
 * @param value the boolean
 */
public record XpcBool(boolean value) implements XpcObject {
  /** True. */
  public static final XpcBool TRUE = new XpcBool(true);
  /** False. */
  public static final XpcBool FALSE = new XpcBool(false);

  /** Returns {@link #TRUE} or {@link #FALSE}. */
  public static XpcBool of(boolean value) {
    return value ? TRUE : FALSE;
  }

  @Override
  public int typeCode() {
    return XpcTypes.BOOL;
  }
}
