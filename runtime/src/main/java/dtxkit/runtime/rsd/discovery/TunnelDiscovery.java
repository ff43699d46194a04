package dtxkit.runtime.rsd.discovery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds iOS 17+ devices through a running tunnel daemon.
 *
 * <ul>
 * <li>pymobiledevice3's tunneld, {@code GET /} on {@value #TUNNELD_DEFAULT} →
 *     {@code {"<udid>": [{"tunnel-address": "fd..::1", "tunnel-port": 58783, "interface": "utun4"}]}}</li>
 * <li>go-ios's agent, {@code GET /tunnels} on {@value #GO_IOS_DEFAULT} →
 *     {@code [{"address": "fd..::1", "rsdPort": 58783, "udid": "...", "userspaceTun": false,
 *     "userspaceTunPort": 0}]}</li>
 * </ul>
 *
 * Unknown fields are skipped; a missing address, port or udid is an {@link IOException} naming the field.
 */
public final class TunnelDiscovery {
  /** pymobiledevice3 tunneld's default address. */
  public static final String TUNNELD_DEFAULT = "http://127.0.0.1:49151/";
  /** go-ios agent's default address. */
  public static final String GO_IOS_DEFAULT = "http://127.0.0.1:60105/";

  private static final JsonFactory JSON = new JsonFactory();
  private final HttpClient http;
  private final Duration timeout;

  /** @param timeout connect and request timeout */
  public TunnelDiscovery(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Asks pymobiledevice3's tunneld at {@code base} (e.g. {@value #TUNNELD_DEFAULT}) for its tunnels. */
  public List<TunnelInfo> tunneld(URI base) throws IOException {
    return parseTunneld(get(base.resolve("/")));
  }

  /** Asks go-ios's agent at {@code base} (e.g. {@value #GO_IOS_DEFAULT}) for its tunnels. */
  public List<TunnelInfo> goIosAgent(URI base) throws IOException {
    return parseGoIos(get(base.resolve("/tunnels")));
  }

  private String get(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted asking " + uri, e);
    } catch (IOException e) {
      throw new IOException("no tunnel daemon answers at " + uri + ": " + e, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("tunnel daemon at " + uri + " answered HTTP " + response.statusCode() + ": "
          + response.body());
    }
    return response.body();
  }

  /** Parses tunneld's {@code GET /} body. */
  public static List<TunnelInfo> parseTunneld(String json) throws IOException {
    List<TunnelInfo> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "tunneld listing");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String udid = p.currentName();
        expect(p, p.nextToken(), JsonToken.START_ARRAY, "tunnels of " + udid);
        while (p.nextToken() == JsonToken.START_OBJECT) {
          String address = null;
          String iface = null;
          int port = -1;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
              case "tunnel-address" -> address = p.getValueAsString();
              case "tunnel-port" -> port = port(p, t, udid + ".tunnel-port");
              case "interface" -> iface = p.getValueAsString();
              default -> p.skipChildren();
            }
          }
          out.add(new TunnelInfo(udid, require(address, udid + ".tunnel-address"),
              requirePort(port, udid + ".tunnel-port"), iface, "tunneld"));
        }
      }
    }
    return out;
  }

  /** Parses go-ios's {@code GET /tunnels} body. */
  public static List<TunnelInfo> parseGoIos(String json) throws IOException {
    List<TunnelInfo> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.VALUE_NULL) {
        return out;
      }
      expect(p, first, JsonToken.START_ARRAY, "go-ios tunnel list");
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String address = null;
        String udid = null;
        int port = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken t = p.nextToken();
          switch (field) {
            case "address" -> address = p.getValueAsString();
            case "rsdPort" -> port = port(p, t, "rsdPort");
            case "udid" -> udid = p.getValueAsString();
            default -> p.skipChildren();
          }
        }
        out.add(new TunnelInfo(require(udid, "udid"), require(address, "address"), requirePort(port, "rsdPort"),
            null, "go-ios"));
      }
    }
    return out;
  }

  private static int port(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getIntValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Integer.parseInt(p.getText());
      } catch (NumberFormatException e) {
        throw new IOException("tunnel daemon sent a non-numeric " + field + ": \"" + p.getText() + "\"");
      }
    }
    throw new IOException("tunnel daemon sent " + t + " for " + field + ", expected a port");
  }

  private static void expect(JsonParser p, JsonToken got, JsonToken want, String what) throws IOException {
    if (got != want) {
      throw new IOException("unexpected JSON for " + what + ": " + got + " at " + p.currentLocation()
          + ", expected " + want);
    }
  }

  private static String require(String value, String field) throws IOException {
    if (value == null || value.isEmpty()) {
      throw new IOException("tunnel daemon listing lacks " + field);
    }
    return value;
  }

  private static int requirePort(int port, String field) throws IOException {
    if (port < 1 || port > 65535) {
      throw new IOException("tunnel daemon listing has " + (port < 0 ? "no" : "an invalid") + " " + field
          + (port < 0 ? "" : ": " + port));
    }
    return port;
  }
}
