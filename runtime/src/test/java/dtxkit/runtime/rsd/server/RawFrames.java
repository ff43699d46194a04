package dtxkit.runtime.rsd.server;

import dtxkit.runtime.http2.Http2;
import dtxkit.runtime.xpc.XpcCodec;
import dtxkit.runtime.xpc.XpcMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.HexFormat;

/** A byte-level HTTP/2 peer for tests: writes exact frames, reads frames back one by one. */
final class RawFrames implements AutoCloseable {
  record Frame(int type, int flags, int stream, byte[] payload) {
    @Override
    public String toString() {
      return Http2.typeName(type) + "(" + stream + ", flags=0x" + Integer.toHexString(flags) + ", len="
          + payload.length + ")";
    }

    int word() {
      return ((payload[0] & 0xFF) << 24) | ((payload[1] & 0xFF) << 16) | ((payload[2] & 0xFF) << 8)
          | (payload[3] & 0xFF);
    }
  }

  final Socket socket;
  private final DataInputStream in;

  RawFrames(InetAddress address, int port) throws IOException {
    socket = new Socket(address, port);
    // A guard so a broken server fails the test instead of hanging it; not a timing assertion.
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
  }

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteBuf b = Http2.frame(type, flags, stream, payload);
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static byte[] xpc(XpcMessage m) {
    ByteBuf b = XpcCodec.encodeMessage(m, Unpooled.buffer().alloc());
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  void write(byte[]... parts) throws IOException {
    socket.getOutputStream().write(concat(parts));
    socket.getOutputStream().flush();
  }

  /** The next frame, or null at end of stream. */
  Frame read() throws IOException {
    byte[] header = new byte[9];
    try {
      in.readFully(header);
    } catch (EOFException e) {
      return null;
    }
    int length = ((header[0] & 0xFF) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
    byte[] payload = new byte[length];
    in.readFully(payload);
    int stream = ((header[5] & 0x7F) << 24) | ((header[6] & 0xFF) << 16) | ((header[7] & 0xFF) << 8)
        | (header[8] & 0xFF);
    return new Frame(header[3] & 0xFF, header[4] & 0xFF, stream, payload);
  }

  /** Reads until end of stream, failing if more than {@code max} frames come first. */
  boolean readsToEndWithin(int max) throws IOException {
    for (int i = 0; i <= max; i++) {
      if (read() == null) {
        return true;
      }
    }
    return false;
  }

  static boolean same(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
