package dtxkit.runtime.http2;

import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of one SETTINGS frame, in wire order (identifier to unsigned 32-bit value).
 *
 * @param values identifier to value, unmodifiable, in the order they were written
 */
public record Http2Settings(Map<Integer, Long> values) {
  /** Copies the map, keeping its order. */
  public Http2Settings {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** No parameters (a SETTINGS ACK, or a SETTINGS that keeps every default). */
  public static Http2Settings empty() {
    return new Http2Settings(Map.of());
  }

  /** The SETTINGS every RemoteXPC peer sends: MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE {@code window}. */
  public static Http2Settings remoteXpc(int initialWindow) {
    Map<Integer, Long> m = new LinkedHashMap<>();
    m.put(Http2.SETTINGS_MAX_CONCURRENT_STREAMS, 100L);
    m.put(Http2.SETTINGS_INITIAL_WINDOW_SIZE, (long) initialWindow);
    return new Http2Settings(m);
  }

  /** The value of {@code id}, or null. */
  public Long get(int id) {
    return values.get(id);
  }

  /** Writes the payload (six bytes per parameter). {@code out} is not released. */
  public void writePayload(ByteBuf out) {
    values.forEach((id, v) -> {
      out.writeShort(id);
      out.writeInt((int) (long) v);
    });
  }
}
