package dtxkit.runtime.tunnel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** The userspace TCP against itself over an in-memory packet pipe, with faults injected between the two. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpStackTest {
  static final Inet6Address HOST = v6("fd00:1::2");
  static final Inet6Address DEVICE = v6("fd00:1::1");
  static final TcpOptions FAST = TcpOptions.DEFAULT.withRetransmission(Duration.ofMillis(200),
      Duration.ofMillis(200), Duration.ofSeconds(2), 12).withBuffers(1 << 20, 1 << 20);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-test");
    t.setDaemon(true);
    return t;
  });

  static Inet6Address v6(String s) {
    try {
      return (Inet6Address) InetAddress.getByName(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    pool.shutdownNow();
  }

  /** A host stack and a device stack joined by a pipe. */
  record Pair(TcpStack host, TcpStack device, PacketPipe pipe) {}

  Pair pair(PacketPipe.Faults faults, TcpOptions host, TcpOptions device) {
    return pair(faults, false, host, device);
  }

  /** With {@code neverBlock}, links that drop instead of waiting and say so: the stacks' readers write ACKs. */
  Pair pair(PacketPipe.Faults faults, boolean neverBlock, TcpOptions host, TcpOptions device) {
    PacketPipe pipe = new PacketPipe(faults, neverBlock);
    TcpStack h = TcpStack.start(pipe.a, HOST, host);
    TcpStack d = TcpStack.start(pipe.b, DEVICE, device);
    closing.add(h);
    closing.add(d);
    return new Pair(h, d, pipe);
  }

  /** Echoes every connection the listener accepts until EOF, then closes it. */
  void echo(TcpStack.Listener listener) {
    pool.submit(() -> {
      while (true) {
        Socket s = listener.accept(Duration.ofSeconds(60));
        if (s == null) {
          return null;
        }
        pool.submit(() -> {
          try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[7000];
            for (int n; (n = in.read(buf)) > 0; ) {
              out.write(buf, 0, n);
            }
            s.shutdownOutput();
          }
          return null;
        });
      }
    });
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Writes {@code data} on one thread, reads the echo on this one; the echo must be the same bytes. */
  void roundTrip(Socket s, byte[] data) throws Exception {
    Future<?> writing = pool.submit(() -> {
      OutputStream out = s.getOutputStream();
      Random r = new Random(data.length);
      for (int off = 0; off < data.length; ) {
        int n = Math.min(data.length - off, 1 + r.nextInt(20_000));
        out.write(data, off, n);
        off += n;
      }
      s.shutdownOutput();
      return null;
    });
    byte[] back = s.getInputStream().readAllBytes();
    writing.get(60, TimeUnit.SECONDS);
    assertEquals(data.length, back.length);
    assertArrayEquals(data, back);
  }

  @ParameterizedTest(name = "writesNeverBlock={0}")
  @ValueSource(booleans = {false, true})
  void echoesMegabytesOnACleanLink(boolean neverBlock) throws Exception {
    Pair p = pair(PacketPipe.Faults.NONE, neverBlock, FAST, FAST);
    echo(p.device.listen(port -> port == 7777));
    try (Socket s = p.host.connect(DEVICE, 7777, Duration.ofSeconds(10))) {
      roundTrip(s, random(3 << 20, 1));
    }
    assertEquals(0, p.host.stats().malformed());
  }

  @ParameterizedTest(name = "writesNeverBlock={0}")
  @ValueSource(booleans = {false, true})
  void everyByteArrivesInOrderDespiteLossDuplicationAndReordering(boolean neverBlock) throws Exception {
    Pair p = pair(new PacketPipe.Faults(0.03, 0.02, 0.05, 8 * 1024, 42), neverBlock, FAST, FAST);
    echo(p.device.listen(port -> port == 7777 || port == 7778));
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      runs.add(pool.submit(() -> {
        try (Socket s = p.host.connect(DEVICE, 7777 + (n % 2), Duration.ofSeconds(10))) {
          roundTrip(s, random((256 << 10) + n * 1000, n));
        }
        return null;
      }));
    }
    for (Future<?> f : runs) {
      f.get(100, TimeUnit.SECONDS);
    }
    assertTrue(p.pipe.dropped.get() > 0, "some packets were dropped");
    assertTrue(p.host.stats().retransmissions() + p.device.stats().retransmissions() > 0);
    awaitNoConnections(p.host);
  }

  @Test
  void aPortNobodyListensOnRefuses() {
    Pair p = pair(PacketPipe.Faults.NONE, FAST, FAST);
    ConnectException e = assertThrows(ConnectException.class,
        () -> p.host.connect(DEVICE, 9, Duration.ofSeconds(10)));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }

  @Test
  void aSilentPeerTimesTheConnectOut() {
    Pair p = pair(PacketPipe.Faults.NONE, FAST, FAST);
    p.pipe.blackhole = true;
    long start = System.nanoTime();
    assertThrows(SocketTimeoutException.class, () -> p.host.connect(DEVICE, 7777, Duration.ofMillis(700)));
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
    assertEquals(0, p.host.stats().connections());
  }

  @Test
  void finEndsTheStreamAndCloseWithUnreadDataResets() throws Exception {
    Pair p = pair(PacketPipe.Faults.NONE, FAST, FAST);
    TcpStack.Listener l = p.device.listen(port -> port == 80);
    Socket client = p.host.connect(DEVICE, 80, Duration.ofSeconds(10));
    Socket server = l.accept(Duration.ofSeconds(10));
    assertNotNull(server);
    server.getOutputStream().write("bye".getBytes());
    server.shutdownOutput();
    assertArrayEquals("bye".getBytes(), client.getInputStream().readAllBytes());
    // The client has data it never reads on the server side: closing the server resets the client.
    client.getOutputStream().write(new byte[100]);
    awaitAvailable(server, 100);
    server.close();
    SocketException e = assertThrows(SocketException.class, () -> {
      for (int i = 0; i < 1000; i++) {
        client.getOutputStream().write(new byte[10]);
        Thread.sleep(10);
      }
    });
    assertTrue(e.getMessage().contains("reset"), e.getMessage());
    client.close();
    awaitNoConnections(p.host);
  }

  @Test
  void aReaderThatStopsClosesTheWindowAndTheSenderWaitsThenCatchesUp() throws Exception {
    TcpOptions small = FAST.withBuffers(64 * 1024, 64 * 1024);
    Pair p = pair(PacketPipe.Faults.NONE, small, small);
    TcpStack.Listener l = p.device.listen(port -> port == 80);
    Socket client = p.host.connect(DEVICE, 80, Duration.ofSeconds(10));
    Socket server = l.accept(Duration.ofSeconds(10));
    byte[] data = random(1 << 20, 3);
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
      try {
        client.getOutputStream().write(data);
        client.shutdownOutput();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, pool);
    Thread.sleep(600);
    assertTrue(!writing.isDone(), "the writer waits for the window");
    assertTrue(server.getInputStream().available() <= 64 * 1024);
    byte[] got = server.getInputStream().readAllBytes();
    writing.get(30, TimeUnit.SECONDS);
    assertArrayEquals(data, got);
    client.close();
    server.close();
  }

  @Test
  void aPeerThatVanishesFailsTheConnectionByRetransmissionAndByKeepalive() throws Exception {
    TcpOptions quick = FAST.withRetransmission(Duration.ofMillis(200), Duration.ofMillis(200),
        Duration.ofMillis(400), 3).withKeepalive(Duration.ofMillis(300), Duration.ofMillis(100), 3);
    Pair p = pair(PacketPipe.Faults.NONE, quick, quick);
    TcpStack.Listener l = p.device.listen(port -> port == 80);
    Socket writer = p.host.connect(DEVICE, 80, Duration.ofSeconds(10));
    Socket idle = p.host.connect(DEVICE, 80, Duration.ofSeconds(10));
    assertNotNull(l.accept(Duration.ofSeconds(10)));
    assertNotNull(l.accept(Duration.ofSeconds(10)));
    p.pipe.blackhole = true;
    writer.getOutputStream().write(new byte[5000]);
    IOException e = assertThrows(IOException.class, () -> writer.getInputStream().read());
    assertTrue(e.getMessage().contains("retransmissions"), e.getMessage());
    IOException k = assertThrows(IOException.class, () -> idle.getInputStream().read());
    assertTrue(k.getMessage().contains("keepalive"), k.getMessage());
  }

  @Test
  void optionsOfTheHandshake() throws Exception {
    Pair p = pair(PacketPipe.Faults.NONE, FAST.withMss(1000), FAST);
    TcpStack.Listener l = p.device.listen(port -> port == 80);
    Socket client = p.host.connect(DEVICE, 80, Duration.ofSeconds(10));
    Socket server = l.accept(Duration.ofSeconds(10));
    assertEquals(80, client.getPort());
    assertEquals(80, server.getLocalPort());
    assertEquals(client.getLocalPort(), server.getPort());
    assertEquals(HOST, server.getInetAddress());
    client.getOutputStream().write(new byte[5000]);
    server.getInputStream().readNBytes(5000);
    client.close();
    server.close();
  }

  static void awaitAvailable(Socket s, int n) throws Exception {
    for (int i = 0; i < 500 && s.getInputStream().available() < n; i++) {
      Thread.sleep(10);
    }
    assertEquals(n, s.getInputStream().available());
  }

  static void awaitNoConnections(TcpStack stack) throws InterruptedException {
    for (int i = 0; i < 1000 && stack.stats().connections() > 0; i++) {
      Thread.sleep(10);
    }
    assertEquals(0, stack.stats().connections(), "connections left: " + stack.stats());
    assertEquals(0, stack.bufferedArrayBytes());
  }
}
