package dtxkit.runtime.stream;

import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * Reading the property lists usbmuxd and lockdown exchange (XML, or binary from some peers) with errors that name the
 * message, the key, what was expected and what came.
 */
public final class Plists {
  private Plists() {}

  /**
   * Parses a plist that must be a dictionary.
   *
   * @param bytes XML or binary plist bytes
   * @param what the message, for errors, e.g. {@code "usbmuxd reply"}
   * @param offset the stream offset of the plist, or {@link DtxProtocolException#UNKNOWN_OFFSET}
   * @return the dictionary
   * @throws DtxProtocolException when the bytes are no plist or no dictionary
   */
  public static NSDictionary parseDictionary(byte[] bytes, String what, long offset) throws DtxProtocolException {
    NSObject parsed;
    try {
      parsed = dtxkit.runtime.internal.QuietPlists.parse(bytes);
    } catch (Exception | StackOverflowError e) {
      throw new DtxProtocolException(what, what + ": not a property list (" + bytes.length + " bytes: "
          + preview(bytes) + "): " + e, offset, true, null);
    }
    if (!(parsed instanceof NSDictionary dictionary)) {
      throw new DtxProtocolException(what, "a dictionary",
          parsed == null ? "nothing (" + bytes.length + " bytes)" : parsed.getClass().getSimpleName(), offset);
    }
    return dictionary;
  }

  /** The first bytes as text or hex, for error messages. */
  static String preview(byte[] bytes) {
    int n = Math.min(bytes.length, 24);
    boolean printable = true;
    for (int i = 0; i < n; i++) {
      int c = bytes[i] & 0xFF;
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c >= 0x7F) {
        printable = false;
        break;
      }
    }
    if (printable) {
      return "'" + new String(bytes, 0, n, StandardCharsets.US_ASCII) + (bytes.length > n ? "...'" : "'");
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < n; i++) {
      hex.append(String.format("%02x", bytes[i] & 0xFF));
    }
    return hex + (bytes.length > n ? "..." : "");
  }

  /** The XML form of a dictionary, UTF-8, as Apple's tools write it. */
  public static byte[] toXml(NSDictionary dictionary) {
    return dictionary.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A string value, or null when the key is missing.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param what the message, for errors
   * @return the string or null
   * @throws DtxProtocolException when the value is not a string
   */
  public static String optionalString(NSDictionary dictionary, String key, String what) throws DtxProtocolException {
    NSObject value = dictionary.objectForKey(key);
    if (value == null) {
      return null;
    }
    if (value instanceof NSString s) {
      return s.getContent();
    }
    throw new DtxProtocolException(what + "." + key, "a string", value.getClass().getSimpleName() + " " + value,
        DtxProtocolException.UNKNOWN_OFFSET);
  }

  /**
   * A string value that must be present.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param what the message, for errors
   * @return the string
   * @throws DtxProtocolException when it is missing or not a string
   */
  public static String requiredString(NSDictionary dictionary, String key, String what) throws DtxProtocolException {
    String value = optionalString(dictionary, key, what);
    if (value == null) {
      throw missing(dictionary, key, what, "a string");
    }
    return value;
  }

  /**
   * An integer value, or null when the key is missing.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param what the message, for errors
   * @return the value or null
   * @throws DtxProtocolException when the value is not an integer
   */
  public static Long optionalInteger(NSDictionary dictionary, String key, String what) throws DtxProtocolException {
    NSObject value = dictionary.objectForKey(key);
    if (value == null) {
      return null;
    }
    if (value instanceof NSNumber n && n.type() == NSNumber.INTEGER) {
      return n.longValue();
    }
    throw new DtxProtocolException(what + "." + key, "an integer", value.getClass().getSimpleName() + " " + value,
        DtxProtocolException.UNKNOWN_OFFSET);
  }

  /**
   * An integer value that must be present.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param what the message, for errors
   * @return the value
   * @throws DtxProtocolException when it is missing or not an integer
   */
  public static long requiredInteger(NSDictionary dictionary, String key, String what) throws DtxProtocolException {
    Long value = optionalInteger(dictionary, key, what);
    if (value == null) {
      throw missing(dictionary, key, what, "an integer");
    }
    return value;
  }

  /**
   * A boolean value, or {@code fallback} when missing.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param fallback the value when the key is missing
   * @param what the message, for errors
   * @return the value
   * @throws DtxProtocolException when the value is not a boolean
   */
  public static boolean optionalBoolean(NSDictionary dictionary, String key, boolean fallback, String what)
      throws DtxProtocolException {
    NSObject value = dictionary.objectForKey(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof NSNumber n && n.type() == NSNumber.BOOLEAN) {
      return n.boolValue();
    }
    throw new DtxProtocolException(what + "." + key, "a boolean", value.getClass().getSimpleName() + " " + value,
        DtxProtocolException.UNKNOWN_OFFSET);
  }

  /**
   * A data value, or null when missing.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param what the message, for errors
   * @return the bytes or null
   * @throws DtxProtocolException when the value is not data
   */
  public static byte[] optionalData(NSDictionary dictionary, String key, String what) throws DtxProtocolException {
    NSObject value = dictionary.objectForKey(key);
    if (value == null) {
      return null;
    }
    if (value instanceof NSData d) {
      return d.bytes();
    }
    throw new DtxProtocolException(what + "." + key, "data", value.getClass().getSimpleName(),
        DtxProtocolException.UNKNOWN_OFFSET);
  }

  /**
   * A dictionary value, or null when missing.
   *
   * @param dictionary the dictionary
   * @param key the key
   * @param what the message, for errors
   * @return the dictionary or null
   * @throws DtxProtocolException when the value is not a dictionary
   */
  public static NSDictionary optionalDictionary(NSDictionary dictionary, String key, String what)
      throws DtxProtocolException {
    NSObject value = dictionary.objectForKey(key);
    if (value == null) {
      return null;
    }
    if (value instanceof NSDictionary d) {
      return d;
    }
    throw new DtxProtocolException(what + "." + key, "a dictionary", value.getClass().getSimpleName(),
        DtxProtocolException.UNKNOWN_OFFSET);
  }

  private static DtxProtocolException missing(NSDictionary dictionary, String key, String what, String expected) {
    return new DtxProtocolException(what + "." + key, what + " has no " + key + " (expected " + expected
        + "; keys: " + dictionary.keySet() + ")", DtxProtocolException.UNKNOWN_OFFSET, true, null);
  }
}
