package dtxkit.runtime.xpc;

import java.util.Objects;

/**
 * XPC file transfer (type {@code 0x1A000}): u64 transfer id (the message id of the stream that carries the bytes),
 * then a nested object, normally a dictionary {@code {"s": uint64 size}}.
 *
 * @param transferId the transfer id
 * @param descriptor the nested object
 */
public record XpcFileTransfer(long transferId, XpcObject descriptor) implements XpcObject {
  /** Rejects a null descriptor. */
  public XpcFileTransfer {
    Objects.requireNonNull(descriptor, "descriptor");
  }

  /** The announced size ({@code "s"} of the descriptor dictionary), or -1 when absent. */
  public long size() {
    if (descriptor instanceof XpcDictionary d && d.get("s") instanceof XpcUInt64 s) {
      return s.value();
    }
    return -1;
  }

  @Override
  public int typeCode() {
    return XpcTypes.FILE_TRANSFER;
  }
}
