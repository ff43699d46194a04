package dtxkit.runtime.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** HTTP/2 constants (RFC 9113) used by RemoteXPC: frame types, flags, settings and error codes. */
public final class Http2 {
  /** The client connection preface, {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}. */
  public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  /** Bytes of a frame header. */
  public static final int FRAME_HEADER_BYTES = 9;
  /** The default and minimum SETTINGS_MAX_FRAME_SIZE. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
  /** The largest SETTINGS_MAX_FRAME_SIZE allowed. */
  public static final int MAX_ALLOWED_FRAME_SIZE = 16_777_215;
  /** The initial window of the connection and of every stream before SETTINGS say otherwise. */
  public static final int DEFAULT_WINDOW = 65_535;
  /** The largest flow-control window. */
  public static final int MAX_WINDOW = Integer.MAX_VALUE;

  /** DATA frame type. */
  public static final int DATA = 0x0;
  /** HEADERS frame type. */
  public static final int HEADERS = 0x1;
  /** PRIORITY frame type. */
  public static final int PRIORITY = 0x2;
  /** RST_STREAM frame type. */
  public static final int RST_STREAM = 0x3;
  /** SETTINGS frame type. */
  public static final int SETTINGS = 0x4;
  /** PUSH_PROMISE frame type. */
  public static final int PUSH_PROMISE = 0x5;
  /** PING frame type. */
  public static final int PING = 0x6;
  /** GOAWAY frame type. */
  public static final int GOAWAY = 0x7;
  /** WINDOW_UPDATE frame type. */
  public static final int WINDOW_UPDATE = 0x8;
  /** CONTINUATION frame type. */
  public static final int CONTINUATION = 0x9;

  /** END_STREAM flag (DATA, HEADERS). */
  public static final int FLAG_END_STREAM = 0x1;
  /** ACK flag (SETTINGS, PING). */
  public static final int FLAG_ACK = 0x1;
  /** END_HEADERS flag (HEADERS, CONTINUATION). */
  public static final int FLAG_END_HEADERS = 0x4;
  /** PADDED flag (DATA, HEADERS). */
  public static final int FLAG_PADDED = 0x8;
  /** PRIORITY flag (HEADERS). */
  public static final int FLAG_PRIORITY = 0x20;

  /** SETTINGS_HEADER_TABLE_SIZE. */
  public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
  /** SETTINGS_ENABLE_PUSH. */
  public static final int SETTINGS_ENABLE_PUSH = 0x2;
  /** SETTINGS_MAX_CONCURRENT_STREAMS. */
  public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  /** SETTINGS_INITIAL_WINDOW_SIZE. */
  public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
  /** SETTINGS_MAX_FRAME_SIZE. */
  public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
  /** SETTINGS_MAX_HEADER_LIST_SIZE. */
  public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

  /** NO_ERROR. */
  public static final int NO_ERROR = 0x0;
  /** PROTOCOL_ERROR. */
  public static final int PROTOCOL_ERROR = 0x1;
  /** INTERNAL_ERROR. */
  public static final int INTERNAL_ERROR = 0x2;
  /** FLOW_CONTROL_ERROR. */
  public static final int FLOW_CONTROL_ERROR = 0x3;
  /** STREAM_CLOSED: what an iPhone's RemoteXPC layer answers to a channel in an unexpected state. */
  public static final int STREAM_CLOSED = 0x5;
  /** FRAME_SIZE_ERROR. */
  public static final int FRAME_SIZE_ERROR = 0x6;
  /** CANCEL. */
  public static final int CANCEL = 0x8;

  private Http2() {}

  /** A readable frame type name, e.g. {@code WINDOW_UPDATE}, or {@code UNKNOWN(0x0b)}. */
  public static String typeName(int type) {
    return switch (type) {
      case DATA -> "DATA";
      case HEADERS -> "HEADERS";
      case PRIORITY -> "PRIORITY";
      case RST_STREAM -> "RST_STREAM";
      case SETTINGS -> "SETTINGS";
      case PUSH_PROMISE -> "PUSH_PROMISE";
      case PING -> "PING";
      case GOAWAY -> "GOAWAY";
      case WINDOW_UPDATE -> "WINDOW_UPDATE";
      case CONTINUATION -> "CONTINUATION";
      default -> String.format("UNKNOWN(0x%02x)", type);
    };
  }

  /** A readable error code name, e.g. {@code STREAM_CLOSED}. */
  public static String errorName(long code) {
    String[] names = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
        "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    return code >= 0 && code < names.length ? names[(int) code] : String.format("0x%08x", code);
  }

  /**
   * Writes a frame header.
   *
   * @param out where it goes; not released
   */
  public static void writeFrameHeader(ByteBuf out, int length, int type, int flags, int streamId) {
    out.writeMedium(length);
    out.writeByte(type);
    out.writeByte(flags);
    out.writeInt(streamId & 0x7FFF_FFFF);
  }

  /** A preface-free frame as a new heap buffer: header and payload. Released by the caller. */
  public static ByteBuf frame(int type, int flags, int streamId, byte[] payload) {
    ByteBuf out = Unpooled.buffer(FRAME_HEADER_BYTES + payload.length);
    writeFrameHeader(out, payload.length, type, flags, streamId);
    out.writeBytes(payload);
    return out;
  }
}
