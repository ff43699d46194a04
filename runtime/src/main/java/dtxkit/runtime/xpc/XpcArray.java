package dtxkit.runtime.xpc;

import java.util.List;

/**
 * XPC array (type {@code 0xE000}): u32 byte length (of what follows it), u32 count, the objects.
 *
 * @param elements the elements, in order (copied; unmodifiable)
 */
public record XpcArray(List<XpcObject> elements) implements XpcObject {
  /** Copies the list; elements must not be null. */
  public XpcArray {
    elements = List.copyOf(elements);
  }

  /** An array of the given elements. */
  public static XpcArray of(XpcObject... elements) {
    return new XpcArray(List.of(elements));
  }

  @Override
  public int typeCode() {
    return XpcTypes.ARRAY;
  }
}
