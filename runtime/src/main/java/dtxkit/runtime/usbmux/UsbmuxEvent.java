package dtxkit.runtime.usbmux;

import java.util.Objects;

/**
 * A {@code Listen} event: a device attached, detached or was paired.
 *
 * @param type what happened
 * @param deviceId usbmuxd's number for the device
 * @param device the device, for {@link Type#ATTACHED}; null otherwise (usbmuxd sends only the number)
 */
public record UsbmuxEvent(Type type, int deviceId, UsbmuxDevice device) {

  /** Checks that an attach event carries its device. */
  public UsbmuxEvent {
    Objects.requireNonNull(type, "type");
    if (type == Type.ATTACHED && device == null) {
      throw new IllegalArgumentException("an Attached event carries its device");
    }
  }

  /**
   * An {@code Attached} event.
   *
   * @param device the device
   * @return the event
   */
  public static UsbmuxEvent attached(UsbmuxDevice device) {
    return new UsbmuxEvent(Type.ATTACHED, device.deviceId(), device);
  }

  /**
   * A {@code Detached} event.
   *
   * @param deviceId the device's number
   * @return the event
   */
  public static UsbmuxEvent detached(int deviceId) {
    return new UsbmuxEvent(Type.DETACHED, deviceId, null);
  }

  /** The kinds of event, with their {@code MessageType}. */
  public enum Type {
    /** {@code Attached}. */
    ATTACHED("Attached"),
    /** {@code Detached}. */
    DETACHED("Detached"),
    /** {@code Paired}. */
    PAIRED("Paired");

    private final String messageType;

    Type(String messageType) {
      this.messageType = messageType;
    }

    /** The {@code MessageType} string. */
    public String messageType() {
      return messageType;
    }
  }
}
