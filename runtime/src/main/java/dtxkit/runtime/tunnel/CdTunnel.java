package dtxkit.runtime.tunnel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CDTunnel handshake that opens CoreDeviceProxy's packet tunnel (iOS 17.4+): each side sends one message, the
 * ASCII magic {@code CDTunnel}, a 2-byte big-endian length and that many bytes of a JSON object. The host asks with
 * {@code {"type": "clientHandshakeRequest", "mtu": N}}; the device answers with {@code clientParameters}
 * ({@code address}, {@code netmask}, {@code mtu}), {@code serverAddress} and {@code serverRSDPort}. After it the
 * stream carries bare IPv6 packets ({@link Ipv6PacketStream}).
 *
 * <p>Malformed input is a {@link TunnelProtocolException} naming the field, the expected and actual values and the
 * stream offset (the magic is at 0, the length at 8, the JSON from 10); a length beyond the configured maximum is a
 * {@link DtxLimitExceededException}, raised before anything is allocated for it.
 */
public final class CdTunnel {
  /** The magic that starts each handshake message. */
  public static final String MAGIC = "CDTunnel";
  /** The request's {@code type}. */
  public static final String CLIENT_REQUEST = "clientHandshakeRequest";
  /** The response's {@code type}. */
  public static final String SERVER_RESPONSE = "serverHandshakeResponse";
  /** The MTU pymobiledevice3 and go-ios ask for. */
  public static final int DEFAULT_MTU = 16000;
  /** The smallest MTU IPv6 allows. */
  public static final int MIN_MTU = 1280;
  /** The largest MTU an IPv6 packet without a jumbo option can fill (40 + 65535). */
  public static final int MAX_MTU = 65575;
  /** The most JSON bytes accepted by default (a handshake is about 200). */
  public static final int DEFAULT_MAX_JSON_BYTES = 16 * 1024;

  private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC_BYTES.length + 2;
  private static final int MAX_DEPTH = 8;
  private static final int MAX_KEYS = 64;
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private CdTunnel() {}

  /**
   * The host's request: {@code CDTunnel}, length, {@code {"type":"clientHandshakeRequest","mtu":N}}.
   *
   * @param mtu the MTU to ask for
   * @return the message's bytes
   */
  public static byte[] clientRequest(int mtu) {
    if (mtu < MIN_MTU || mtu > MAX_MTU) {
      throw new IllegalArgumentException("mtu " + mtu + " not in " + MIN_MTU + ".." + MAX_MTU);
    }
    return frame(json(g -> {
      g.writeStringField("type", CLIENT_REQUEST);
      g.writeNumberField("mtu", mtu);
    }));
  }

  /**
   * The device's response.
   *
   * @param p what to announce
   * @return the message's bytes
   */
  public static byte[] serverResponse(TunnelParameters p) {
    return frame(json(g -> {
      g.writeStringField("type", SERVER_RESPONSE);
      g.writeObjectFieldStart("clientParameters");
      g.writeStringField("address", TunnelParameters.compress(p.clientAddress().getHostAddress()));
      g.writeStringField("netmask", p.netmask());
      g.writeNumberField("mtu", p.mtu());
      g.writeEndObject();
      g.writeStringField("serverAddress", TunnelParameters.compress(p.serverAddress().getHostAddress()));
      g.writeNumberField("serverRSDPort", p.serverRsdPort());
    }));
  }

  /**
   * Runs the host's side: sends the request, reads and checks the response.
   *
   * @param in the stream from the device (positioned at offset 0)
   * @param out the stream to the device (flushed)
   * @param mtu the MTU to ask for
   * @param maxJsonBytes the largest response accepted
   * @return the tunnel's parameters
   * @throws TunnelProtocolException when the response is malformed
   * @throws EOFException when the device closes before answering in full
   * @throws IOException when the stream fails
   */
  public static TunnelParameters clientHandshake(InputStream in, OutputStream out, int mtu, int maxJsonBytes)
      throws IOException {
    out.write(clientRequest(mtu));
    out.flush();
    return readServerResponse(in, maxJsonBytes);
  }

  /**
   * Reads the device's response.
   *
   * @param in the stream, positioned at the message (offset 0)
   * @param maxJsonBytes the largest JSON accepted
   * @return the parameters
   * @throws IOException when it is malformed or the stream ends
   */
  public static TunnelParameters readServerResponse(InputStream in, int maxJsonBytes) throws IOException {
    Map<String, Object> m = readMessage(in, maxJsonBytes, "response");
    requireType(m, SERVER_RESPONSE, "response");
    Object cp = m.get("clientParameters");
    if (!(cp instanceof Map<?, ?> client)) {
      throw new TunnelProtocolException("response clientParameters", "an object", describe(cp), HEADER);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> params = (Map<String, Object>) client;
    Inet6Address address = address(params.get("address"), "response clientParameters.address");
    int prefix = prefixLength(params.get("netmask"));
    int mtu = integer(params.get("mtu"), MIN_MTU, MAX_MTU, "response clientParameters.mtu");
    Inet6Address server = address(m.get("serverAddress"), "response serverAddress");
    int port = integer(m.get("serverRSDPort"), 1, 65535, "response serverRSDPort");
    return new TunnelParameters(address, prefix, mtu, server, port);
  }

  /**
   * Reads the host's request (the device's side).
   *
   * @param in the stream, positioned at the message (offset 0)
   * @param maxJsonBytes the largest JSON accepted
   * @return the MTU the host asked for
   * @throws IOException when it is malformed or the stream ends
   */
  public static int readClientRequest(InputStream in, int maxJsonBytes) throws IOException {
    Map<String, Object> m = readMessage(in, maxJsonBytes, "request");
    requireType(m, CLIENT_REQUEST, "request");
    return integer(m.get("mtu"), MIN_MTU, MAX_MTU, "request mtu");
  }

  private static void requireType(Map<String, Object> m, String type, String what)
      throws TunnelProtocolException {
    Object t = m.get("type");
    if (!type.equals(t)) {
      throw new TunnelProtocolException(what + " type", '"' + type + '"', describe(t), HEADER);
    }
  }

  private static Map<String, Object> readMessage(InputStream in, int maxJsonBytes, String what) throws IOException {
    byte[] header = new byte[HEADER];
    readFully(in, header, 0, what + " header");
    for (int i = 0; i < MAGIC_BYTES.length; i++) {
      if (header[i] != MAGIC_BYTES[i]) {
        throw new TunnelProtocolException(what + " magic", '"' + MAGIC + '"',
            printable(header, 0, MAGIC_BYTES.length), i);
      }
    }
    int length = ((header[8] & 0xFF) << 8) | (header[9] & 0xFF);
    if (length > maxJsonBytes) {
      throw new DtxLimitExceededException("CDTunnel " + what + " length", maxJsonBytes, length, 8);
    }
    if (length == 0) {
      throw new TunnelProtocolException(what + " length", "1.." + maxJsonBytes, "0", 8);
    }
    byte[] body = new byte[length];
    readFully(in, body, HEADER, what + " JSON");
    return parse(body, what);
  }

  private static void readFully(InputStream in, byte[] b, long offset, String what) throws IOException {
    int n = 0;
    while (n < b.length) {
      int r = in.read(b, n, b.length - n);
      if (r < 0) {
        throw new EOFException("CDTunnel " + what + ": the stream ended after " + n + " of " + b.length
            + " bytes at offset " + (offset + n));
      }
      n += r;
    }
  }

  static Map<String, Object> parse(byte[] body, String what) throws DtxProtocolException {
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new TunnelProtocolException(what + " JSON", "an object", String.valueOf(t),
            HEADER + p.currentTokenLocation().getByteOffset());
      }
      Map<String, Object> m = object(p, 1, what);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        throw new TunnelProtocolException(what + " JSON", "nothing after the object", extra.toString(),
            HEADER + p.currentTokenLocation().getByteOffset());
      }
      return m;
    } catch (DtxProtocolException e) {
      throw e;
    } catch (JsonProcessingException e) {
      throw new TunnelProtocolException(what + " JSON", "malformed JSON: " + e.getOriginalMessage(),
          HEADER + e.getLocation().getByteOffset(), e);
    } catch (IOException e) {
      throw new TunnelProtocolException(what + " JSON", "unreadable JSON: " + e.getMessage(), HEADER, e);
    }
  }

  private static Map<String, Object> object(JsonParser p, int depth, String what) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new DtxLimitExceededException("CDTunnel " + what + " JSON depth", MAX_DEPTH, depth,
          HEADER + p.currentTokenLocation().getByteOffset());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String key = p.currentName();
      if (m.size() >= MAX_KEYS) {
        throw new DtxLimitExceededException("CDTunnel " + what + " JSON keys", MAX_KEYS, m.size() + 1L,
            HEADER + p.currentTokenLocation().getByteOffset());
      }
      m.put(key, value(p, p.nextToken(), depth, what));
    }
    return m;
  }

  private static Object value(JsonParser p, JsonToken t, int depth, String what) throws IOException {
    switch (t) {
      case START_OBJECT:
        return object(p, depth + 1, what);
      case START_ARRAY: {
        java.util.List<Object> list = new java.util.ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          if (list.size() >= MAX_KEYS) {
            throw new DtxLimitExceededException("CDTunnel " + what + " JSON array", MAX_KEYS, list.size() + 1L,
                HEADER + p.currentTokenLocation().getByteOffset());
          }
          list.add(value(p, e, depth + 1, what));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG
            ? (Object) p.getLongValue() : p.getText();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return null;
    }
  }

  private static Inet6Address address(Object v, String field) throws TunnelProtocolException {
    if (v instanceof String s && s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+")) {
      try {
        InetAddress a = InetAddress.getByName(s);
        if (a instanceof Inet6Address six) {
          return six;
        }
      } catch (java.net.UnknownHostException e) {
        // Reported below.
      }
    }
    throw new TunnelProtocolException(field, "an IPv6 address", describe(v), HEADER);
  }

  private static int prefixLength(Object v) throws TunnelProtocolException {
    String field = "response clientParameters.netmask";
    Inet6Address mask = address(v, field);
    byte[] b = mask.getAddress();
    int prefix = 0;
    while (prefix < 128 && (b[prefix / 8] & (0x80 >>> (prefix % 8))) != 0) {
      prefix++;
    }
    for (int i = prefix; i < 128; i++) {
      if ((b[i / 8] & (0x80 >>> (i % 8))) != 0) {
        throw new TunnelProtocolException(field, "a contiguous netmask", describe(v), HEADER);
      }
    }
    return prefix;
  }

  private static int integer(Object v, int min, int max, String field) throws TunnelProtocolException {
    if (v instanceof Long l && l >= min && l <= max) {
      return (int) (long) l;
    }
    throw new TunnelProtocolException(field, "an integer " + min + ".." + max, describe(v), HEADER);
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String s) {
      return '"' + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + '"';
    }
    if (v instanceof Map<?, ?>) {
      return "an object";
    }
    if (v instanceof java.util.List<?>) {
      return "an array";
    }
    return v.toString();
  }

  private static String printable(byte[] b, int off, int len) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.append('"').toString();
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] json(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Frames a JSON body: magic, 2-byte big-endian length, body.
   *
   * @param json the body (at most 65535 bytes)
   * @return the message
   */
  public static byte[] frame(byte[] json) {
    if (json.length > 0xFFFF) {
      throw new IllegalArgumentException("JSON of " + json.length + " bytes does not fit a 2-byte length");
    }
    byte[] m = new byte[HEADER + json.length];
    System.arraycopy(MAGIC_BYTES, 0, m, 0, MAGIC_BYTES.length);
    m[8] = (byte) (json.length >>> 8);
    m[9] = (byte) json.length;
    System.arraycopy(json, 0, m, HEADER, json.length);
    return m;
  }
}
