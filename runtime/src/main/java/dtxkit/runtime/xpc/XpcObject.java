package dtxkit.runtime.xpc;

/**
 * One XPC object as it travels in a RemoteXPC message. The hierarchy is closed: every wire type has exactly one
 * record, so a decoded value re-encodes to the same bytes and {@code int64} stays distinct from {@code uint64}.
 *
 * <pre>{@code
 * XpcDictionary request = XpcDictionary.builder()
 *     .put("MessageType", new XpcString("Handshake"))
 *     .put("MessagingProtocolVersion", new XpcUInt64(7))
 *     .build();
 * }</pre>
 */
public sealed interface XpcObject
    permits XpcNull, XpcBool, XpcInt64, XpcUInt64, XpcDouble, XpcDate, XpcData, XpcString, XpcUuid, XpcArray,
        XpcDictionary, XpcFd, XpcShmem, XpcFileTransfer {

  /** The wire type code written before this object's body, e.g. {@code 0xF000} for a dictionary. */
  int typeCode();
}
