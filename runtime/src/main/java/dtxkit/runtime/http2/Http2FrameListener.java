package dtxkit.runtime.http2;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Receives the frames {@link Http2FrameReader} decodes, in wire order. PRIORITY, PUSH_PROMISE-free unknown types
 * and header blocks are not delivered (see the reader). Any method may throw to stop reading.
 */
public interface Http2FrameListener {
  /**
   * A DATA frame.
   *
   * @param streamId the stream
   * @param data the payload without padding; valid only during the call and released by the reader afterwards
   *     (retain to keep)
   * @param flowControlledBytes the frame's whole payload length including padding, which counts against windows
   * @param endStream whether END_STREAM is set
   */
  void onData(int streamId, ByteBuf data, int flowControlledBytes, boolean endStream) throws IOException;

  /**
   * A complete header block (HEADERS plus any CONTINUATION frames). RemoteXPC sends empty blocks; a non-empty one is
   * accepted and its bytes are ignored, since RemoteXPC peers carry no header fields.
   *
   * @param streamId the stream
   * @param headerBlockBytes the length of the (ignored) header block
   * @param endStream whether END_STREAM is set
   */
  void onHeaders(int streamId, int headerBlockBytes, boolean endStream) throws IOException;

  /** RST_STREAM. */
  void onRstStream(int streamId, long errorCode) throws IOException;

  /** SETTINGS; for an ACK, {@code settings} is empty. */
  void onSettings(boolean ack, Http2Settings settings) throws IOException;

  /** PING with its 8 opaque bytes. */
  void onPing(boolean ack, long opaque) throws IOException;

  /** GOAWAY with its debug text (decoded as UTF-8, possibly empty). */
  void onGoAway(int lastStreamId, long errorCode, String debug) throws IOException;

  /** WINDOW_UPDATE ({@code streamId} 0 for the connection). */
  void onWindowUpdate(int streamId, int increment) throws IOException;
}
