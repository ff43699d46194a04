package dtxkit.runtime.rsd.server;

import static dtxkit.runtime.rsd.server.RawFrames.concat;
import static dtxkit.runtime.rsd.server.RawFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.http2.Http2;
import dtxkit.runtime.http2.Http2Connection;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.client.RsdClientServerTest;
import dtxkit.runtime.xpc.XpcCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 item 3, XPC side: what the server holds for incomplete messages is proportional to the bytes received
 * (1-byte DATA frames once cost a buffer each: 30 MB on the wire became 443 MB of heap) and bounded per connection
 * and across connections; a connection over budget fails alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RsdServerBufferBudgetTest {

  /** An XPC wrapper header announcing a {@code bodyBytes} body. */
  private static byte[] wrapperHeader(long bodyBytes) {
    ByteBuffer b = ByteBuffer.allocate(XpcCodec.WRAPPER_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(XpcCodec.WRAPPER_MAGIC).putInt(1).putLong(bodyBytes).putLong(0);
    return b.array();
  }

  /** Opens stream 1 after the preface and SETTINGS, and drains whatever the server answers in the background. */
  private static Socket open(RsdServer server) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(20_000);
    s.getOutputStream().write(concat(Http2.PREFACE, RsdServerFrameOrderTest.SETTINGS_1MIB,
        frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, new byte[0])));
    Thread drain = new Thread(() -> {
      try (InputStream in = s.getInputStream()) {
        byte[] buf = new byte[8192];
        while (in.read(buf) >= 0) {
          // discard
        }
      } catch (IOException closed) {
        // The test closed the socket, or the server did.
      }
    });
    drain.setDaemon(true);
    drain.start();
    return s;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what);
      }
      Thread.sleep(5);
    }
  }

  /** DATA frames on stream 1 carrying {@code bytes}, {@code perFrame} bytes each. */
  private static byte[] dataFrames(byte[] bytes, int perFrame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < bytes.length; i += perFrame) {
      byte[] part = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + perFrame));
      out.writeBytes(frame(Http2.DATA, 0, 1, part));
    }
    return out.toByteArray();
  }

  @Test
  void oneByteDataFramesCostMemoryProportionalToTheBytes() throws Exception {
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build()).start();
        Socket s = open(server)) {
      int body = 100_000;
      byte[] message = concat(wrapperHeader(1 << 20), new byte[body]);
      OutputStream out = s.getOutputStream();
      out.write(dataFrames(message, 1));
      out.flush();
      int received = message.length;
      waitFor(() -> server.bufferedBytes() >= received, "the server buffered the " + received + " bytes");
      long held = server.bufferedBytes();
      assertTrue(held <= 2L * received, "held " + held + " bytes for " + received + " received");
    }
  }

  @Test
  void aConnectionOverItsBudgetOrTheServersFailsAloneAndEverythingIsGivenBack() throws Exception {
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build())
        .bufferBudget(128 * 1024, 160 * 1024).start()) {
      byte[] part = concat(wrapperHeader(1 << 20), new byte[60 * 1024]); // about 64 KiB held
      try (Socket a = open(server); Socket b = open(server); Socket c = open(server); Socket d = open(server)) {
        a.getOutputStream().write(dataFrames(part, 16 * 1024));
        waitFor(() -> server.bufferedBytes() >= 64 * 1024, "A's bytes are held");
        b.getOutputStream().write(dataFrames(part, 16 * 1024));
        waitFor(() -> server.bufferedBytes() >= 128 * 1024, "B's bytes are held");
        // The four were connected, but the accept loop may not have taken D yet on a busy machine.
        waitFor(() -> server.openConnections() == 4, "the four connections are open");
        // C would take the server past 160 KiB: C fails, A and B keep their bytes.
        c.getOutputStream().write(dataFrames(part, 16 * 1024));
        waitFor(() -> server.openConnections() == 3, "C was closed");
        assertEquals(128 * 1024, server.bufferedBytes());
        // A asking for more than is left fails too.
        a.getOutputStream().write(dataFrames(new byte[80 * 1024], 16 * 1024));
        waitFor(() -> server.openConnections() == 2, "A was closed");
        assertEquals(64 * 1024, server.bufferedBytes(), "A's bytes were given back");
        try (RsdClient client = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
          assertEquals("iPhone15,2", client.peerInfo().productType());
        }
      }
      waitFor(() -> server.bufferedBytes() == 0, "every connection gave its bytes back: " + server.bufferedBytes());
    }
  }

  /**
   * Item 4, XPC side: a client that sends the start of an XPC message (in whole HTTP/2 frames, so the frame timeout
   * does not apply) and never the rest is dropped after the message timeout, and the buffer it made the server hold
   * is given back; a client that finishes its messages in time is served as before.
   */
  @Test
  void aMessageStartedAndNeverFinishedIsTimedOutAndItsBufferReleased() throws Exception {
    Duration timeout = Duration.ofMillis(400);
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build())
        .http2Options(Http2Connection.Options.SERVER_DEFAULT.withMessageTimeout(timeout)).start()) {
      try (Socket s = open(server)) {
        byte[] start = concat(wrapperHeader(1 << 20), new byte[32 * 1024]);
        s.getOutputStream().write(dataFrames(start, 16 * 1024));
        s.getOutputStream().flush();
        waitFor(() -> server.bufferedBytes() >= start.length, "the server buffered the start of the message");
        long heldSince = System.nanoTime();
        waitFor(() -> server.openConnections() == 0, "the connection was dropped");
        assertTrue(System.nanoTime() - heldSince >= timeout.toNanos() / 2, "dropped only after the timeout");
        waitFor(() -> server.bufferedBytes() == 0, "its buffer was given back: " + server.bufferedBytes());
      }
      try (RsdClient client = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
        assertEquals("iPhone15,2", client.peerInfo().productType());
      }
    }
  }
}
