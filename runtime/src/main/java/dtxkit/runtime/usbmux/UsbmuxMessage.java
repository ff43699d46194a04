package dtxkit.runtime.usbmux;

import com.dd.plist.NSDictionary;
import java.util.Objects;

/**
 * One usbmuxd message: the 16-byte little-endian header ({@code length, version, type, tag}) and the plist it carries.
 *
 * @param version the protocol version ({@link UsbmuxCodec#VERSION_PLIST} for the plist protocol)
 * @param type the message type ({@link UsbmuxCodec#TYPE_PLIST})
 * @param tag the tag; a reply carries its request's tag, events carry 0
 * @param plist the body
 */
public record UsbmuxMessage(int version, int type, int tag, NSDictionary plist) {

  /** Checks the body is present. */
  public UsbmuxMessage {
    Objects.requireNonNull(plist, "plist");
  }

  /**
   * A plist-protocol message (version 1, type 8).
   *
   * @param tag the tag
   * @param plist the body
   * @return the message
   */
  public static UsbmuxMessage plist(int tag, NSDictionary plist) {
    return new UsbmuxMessage(UsbmuxCodec.VERSION_PLIST, UsbmuxCodec.TYPE_PLIST, tag, plist);
  }

  /** The {@code MessageType} key, or null. */
  public String messageType() {
    return plist.objectForKey("MessageType") instanceof com.dd.plist.NSString s ? s.getContent() : null;
  }
}
