package dtxkit.runtime.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes HTTP/2 frames from a byte stream and hands them to a {@link Http2FrameListener}.
 *
 * <pre>
 * frame header (big-endian)
 *  0  u24 length      payload bytes; at most our SETTINGS_MAX_FRAME_SIZE
 *  3  u8  type
 *  4  u8  flags
 *  5  u31 stream id   (top bit reserved)
 *  9  payload
 * </pre>
 *
 * <p>Nothing is consumed until a whole frame is readable. PRIORITY frames are checked for length and ignored;
 * unknown frame types are ignored as RFC 9113 §4.1 requires; header blocks are not HPACK-decoded (RemoteXPC sends
 * none). A server-side reader first expects the 24-byte client preface. After an error the reader is failed.
 */
public final class Http2FrameReader {
  private enum State { PREFACE, FRAMES, FAILED }

  private final int maxFrameSize;
  private State state;
  private long offset;
  /** Stream whose header block is still open (HEADERS without END_HEADERS), or 0. */
  private int continuationStream;
  private boolean continuationEndStream;
  private int headerBlockBytes;

  /**
   * @param expectPreface true on the server side, where the stream starts with the client preface
   * @param maxFrameSize the largest payload accepted (what we advertise as SETTINGS_MAX_FRAME_SIZE)
   */
  public Http2FrameReader(boolean expectPreface, int maxFrameSize) {
    if (maxFrameSize < Http2.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > Http2.MAX_ALLOWED_FRAME_SIZE) {
      throw new IllegalArgumentException("max frame size out of range: " + maxFrameSize);
    }
    this.maxFrameSize = maxFrameSize;
    this.state = expectPreface ? State.PREFACE : State.FRAMES;
  }

  /** The stream offset of the next unread byte. */
  public long offset() {
    return offset;
  }

  /**
   * Decodes every whole frame readable in {@code in}.
   *
   * @param in accumulated stream bytes; whole frames are consumed, a partial frame is left in place; not released
   * @param listener receives the frames
   * @throws Http2ProtocolException on a framing error (the reader is then failed)
   * @throws IOException whatever the listener throws
   */
  public void read(ByteBuf in, Http2FrameListener listener) throws IOException {
    if (state == State.FAILED) {
      throw new IllegalStateException("reader failed earlier");
    }
    try {
      if (state == State.PREFACE) {
        int n = Math.min(in.readableBytes(), Http2.PREFACE.length);
        for (int i = 0; i < n; i++) {
          if (in.getByte(in.readerIndex() + i) != Http2.PREFACE[i]) {
            throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "preface",
                "expected \"PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n\", got bytes "
                    + ByteBufUtil.hexDump(in, in.readerIndex(), n), offset + i);
          }
        }
        if (n < Http2.PREFACE.length) {
          return;
        }
        in.skipBytes(Http2.PREFACE.length);
        offset += Http2.PREFACE.length;
        state = State.FRAMES;
      }
      while (in.readableBytes() >= Http2.FRAME_HEADER_BYTES) {
        int at = in.readerIndex();
        int length = in.getUnsignedMedium(at);
        if (length > maxFrameSize) {
          throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, "frame length",
              length + " > SETTINGS_MAX_FRAME_SIZE " + maxFrameSize, offset);
        }
        if (in.readableBytes() < Http2.FRAME_HEADER_BYTES + length) {
          return;
        }
        int type = in.getUnsignedByte(at + 3);
        int flags = in.getUnsignedByte(at + 4);
        int streamId = in.getInt(at + 5) & 0x7FFF_FFFF;
        ByteBuf payload = in.slice(at + Http2.FRAME_HEADER_BYTES, length);
        long frameOffset = offset;
        in.skipBytes(Http2.FRAME_HEADER_BYTES + length);
        offset += Http2.FRAME_HEADER_BYTES + length;
        frame(type, flags, streamId, payload, frameOffset, listener);
      }
    } catch (Http2ProtocolException e) {
      state = State.FAILED;
      throw e;
    }
  }

  private void frame(int type, int flags, int streamId, ByteBuf payload, long at, Http2FrameListener l)
      throws IOException {
    int length = payload.readableBytes();
    if (continuationStream != 0 && (type != Http2.CONTINUATION || streamId != continuationStream)) {
      throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, Http2.typeName(type),
          "CONTINUATION for stream " + continuationStream + " expected, got " + Http2.typeName(type)
              + " on stream " + streamId, at);
    }
    switch (type) {
      case Http2.DATA -> {
        requireStream(type, streamId, at);
        ByteBuf data = unpad(type, flags, payload, at);
        l.onData(streamId, data, length, (flags & Http2.FLAG_END_STREAM) != 0);
      }
      case Http2.HEADERS -> {
        requireStream(type, streamId, at);
        ByteBuf block = unpad(type, flags, payload, at);
        if ((flags & Http2.FLAG_PRIORITY) != 0) {
          if (block.readableBytes() < 5) {
            throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, "HEADERS length",
                "PRIORITY flag set but only " + block.readableBytes() + " bytes", at);
          }
          block.skipBytes(5);
        }
        if ((flags & Http2.FLAG_END_HEADERS) != 0) {
          l.onHeaders(streamId, block.readableBytes(), (flags & Http2.FLAG_END_STREAM) != 0);
        } else {
          continuationStream = streamId;
          continuationEndStream = (flags & Http2.FLAG_END_STREAM) != 0;
          headerBlockBytes = block.readableBytes();
        }
      }
      case Http2.CONTINUATION -> {
        if (continuationStream == 0) {
          throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "CONTINUATION",
              "no open header block on stream " + streamId, at);
        }
        headerBlockBytes += length;
        if ((flags & Http2.FLAG_END_HEADERS) != 0) {
          int stream = continuationStream;
          continuationStream = 0;
          l.onHeaders(stream, headerBlockBytes, continuationEndStream);
        }
      }
      case Http2.PRIORITY -> {
        requireStream(type, streamId, at);
        requireLength(type, length, 5, at);
        // Ignored: RemoteXPC peers do not prioritise, and RFC 9113 deprecates the scheme.
      }
      case Http2.RST_STREAM -> {
        requireStream(type, streamId, at);
        requireLength(type, length, 4, at);
        l.onRstStream(streamId, payload.getUnsignedInt(0));
      }
      case Http2.SETTINGS -> {
        requireConnection(type, streamId, at);
        boolean ack = (flags & Http2.FLAG_ACK) != 0;
        if (ack && length != 0) {
          throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, "SETTINGS length",
              "ACK must be empty, got " + length + " bytes", at);
        }
        if (length % 6 != 0) {
          throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, "SETTINGS length",
              length + " is not a multiple of 6", at);
        }
        Map<Integer, Long> values = new LinkedHashMap<>();
        for (int i = 0; i < length; i += 6) {
          int id = payload.getUnsignedShort(i);
          long v = payload.getUnsignedInt(i + 2);
          checkSetting(id, v, at);
          values.put(id, v);
        }
        l.onSettings(ack, new Http2Settings(values));
      }
      case Http2.PUSH_PROMISE -> throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "PUSH_PROMISE",
          "server push was never enabled by RemoteXPC", at);
      case Http2.PING -> {
        requireConnection(type, streamId, at);
        requireLength(type, length, 8, at);
        l.onPing((flags & Http2.FLAG_ACK) != 0, payload.getLong(0));
      }
      case Http2.GOAWAY -> {
        requireConnection(type, streamId, at);
        if (length < 8) {
          throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, "GOAWAY length", length + " < 8", at);
        }
        String debug = payload.toString(8, length - 8, StandardCharsets.UTF_8);
        l.onGoAway(payload.getInt(0) & 0x7FFF_FFFF, payload.getUnsignedInt(4), debug);
      }
      case Http2.WINDOW_UPDATE -> {
        requireLength(type, length, 4, at);
        int increment = payload.getInt(0) & 0x7FFF_FFFF;
        if (increment == 0) {
          throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "WINDOW_UPDATE increment",
              "0 on stream " + streamId, at);
        }
        l.onWindowUpdate(streamId, increment);
      }
      default -> {
        // RFC 9113 §4.1: implementations MUST ignore and discard frames of unknown types.
      }
    }
  }

  private static void checkSetting(int id, long v, long at) throws Http2ProtocolException {
    if (id == Http2.SETTINGS_INITIAL_WINDOW_SIZE && v > Http2.MAX_WINDOW) {
      throw new Http2ProtocolException(Http2.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE",
          v + " > " + Http2.MAX_WINDOW, at);
    }
    if (id == Http2.SETTINGS_MAX_FRAME_SIZE && (v < Http2.DEFAULT_MAX_FRAME_SIZE || v > Http2.MAX_ALLOWED_FRAME_SIZE)) {
      throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE",
          v + " outside [16384, 16777215]", at);
    }
    if (id == Http2.SETTINGS_ENABLE_PUSH && v > 1) {
      throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH", v + " is not 0 or 1", at);
    }
  }

  private static ByteBuf unpad(int type, int flags, ByteBuf payload, long at) throws Http2ProtocolException {
    if ((flags & Http2.FLAG_PADDED) == 0) {
      return payload;
    }
    if (payload.readableBytes() < 1) {
      throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, Http2.typeName(type) + " padding",
          "PADDED flag set on an empty payload", at);
    }
    int pad = payload.getUnsignedByte(0);
    if (pad > payload.readableBytes() - 1) {
      throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, Http2.typeName(type) + " padding",
          pad + " padding bytes > " + (payload.readableBytes() - 1) + " payload bytes", at);
    }
    return payload.slice(1, payload.readableBytes() - 1 - pad);
  }

  private static void requireStream(int type, int streamId, long at) throws Http2ProtocolException {
    if (streamId == 0) {
      throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, Http2.typeName(type) + " stream",
          "must not be stream 0", at);
    }
  }

  private static void requireConnection(int type, int streamId, long at) throws Http2ProtocolException {
    if (streamId != 0) {
      throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, Http2.typeName(type) + " stream",
          "must be stream 0, got " + streamId, at);
    }
  }

  private static void requireLength(int type, int length, int expected, long at) throws Http2ProtocolException {
    if (length != expected) {
      throw new Http2ProtocolException(Http2.FRAME_SIZE_ERROR, Http2.typeName(type) + " length",
          "expected " + expected + ", got " + length, at);
    }
  }
}
