package dtxkit.runtime.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The GOAWAY of a protocol error reaches the peer before the socket closes, even when the write task is still
 * flushing it (the write task completes a frame once it is buffered; the close used to overtake the flush, and the
 * peer saw the end of the stream without the GOAWAY: a flaky {@code Http2ConnectionTest} under load).
 */
class Http2GoAwayFlushTest {

  /** A socket whose writes, once {@link #slow} is set, wait before going out (a flush under way at the close). */
  static final class SlowSocket extends Socket {
    volatile boolean slow;
    private OutputStream out;

    SlowSocket(InetAddress address, int port) throws IOException {
      super(address, port);
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (out == null) {
        OutputStream real = super.getOutputStream();
        out = new FilterOutputStream(real) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            if (slow) {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            real.write(b, off, len);
          }
        };
      }
      return out;
    }
  }

  @Test
  void theGoAwayOfAFlowControlErrorIsFlushedBeforeTheClose() throws Exception {
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SlowSocket ours = new SlowSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket peer = listener.accept()) {
      peer.setSoTimeout(20_000); // a guard against hanging, not a timing assertion
      DataInputStream peerIn = new DataInputStream(peer.getInputStream());
      Http2Connection connection = new Http2Connection(ours, false, Http2Connection.Options.DEFAULT,
          new Http2Connection.Handler() {
            @Override
            public void onHeaders(Http2Connection c, int streamId, boolean endStream) {}

            @Override
            public void onData(Http2Connection c, int streamId, ByteBuf data, boolean endStream) {}

            @Override
            public void onClosed(Http2Connection c, Throwable cause) {
              closed.complete(cause);
            }
          }, "slow");
      try {
        connection.writePreface();
        connection.start();
        peerIn.readFully(new byte[24]);
        connection.writeSettings(Http2Settings.remoteXpc(1000)).get(20, TimeUnit.SECONDS);
        assertEquals(Http2.SETTINGS, readFrameType(peerIn));
        ours.slow = true;
        send(peer.getOutputStream(), Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, "");
        send(peer.getOutputStream(), Http2.DATA, 0, 1, "00".repeat(1500));
        assertEquals(Http2.GOAWAY, readFrameType(peerIn), "GOAWAY before the end of the stream");
        closed.get(20, TimeUnit.SECONDS);
      } finally {
        connection.close();
        connection.awaitTermination();
      }
    }
  }

  private static void send(OutputStream out, int type, int flags, int stream, String hex) throws IOException {
    ByteBuf b = Http2.frame(type, flags, stream, HexFormat.of().parseHex(hex));
    try {
      out.write(ByteBufUtil.getBytes(b));
      out.flush();
    } finally {
      b.release();
    }
  }

  private static int readFrameType(DataInputStream in) throws IOException {
    byte[] h = new byte[9];
    in.readFully(h);
    in.readFully(new byte[((h[0] & 0xFF) << 16) | ((h[1] & 0xFF) << 8) | (h[2] & 0xFF)]);
    return h[3];
  }
}
