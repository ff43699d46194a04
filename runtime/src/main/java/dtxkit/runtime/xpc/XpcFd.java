package dtxkit.runtime.xpc;

/**
 * XPC file descriptor (type {@code 0xB000}). Over RemoteXPC no descriptor can cross the wire; the body is a u32
 * placeholder, kept as it was read.
 *
 * @param value the u32 placeholder
 */
public record XpcFd(int value) implements XpcObject {
  @Override
  public int typeCode() {
    return XpcTypes.FD;
  }
}
