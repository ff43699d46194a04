package dtxkit.runtime.rsd;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxLimitExceededException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@code RSDCheckin} exchange that {@code *.shim.remote} service ports expect before their own protocol.
 * Each message is a lockdown-style frame: a big-endian u32 length, then a plist (XML sent, XML or binary read).
 *
 * <pre>
 * client: {Label: "dtxkit", ProtocolVersion: "2", Request: "RSDCheckin"}
 * device: {Request: "RSDCheckin"}          (or {Error: ...})
 * device: {Request: "StartService"}        (or {Error: ...})
 * </pre>
 */
public final class RsdCheckin {
  /** The largest checkin plist accepted (the real ones are a few hundred bytes). */
  public static final int MAX_PLIST_BYTES = 1 << 20;

  private RsdCheckin() {}

  /**
   * Runs the client side on a freshly connected service socket.
   *
   * @param label sent as {@code Label}
   * @throws RsdCheckinException when the device answers with {@code Error}
   * @throws RsdProtocolException when a reply has the wrong {@code Request}
   */
  public static void perform(InputStream in, OutputStream out, String label) throws IOException {
    NSDictionary request = new NSDictionary();
    request.put("Label", label);
    request.put("ProtocolVersion", "2");
    request.put("Request", "RSDCheckin");
    write(out, request);
    expect(read(in), "RSDCheckin");
    expect(read(in), "StartService");
  }

  /**
   * Runs the device side: reads the client's checkin and answers it.
   *
   * @param error null to accept; otherwise sent as {@code Error} in the first reply, after which this throws
   * @return the client's {@code Label}
   * @throws RsdProtocolException when the client's request is not an {@code RSDCheckin}
   */
  public static String respond(InputStream in, OutputStream out, String error) throws IOException {
    NSDictionary request = read(in);
    String kind = string(request, "Request");
    if (!"RSDCheckin".equals(kind)) {
      throw new RsdProtocolException("Request", "\"RSDCheckin\"", kind == null ? "nothing" : "\"" + kind + "\"");
    }
    NSDictionary reply = new NSDictionary();
    if (error != null) {
      reply.put("Error", error);
      write(out, reply);
      throw new RsdCheckinException(error);
    }
    reply.put("Request", "RSDCheckin");
    write(out, reply);
    NSDictionary start = new NSDictionary();
    start.put("Request", "StartService");
    write(out, start);
    return string(request, "Label");
  }

  private static void expect(NSDictionary reply, String request) throws IOException {
    String error = string(reply, "Error");
    if (error != null) {
      throw new RsdCheckinException(error);
    }
    String got = string(reply, "Request");
    if (!request.equals(got)) {
      throw new RsdProtocolException("Request", "\"" + request + "\"", got == null ? "nothing" : "\"" + got + "\"");
    }
  }

  private static String string(NSDictionary d, String key) {
    NSObject o = d.objectForKey(key);
    return o instanceof NSString s ? s.getContent() : o == null ? null : o.toString();
  }

  /** Writes one length-framed XML plist. */
  static void write(OutputStream out, NSDictionary plist) throws IOException {
    byte[] bytes = plist.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(bytes.length);
    data.write(bytes);
    data.flush();
  }

  /** Reads one length-framed plist dictionary, checking the length before allocating. */
  static NSDictionary read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int length;
    try {
      length = data.readInt();
    } catch (EOFException e) {
      throw new EOFException("peer closed the service connection during RSDCheckin");
    }
    if (length < 0 || length > MAX_PLIST_BYTES) {
      throw new DtxLimitExceededException("RSDCheckin plist bytes", MAX_PLIST_BYTES, Integer.toUnsignedLong(length),
          DtxLimitExceededException.UNKNOWN_OFFSET);
    }
    byte[] bytes = data.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException("peer closed the service connection inside an RSDCheckin plist (" + bytes.length
          + " of " + length + " bytes)");
    }
    String badLength = dtxkit.runtime.internal.BinaryPlists.malformedLength(bytes);
    if (badLength != null) {
      // dd-plist would print this to System.err and parse on.
      throw new RsdProtocolException("RSDCheckin plist", "a property list", badLength);
    }
    NSObject parsed;
    try {
      parsed = dtxkit.runtime.internal.QuietPlists.parse(bytes);
    } catch (Exception e) {
      throw new RsdProtocolException("RSDCheckin plist", "a property list", e.toString());
    }
    if (!(parsed instanceof NSDictionary d)) {
      // dd-plist returns null, not an error, for some inputs (an empty plist among them).
      throw new RsdProtocolException("RSDCheckin plist", "a dictionary",
          parsed == null ? "nothing (" + length + " bytes)" : parsed.getClass().getSimpleName());
    }
    return d;
  }
}
