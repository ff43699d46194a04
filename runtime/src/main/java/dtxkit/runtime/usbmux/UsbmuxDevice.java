package dtxkit.runtime.usbmux;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.stream.Plists;
import java.util.Objects;

/**
 * A device as usbmuxd lists it ({@code ListDevices}, or a {@code Listen} {@code Attached} event).
 *
 * @param deviceId usbmuxd's number for the device, what {@code Connect} takes; changes on every re-attach
 * @param udid the {@code SerialNumber} property: the device's UDID (e.g. {@code 00008030-001A2B3C4D5E6F70})
 * @param connectionType {@code "USB"} or {@code "Network"}
 * @param productId the USB product id (0 when not given, e.g. for a network device)
 * @param locationId the USB location id (0 when not given)
 * @param properties every property as usbmuxd sent it (a network device's {@code NetworkAddress},
 *     {@code EscapedFullServiceName}, {@code InterfaceIndex}; a USB device's {@code ConnectionSpeed},
 *     {@code USBSerialNumber}...)
 */
public record UsbmuxDevice(
    int deviceId, String udid, String connectionType, int productId, long locationId, NSDictionary properties) {

  /** {@code ConnectionType} of a device on a cable. */
  public static final String USB = "USB";
  /** {@code ConnectionType} of a device reached over Wi-Fi. */
  public static final String NETWORK = "Network";

  /** Checks the required fields. */
  public UsbmuxDevice {
    Objects.requireNonNull(udid, "udid");
    Objects.requireNonNull(connectionType, "connectionType");
    Objects.requireNonNull(properties, "properties");
  }

  /**
   * A USB device with the properties usbmuxd lists for one ({@code ConnectionType}, {@code DeviceID},
   * {@code SerialNumber}, {@code ProductID}, {@code LocationID}, {@code ConnectionSpeed}, {@code USBSerialNumber}).
   *
   * @param deviceId usbmuxd's number
   * @param udid the UDID
   * @param productId the USB product id, e.g. 0x12A8 for an iPhone
   * @return the device
   */
  public static UsbmuxDevice usb(int deviceId, String udid, int productId) {
    NSDictionary p = new NSDictionary();
    p.put("ConnectionSpeed", 480000000);
    p.put("ConnectionType", USB);
    p.put("DeviceID", deviceId);
    p.put("LocationID", 0);
    p.put("ProductID", productId);
    p.put("SerialNumber", udid);
    p.put("USBSerialNumber", udid.replace("-", ""));
    return new UsbmuxDevice(deviceId, udid, USB, productId, 0, p);
  }

  /**
   * Reads a device from its {@code Properties} dictionary.
   *
   * @param properties the dictionary
   * @return the device
   * @throws DtxProtocolException when {@code DeviceID} or {@code SerialNumber} is missing or of the wrong type
   */
  public static UsbmuxDevice fromProperties(NSDictionary properties) throws DtxProtocolException {
    String what = "usbmuxd device Properties";
    long id = Plists.requiredInteger(properties, "DeviceID", what);
    String udid = Plists.requiredString(properties, "SerialNumber", what);
    String type = Plists.optionalString(properties, "ConnectionType", what);
    Long product = Plists.optionalInteger(properties, "ProductID", what);
    Long location = Plists.optionalInteger(properties, "LocationID", what);
    return new UsbmuxDevice((int) id, udid, type == null ? USB : type, product == null ? 0 : product.intValue(),
        location == null ? 0 : location, properties);
  }

  /** True for a device on a cable. */
  public boolean isUsb() {
    return USB.equals(connectionType);
  }

  /** True for a device reached over the network. */
  public boolean isNetwork() {
    return NETWORK.equals(connectionType);
  }

  /**
   * One property.
   *
   * @param key the key
   * @return the value or null
   */
  public NSObject property(String key) {
    return properties.objectForKey(key);
  }
}
