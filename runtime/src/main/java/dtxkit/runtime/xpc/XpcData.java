package dtxkit.runtime.xpc;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * XPC data (type {@code 0x8000}): u32 length, the bytes, padding to four.
 *
 * @param bytes the bytes (copied in and out so the record stays immutable)
 */
public record XpcData(byte[] bytes) implements XpcObject {
  /** Copies {@code bytes}. */
  public XpcData {
    bytes = bytes.clone();
  }

  /** A copy of the bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The number of bytes. */
  public int length() {
    return bytes.length;
  }

  @Override
  public int typeCode() {
    return XpcTypes.DATA;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof XpcData other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "XpcData[" + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
        + (bytes.length > 64 ? "..." : "") + "]";
  }
}
