package dtxkit.runtime.wire;

/**
 * The message type: the first byte of a message's 16-byte payload header.
 *
 * <p>The numbering is Apple's ({@code DTXMessageType}); every value the device has been seen to send is modelled, so
 * that a type the connection layer does not handle is still decoded and can be answered or reported, never dropped.
 */
public enum DtxMessageType {
  /** 0: empty acknowledgement reply. */
  OK(0),
  /** 1: raw bytes (tap streams such as core-profile or activity traces). */
  DATA(1),
  /** 2: a method call; the payload is the archived selector, the aux holds the arguments. */
  DISPATCH(2),
  /** 3: an archived object: a reply value, or a notification when the conversation index is 0. */
  OBJECT(3),
  /** 4: an error reply whose payload is an archived NSError. */
  ERROR(4),
  /** 5: the channel waits for earlier messages to be handled before continuing. */
  BARRIER(5),
  /** 6: a primitive value message (seen, not used by known services). */
  PRIMITIVE(6),
  /** 7: an LZ4-compressed message (type word {@code 0x0707}). */
  COMPRESSED(7),
  /** 8: a message relayed through a proxy channel. */
  PROXIED(8);

  private static final DtxMessageType[] BY_CODE = values();

  private final int code;

  DtxMessageType(int code) {
    this.code = code;
  }

  /** The type byte as written on the wire. */
  public int code() {
    return code;
  }

  /**
   * The type with the given wire code.
   *
   * @param code the type byte, 0 to 255
   * @return the type, or {@code null} when the code is not a known DTX message type
   */
  public static DtxMessageType fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
