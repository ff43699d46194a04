package dtxkit.runtime.rsd.server;

import static dtxkit.runtime.rsd.server.RawFrames.concat;
import static dtxkit.runtime.rsd.server.RawFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.http2.Http2;
import dtxkit.runtime.http2.Http2Connection;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.client.RsdClientServerTest;
import dtxkit.runtime.xpc.XpcDictionary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 items 3 and 4 on the RSD/HTTP/2 side, from the reproductions: a client that floods SETTINGS and PING
 * without reading, a slowloris, and a silent (half-open) peer are each cut off; the server keeps serving others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RsdServerHostilePeerTest {

  private static final byte[] SETTINGS_EMPTY = frame(Http2.SETTINGS, 0, 0, new byte[0]);
  private static final byte[] PING = frame(Http2.PING, 0, 0, new byte[8]);

  private static RsdServer start(Http2Connection.Options options) throws IOException {
    return RsdServer.builder(RsdClientServerTest.device().build()).http2Options(options).start();
  }

  private static Socket connect(RsdServer server, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
    s.setSoTimeout(10_000);
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

  /** Reads (and drops) what the server sent until it closes; fails on a 10 s silence. */
  private static void readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // discard
      }
    } catch (java.net.SocketException reset) {
      // Closed by the server.
    }
  }

  private static void assertStillServes(RsdServer server) throws IOException {
    try (RsdClient c = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
      assertEquals("iPhone15,2", c.peerInfo().productType());
    }
  }

  /**
   * Found by the {@code rsdServer} fuzz target (docs/fuzzing.md, finding 19): a client that sets a zero initial window
   * and then breaks the protocol. The server's handshake replies wait for a window the client never gives, and the
   * GOAWAY used to wait behind them: the server gave up on it after 2 s and closed without it.
   */
  @Test
  void theGoAwayIsNotHeldBehindDataThatAZeroWindowBlocks() throws Exception {
    byte[] zeroWindow = frame(Http2.SETTINGS, 0, 0, RawFrames.hex("0003 00000064 0004 00000000"));
    byte[] badXpc = frame(Http2.DATA, 0, 1, RawFrames.hex("deadbeef 00000000 0000000000000000 0000000000000000"));
    byte[] client = concat(RsdServerFrameOrderTest.PREFACE, zeroWindow, RsdServerFrameOrderTest.HEADERS_1,
        RsdServerFrameOrderTest.DATA_1_EMPTY_DICT, RsdServerFrameOrderTest.SETTINGS_ACK,
        RsdServerFrameOrderTest.HEADERS_3, RsdServerFrameOrderTest.DATA_1_VERSION_FLAGS,
        RsdServerFrameOrderTest.DATA_3_INIT_HANDSHAKE, badXpc);
    try (RsdServer server = start(Http2Connection.Options.SERVER_DEFAULT);
        Socket s = connect(server, 64 * 1024)) {
      s.getOutputStream().write(client);
      s.getOutputStream().flush();
      byte[] got = s.getInputStream().readAllBytes();
      List<Integer> types = new ArrayList<>();
      int at = 0;
      while (at + Http2.FRAME_HEADER_BYTES <= got.length) {
        int length = (got[at] & 0xFF) << 16 | (got[at + 1] & 0xFF) << 8 | got[at + 2] & 0xFF;
        types.add(got[at + 3] & 0xFF);
        at += Http2.FRAME_HEADER_BYTES + length;
      }
      assertEquals(got.length, at, "whole frames");
      assertTrue(types.contains(Http2.GOAWAY), "the server's frames before it closed: " + types);
      assertTrue(!types.contains(Http2.DATA), "no DATA went out in a zero window: " + types);
    }
  }

  @Test
  void aClientFloodingSettingsAndPingsWithoutReadingIsCutOffNotBuffered() throws Exception {
    // Small bounds so that the test is quick; the defaults are 4 MiB and 30 s.
    Http2Connection.Options options = Http2Connection.Options.SERVER_DEFAULT.withMaxQueuedBytes(64 * 1024)
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30));
    try (RsdServer server = start(options); Socket s = connect(server, 4096)) {
      OutputStream out = s.getOutputStream();
      byte[] burst = concat(SETTINGS_EMPTY, PING, SETTINGS_EMPTY, PING);
      byte[] block = new byte[burst.length * 1024];
      for (int i = 0; i < 1024; i++) {
        System.arraycopy(burst, 0, block, i * burst.length, burst.length);
      }
      out.write(concat(Http2.PREFACE, RsdServerFrameOrderTest.SETTINGS_1MIB));
      long sent = 0;
      // Each burst asks for 52 bytes of answers (two SETTINGS ACKs, two PING ACKs). 200 MB of answers unbounded;
      // the server must stop us long before.
      IOException cutOff = assertThrows(IOException.class, () -> {
        for (int i = 0; i < 20_000; i++) {
          out.write(block);
        }
      });
      assertTrue(cutOff instanceof java.net.SocketException, cutOff.toString());
      waitFor(() -> server.openConnections() == 0, "the flooding connection was closed");
      assertStillServes(server);
    }
  }

  @Test
  void aSlowlorisFrameIsCutOffAfterTheFrameTimeout() throws Exception {
    Http2Connection.Options options = Http2Connection.Options.SERVER_DEFAULT
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(400));
    try (RsdServer server = start(options); Socket s = connect(server, 0)) {
      OutputStream out = s.getOutputStream();
      out.write(concat(Http2.PREFACE, RsdServerFrameOrderTest.SETTINGS_1MIB));
      byte[] ping = PING;
      long began = System.nanoTime();
      IOException e = assertThrows(IOException.class, () -> {
        // One byte every 50 ms: a 17-byte PING would take 850 ms, more than the 400 ms allowed per frame.
        for (int round = 0; round < 100; round++) {
          for (byte b : ping) {
            out.write(b);
            out.flush();
            Thread.sleep(50);
          }
        }
      });
      assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(15), "cut off, not held: " + e);
      readUntilClosed(s);
      waitFor(() -> server.openConnections() == 0, "the slow connection was closed");
      assertStillServes(server);
    }
  }

  @Test
  void aSilentPeerIsCutOffAfterAnUnansweredPingButAnIdleRealClientIsNot() throws Exception {
    Http2Connection.Options options = Http2Connection.Options.SERVER_DEFAULT
        .withPing(Duration.ofMillis(300), Duration.ofMillis(300));
    try (RsdServer server = start(options);
        RsdClient idle = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS);
        Socket s = connect(server, 0)) {
      s.getOutputStream().write(concat(Http2.PREFACE, RsdServerFrameOrderTest.SETTINGS_1MIB));
      // The raw peer never answers the server's PING: it reads until the server hangs up.
      readUntilClosed(s);
      waitFor(() -> server.openConnections() == 1, "only the silent connection was closed");
      Thread.sleep(1_000); // several ping intervals: the real client answers each PING and stays connected
      assertEquals(1, server.openConnections(), "an idle client that answers PINGs is kept");
      assertEquals("iPhone15,2", idle.peerInfo().productType());
    }
  }

  @Test
  void aPeerCannotFillTheLogWithPerFrameLines() throws Exception {
    java.io.PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String prefix;
    try (RsdServer server = start(Http2Connection.Options.SERVER_DEFAULT)) {
      prefix = "rsd-server-" + server.port() + "#"; // this server's connections only, not other tests' leftovers
      System.setErr(new java.io.PrintStream(captured, true, "UTF-8"));
      try (Socket s = connect(server, 0)) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        frames.writeBytes(concat(Http2.PREFACE, RsdServerFrameOrderTest.SETTINGS_1MIB,
            frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, new byte[0])));
        for (int i = 0; i < 2_000; i++) {
          frames.writeBytes(frame(Http2.RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8}));
          frames.writeBytes(frame(Http2.DATA, 0, 5, new byte[0])); // a stream never opened
        }
        frames.writeBytes(frame(Http2.DATA, 0, 1, "not XPC at all, 24 bytes".getBytes(StandardCharsets.UTF_8)));
        s.getOutputStream().write(frames.toByteArray());
        readUntilClosed(s);
      }
      waitFor(() -> server.openConnections() == 0, "the connection was closed");
      assertEquals(2_000, server.streamResets());
      assertEquals(1, server.connectionsClosedOnError());
    } finally {
      System.setErr(original);
    }
    long lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(prefix)).count();
    assertTrue(lines <= 1, "at most one line for the failed connection, got " + lines + ":\n" + captured);
  }

  @Test
  void aClientWithTooManyRequestsWaitingIsCutOffAndTheOthersAreAnswered() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build()).resetRootAfterPeerInfo(false)
        .requestHandler(r -> {
          if (r.dictionary() != null && "block".equals(r.dictionary().getString("q"))) {
            release.await(20, TimeUnit.SECONDS);
          }
          return XpcDictionary.empty();
        }).start();
        RsdClient greedy = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS);
        RsdClient polite = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
      XpcDictionary block = XpcDictionary.builder().put("q", "block").build();
      java.util.List<java.util.concurrent.CompletableFuture<?>> replies = new java.util.ArrayList<>();
      for (int i = 0; i <= RsdServer.MAX_REQUESTS_IN_FLIGHT + RsdServer.REQUEST_THREADS; i++) {
        replies.add(greedy.xpc().request(block));
      }
      waitFor(() -> server.openConnections() == 1, "the greedy connection was closed");
      release.countDown();
      assertEquals(1, server.connectionsClosedOnError());
      polite.xpc().request(XpcDictionary.builder().put("q", "hello").build()).get(20, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
  }
}
