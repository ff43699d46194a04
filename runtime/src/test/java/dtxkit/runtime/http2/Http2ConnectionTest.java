package dtxkit.runtime.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flow control of {@link Http2Connection} against a byte-level peer. */
class Http2ConnectionTest {
  ServerSocket listener;
  Socket peer;
  DataInputStream peerIn;
  OutputStream peerOut;
  Http2Connection connection;
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  /** Thrown by the handler's onHeaders when set. */
  volatile Error headersError;

  record Frame(int type, int flags, int stream, byte[] payload) {}

  @BeforeEach
  void connect() throws Exception {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Socket ours = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    peer = listener.accept();
    peer.setSoTimeout(20_000); // a guard against hanging, not a timing assertion
    peerIn = new DataInputStream(peer.getInputStream());
    peerOut = peer.getOutputStream();
    connection = new Http2Connection(ours, false, Http2Connection.Options.DEFAULT, new Http2Connection.Handler() {
      @Override
      public void onHeaders(Http2Connection c, int streamId, boolean endStream) {
        if (headersError != null) {
          throw headersError;
        }
      }

      @Override
      public void onData(Http2Connection c, int streamId, ByteBuf data, boolean endStream) {}

      @Override
      public void onClosed(Http2Connection c, Throwable cause) {
        closed.complete(cause);
      }
    }, "test");
    connection.writePreface();
    connection.start();
    byte[] preface = new byte[24];
    peerIn.readFully(preface);
    assertEquals(new String(Http2.PREFACE), new String(preface));
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
    connection.awaitTermination();
    peer.close();
    listener.close();
  }

  void send(int type, int flags, int stream, String hex) throws IOException {
    ByteBuf b = Http2.frame(type, flags, stream, HexFormat.of().parseHex(hex.replace(" ", "")));
    peerOut.write(ByteBufUtil.getBytes(b));
    b.release();
    peerOut.flush();
  }

  Frame read() throws IOException {
    byte[] h = new byte[9];
    peerIn.readFully(h);
    byte[] p = new byte[((h[0] & 0xFF) << 16) | ((h[1] & 0xFF) << 8) | (h[2] & 0xFF)];
    peerIn.readFully(p);
    return new Frame(h[3], h[4] & 0xFF, ((h[5] & 0x7F) << 24) | ((h[6] & 0xFF) << 16) | ((h[7] & 0xFF) << 8)
        | (h[8] & 0xFF), p);
  }

  /** Reads DATA frames until {@code total} bytes arrived; returns their sizes. */
  List<Integer> readData(int total) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    int got = 0;
    while (got < total) {
      Frame f = read();
      assertEquals(Http2.DATA, f.type(), "frame type");
      sizes.add(f.payload().length);
      got += f.payload().length;
    }
    assertEquals(total, got);
    return sizes;
  }

  /** A PING answered next proves no DATA beyond the window was queued ahead of it. */
  void assertNothingMoreBeforePingAck() throws IOException {
    send(Http2.PING, 0, 0, "0000000000000042");
    Frame f = read();
    assertEquals(List.of((int) Http2.PING, Http2.FLAG_ACK), List.of((int) f.type(), f.flags()));
  }

  /**
   * A handler that throws an Error (here a StackOverflowError) fails the connection: its onClosed hears of it and the
   * socket closes, rather than the reader thread ending with the connection left open (issue 10).
   */
  @Test
  void aHandlersErrorClosesTheConnection() throws Exception {
    headersError = new StackOverflowError("handler recursed");
    send(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, "");
    Throwable cause = closed.get(20, TimeUnit.SECONDS);
    assertInstanceOf(StackOverflowError.class, cause);
    // The socket closed: reading to the end returns (a socket left open would throw SocketTimeoutException).
    peerIn.readAllBytes();
  }

  @Test
  void outboundDataRespectsStreamWindowAndPeerMaxFrameSize() throws Exception {
    send(Http2.SETTINGS, 0, 0, "0004 000003e8 0005 00004e20"); // window 1000, max frame 20000
    Frame ack = read();
    assertEquals(List.of((int) Http2.SETTINGS, Http2.FLAG_ACK), List.of((int) ack.type(), ack.flags()));
    connection.writeHeaders(1, false);
    assertEquals(Http2.HEADERS, read().type());
    CompletableFuture<Void> done = connection.writeData(1, Unpooled.wrappedBuffer(new byte[50_000]), true);
    assertEquals(List.of(1000), readData(1000));
    assertNothingMoreBeforePingAck();
    send(Http2.WINDOW_UPDATE, 0, 1, "0000bf68"); // 49000 more on the stream; the connection still has 64535
    assertEquals(List.of(20_000, 20_000, 9_000), readData(49_000));
    done.get(20, TimeUnit.SECONDS);
  }

  @Test
  void outboundDataRespectsConnectionWindow() throws Exception {
    send(Http2.SETTINGS, 0, 0, "0004 00989680"); // 10 MB stream window; the connection window stays 65535
    assertEquals(Http2.SETTINGS, read().type());
    CompletableFuture<Void> done = connection.writeData(1, Unpooled.wrappedBuffer(new byte[100_000]), false);
    assertEquals(List.of(16_384, 16_384, 16_384, 16_383), readData(65_535));
    assertNothingMoreBeforePingAck();
    send(Http2.WINDOW_UPDATE, 0, 0, "000086a1"); // 34465: exactly the rest
    readData(34_465);
    done.get(20, TimeUnit.SECONDS);
  }

  @Test
  void shrinkingInitialWindowMakesOpenStreamsWaitUntilPositive() throws Exception {
    send(Http2.SETTINGS, 0, 0, "0004 000007d0"); // 2000
    assertEquals(Http2.SETTINGS, read().type());
    connection.writeData(1, Unpooled.wrappedBuffer(new byte[1500]), false);
    readData(1500); // 500 left
    send(Http2.SETTINGS, 0, 0, "0004 00000064"); // 100: the stream window drops by 1900 to -1400
    assertEquals(Http2.SETTINGS, read().type());
    CompletableFuture<Void> more = connection.writeData(1, Unpooled.wrappedBuffer(new byte[300]), false);
    send(Http2.WINDOW_UPDATE, 0, 1, "00000578"); // +1400: back to 0, still nothing may be sent
    assertNothingMoreBeforePingAck();
    send(Http2.WINDOW_UPDATE, 0, 1, "0000012c"); // +300
    readData(300);
    more.get(20, TimeUnit.SECONDS);
  }

  @Test
  void inboundDataBeyondTheGrantedWindowIsAFlowControlError() throws Exception {
    connection.writeSettings(Http2Settings.remoteXpc(1000));
    Frame settings = read();
    assertEquals(Http2.SETTINGS, settings.type());
    send(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, "");
    send(Http2.DATA, 0, 1, "00".repeat(1500));
    Frame goAway = read();
    assertEquals(Http2.GOAWAY, goAway.type());
    assertEquals(Http2.FLOW_CONTROL_ERROR, goAway.payload()[7]);
    Throwable cause = closed.get(20, TimeUnit.SECONDS);
    Http2ProtocolException e = assertInstanceOf(Http2ProtocolException.class, cause);
    assertTrue(e.getMessage().startsWith("DATA: 1500 bytes exceed stream 1's window by 500"), e.getMessage());
    assertEquals(9, e.offset()); // the peer's HEADERS (9 bytes) came first
  }

  @Test
  void queuedWritesFailWhenThePeerCloses() throws Exception {
    send(Http2.SETTINGS, 0, 0, "0004 00000000"); // a zero window: DATA must wait
    assertEquals(Http2.SETTINGS, read().type());
    CompletableFuture<Void> stuck = connection.writeData(1, Unpooled.wrappedBuffer(new byte[10]), false);
    peer.close();
    assertInstanceOf(IOException.class,
        org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
            () -> stuck.get(20, TimeUnit.SECONDS)).getCause());
    closed.get(20, TimeUnit.SECONDS);
  }
}
