package dtxkit.runtime.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.tunnel.tcp.TcpSocket;
import dtxkit.runtime.tunnel.tcp.TcpStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The device side's {@link PortForwarder} under what a host can do to it through the tunnel: more connections than
 * it joins at once, a port whose kernel server is gone, a target lookup that fails, a connection reset half-way, and
 * its own close. Each time the forwarder refuses or ends that connection, counts it, and goes on joining others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PortForwarderTest {
  private static final int ECHO_PORT = 4000;
  private static final int DEAD_PORT = 4001;
  private static final int BROKEN_LOOKUP_PORT = 4002;
  private static final int MAX = 2;

  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "forwarder-test");
    t.setDaemon(true);
    return t;
  });
  private ServerSocket echo;
  private int deadKernelPort;
  private final List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
  private PortForwarder forwarder;
  private TcpStack deviceStack;
  private CoreDeviceTunnel tunnel;

  @BeforeEach
  void start() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::serveEcho);
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadKernelPort = s.getLocalPort();
    }
    IntFunction<InetSocketAddress> targets = port -> {
      switch (port) {
        case ECHO_PORT:
          return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
        case DEAD_PORT:
          return new InetSocketAddress(InetAddress.getLoopbackAddress(), deadKernelPort);
        default:
          throw new IllegalStateException("no target for " + port);
      }
    };
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<TcpStack> device = CompletableFuture.supplyAsync(() -> {
      try {
        return CoreDeviceTunnel.serve(pair.b(), CoreDeviceTunnelTest.parameters(ECHO_PORT),
            CoreDeviceTunnel.Options.DEFAULT, stack -> forwarder = new PortForwarder(
                stack.listen(p -> p == ECHO_PORT || p == DEAD_PORT || p == BROKEN_LOOKUP_PORT), targets, MAX));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, threads);
    tunnel = CoreDeviceTunnel.open(pair.a(), CoreDeviceTunnel.Options.DEFAULT);
    deviceStack = device.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (tunnel != null) {
      tunnel.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (deviceStack != null) {
      deviceStack.close();
    }
    echo.close();
    for (Socket s : accepted) {
      s.close();
    }
    threads.shutdownNow();
  }

  /** Echoes every connection, each on a thread of its own, until the peer's end. */
  private void serveEcho() {
    while (!echo.isClosed()) {
      Socket s;
      try {
        s = echo.accept();
      } catch (IOException closed) {
        return;
      }
      accepted.add(s);
      threads.execute(() -> {
        try (s) {
          s.getInputStream().transferTo(s.getOutputStream());
          s.shutdownOutput();
        } catch (IOException e) {
          // Reset by the forwarder: the other end went away.
        }
      });
    }
  }

  private TcpSocket connect(int port) throws IOException {
    return tunnel.stack().connect(tunnel.parameters().serverAddress(), port, Duration.ofSeconds(10));
  }

  private static byte[] echoed(TcpSocket s, byte[] data) throws Exception {
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write(data);
    out.flush();
    return s.getInputStream().readNBytes(data.length);
  }

  /** Whether the host's end of {@code s} sees its connection end (EOF or a reset) within 10 s. */
  private static boolean ends(TcpSocket s) {
    try {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // Drain.
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /**
   * Whether a connection to {@code port} is ended without being served: reset while connecting (the reset can beat
   * the host's view of the handshake) or right after.
   */
  private boolean refused(int port) {
    TcpSocket s;
    try {
      s = connect(port);
    } catch (IOException reset) {
      return true;
    }
    try {
      return ends(s);
    } finally {
      s.close();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void bytesGoBothWaysOnSeveralConnectionsAtOnce() throws Exception {
    byte[] data = new byte[300_000];
    new Random(3).nextBytes(data);
    try (TcpSocket a = connect(ECHO_PORT); TcpSocket b = connect(ECHO_PORT)) {
      CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> {
        try {
          return echoed(a, data);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, threads);
      assertArrayEquals(data, echoed(b, data));
      assertArrayEquals(data, first.get(20, TimeUnit.SECONDS));
      assertEquals(MAX, forwarder.openConnections());
    }
    await(() -> forwarder.openConnections() == 0, "both joined connections end after the host closes them");
    assertEquals(0, forwarder.failedConnections());
  }

  @Test
  void aConnectionBeyondTheCapIsResetAndCountedWhileTheOthersGoOn() throws Exception {
    TcpSocket a = connect(ECHO_PORT);
    TcpSocket b = connect(ECHO_PORT);
    assertArrayEquals(new byte[] {1}, echoed(a, new byte[] {1}));
    assertArrayEquals(new byte[] {2}, echoed(b, new byte[] {2}));
    assertTrue(refused(ECHO_PORT), "the third connection is ended, not served");
    assertEquals(1, forwarder.failedConnections());
    assertArrayEquals(new byte[] {3}, echoed(a, new byte[] {3}), "the joined ones are untouched");
    a.close();
    await(() -> forwarder.openConnections() < MAX, "a place frees when a joined connection ends");
    try (TcpSocket again = connect(ECHO_PORT)) {
      assertArrayEquals(new byte[] {4}, echoed(again, new byte[] {4}));
    }
    b.close();
  }

  @Test
  void aPortWhoseServerIsGoneOrWhoseLookupFailsEndsThatConnectionOnly() throws Exception {
    assertTrue(refused(DEAD_PORT), "the kernel port refused: the tunnel connection is reset");
    assertTrue(refused(BROKEN_LOOKUP_PORT), "the target lookup threw: the tunnel connection is reset");
    assertEquals(2, forwarder.failedConnections());
    try (TcpSocket fine = connect(ECHO_PORT)) {
      assertArrayEquals(new byte[] {5, 6}, echoed(fine, new byte[] {5, 6}), "the forwarder still accepts");
    }
  }

  @Test
  void aHostThatResetsHalfWayFreesBothEnds() throws Exception {
    TcpSocket s = connect(ECHO_PORT);
    assertArrayEquals(new byte[] {7}, echoed(s, new byte[] {7}));
    await(() -> accepted.size() == 1, "the kernel side accepted");
    s.getOutputStream().write(new byte[100_000]);
    s.abort();
    await(() -> forwarder.openConnections() == 0, "the forwarder drops the reset connection");
    // The echo thread closes its socket once its read ends (EOF or reset from the forwarder's close).
    await(() -> accepted.get(0).isClosed(), "the kernel side is closed too");
  }

  @Test
  void closingTheForwarderEndsEveryJoinedConnection() throws Exception {
    TcpSocket a = connect(ECHO_PORT);
    TcpSocket b = connect(ECHO_PORT);
    assertArrayEquals(new byte[] {8}, echoed(a, new byte[] {8}));
    assertArrayEquals(new byte[] {9}, echoed(b, new byte[] {9}));
    forwarder.close();
    assertEquals(0, forwarder.openConnections());
    assertTrue(ends(a));
    assertTrue(ends(b));
    a.close();
    b.close();
  }
}
