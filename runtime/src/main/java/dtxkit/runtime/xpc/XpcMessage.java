package dtxkit.runtime.xpc;

/**
 * One RemoteXPC message: the wrapper's flags and message id, and the optional root object.
 *
 * <pre>
 * wrapper (little-endian)
 *  0  u32 magic       0x29B00B92
 *  4  u32 flags       {@link XpcFlags}
 *  8  u64 size        length of the payload that follows the message id (0 when there is none)
 * 16  u64 message id  per-stream counter; a reply repeats its request's id
 * 24  payload:        u32 magic 0x42133742, u32 version 5, root object
 * </pre>
 *
 * @param flags the flag bits
 * @param messageId the message id
 * @param body the root object, or null for a header-only message
 */
public record XpcMessage(int flags, long messageId, XpcObject body) {

  /** A message without a body (the handshake's version-flags and INIT_HANDSHAKE frames, pings). */
  public static XpcMessage headerOnly(int flags, long messageId) {
    return new XpcMessage(flags, messageId, null);
  }

  /** True when the message carries a body. */
  public boolean hasBody() {
    return body != null;
  }

  /** The body as a dictionary, or null when there is none or it is not a dictionary. */
  public XpcDictionary dictionary() {
    return body instanceof XpcDictionary d ? d : null;
  }

  /** True when {@code flag}'s bits are all set. */
  public boolean has(int flag) {
    return XpcFlags.has(flags, flag);
  }

  @Override
  public String toString() {
    return "XpcMessage[" + XpcFlags.describe(flags) + ", id=" + messageId + ", body=" + body + "]";
  }
}
