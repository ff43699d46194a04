package dtxkit.runtime.tunnel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.tunnel.Ipv6PacketStream;
import dtxkit.runtime.tunnel.TunDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The second, independent check of the userspace TCP: Linux's own TCP plays the device through a TUN device, with
 * loss, reordering, duplication and packets over 8 KiB dropped on the way, and the tunnel's byte stream split and
 * merged at random (the packets travel framed as CoreDeviceProxy frames them). Every byte must arrive, in order,
 * and DTX calls must keep working. Packets the kernel produced are written to {@code target/kernel-tcp} (the
 * fixtures under {@code fixtures/kernel-tcp} came from there).
 *
 * <p>Skipped, saying why, where a TUN device cannot be made (not Linux, no {@code /dev/net/tun}, no CAP_NET_ADMIN,
 * no {@code ip}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KernelTunTest {
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kernel-tun-test");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, byte[]> recorded = new ConcurrentHashMap<>();

  @BeforeAll
  static void tunAvailable() {
    String reason = TunDevice.unavailableReason();
    assumeTrue(reason == null, "skipped: no kernel TUN device to test the userspace TCP against: " + reason);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    pool.shutdownNow();
  }

  /** A random ULA /64: the kernel is ::1, the userspace stack ::2. */
  static Inet6Address[] addresses() throws IOException {
    byte[] a = new byte[16];
    new SecureRandom().nextBytes(a);
    a[0] = (byte) 0xfd;
    for (int i = 8; i < 16; i++) {
      a[i] = 0;
    }
    a[15] = 1;
    Inet6Address kernel = (Inet6Address) InetAddress.getByAddress(a);
    a[15] = 2;
    return new Inet6Address[] {kernel, (Inet6Address) InetAddress.getByAddress(a)};
  }

  /**
   * The userspace stack at {@code host}, its packets framed on a byte stream whose writes are split at random,
   * unframed by a bridge that injects the faults on the way to and from the TUN device.
   */
  TcpStack stackThroughTun(Inet6Address kernel, Inet6Address host, FaultInjector toKernel,
      FaultInjector fromKernel, TcpOptions options) throws IOException {
    TunDevice tun = TunDevice.open(kernel, 64, 16000);
    closing.add(tun);
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    Random split = new Random(11);
    OutputStream chopping = new OutputStream() {
      final OutputStream out = pair.a().output();

      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
          int n = Math.min(len, 1 + split.nextInt(3000));
          out.write(b, off, n);
          out.flush();
          off += n;
          len -= n;
        }
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
    Ipv6PacketStream hostLink = new Ipv6PacketStream(pair.a().input(), chopping, pair.a(), 16000, 0, "host side");
    Ipv6PacketStream bridge = new Ipv6PacketStream(pair.b().input(), pair.b().output(), pair.b(), 16000, 0,
        "bridge");
    TcpStack stack = TcpStack.start(hostLink, host, options);
    closing.add(0, stack);
    pool.submit(() -> {
      for (byte[] p; (p = bridge.read()) != null; ) {
        for (byte[] q : toKernel.apply(p)) {
          tun.write(q, 0, q.length);
        }
      }
      return null;
    });
    pool.submit(() -> {
      for (byte[] p; (p = tun.read()) != null; ) {
        record(p);
        for (byte[] q : fromKernel.apply(p)) {
          bridge.write(q, 0, q.length);
        }
        bridge.flush();
      }
      return null;
    });
    return stack;
  }

  /** Keeps the first kernel packet of a few kinds, for the fixtures. */
  private void record(byte[] p) {
    if (TcpSegment.nextHeader(p) != TcpSegment.PROTOCOL_TCP) {
      return;
    }
    try {
      TcpSegment s = TcpSegment.parse(p);
      String kind = s.has(TcpSegment.SYN | TcpSegment.ACK) ? "syn-ack"
          : s.has(TcpSegment.RST) ? "rst"
          : s.has(TcpSegment.FIN) ? "fin-ack"
          : s.payloadLength() > 1000 ? "data-full"
          : s.payloadLength() > 0 ? "data-small"
          : "ack";
      recorded.putIfAbsent(kind, p);
    } catch (TcpSegmentException e) {
      recorded.putIfAbsent("malformed", p);
    }
  }

  private void writeFixtures() throws IOException {
    Path dir = Path.of("target", "kernel-tcp");
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : recorded.entrySet()) {
      Files.writeString(dir.resolve(e.getKey() + ".hex"), HexFormat.of().formatHex(e.getValue()) + "\n",
          StandardCharsets.US_ASCII);
    }
  }

  static TcpOptions options() {
    return TcpOptions.DEFAULT.withRetransmission(Duration.ofMillis(300), Duration.ofMillis(200),
        Duration.ofSeconds(3), 15);
  }

  @Test
  void everyByteArrivesInOrderThroughTheKernelDespiteTheFaults() throws Exception {
    Inet6Address[] a = addresses();
    FaultInjector toKernel = new FaultInjector(0.02, 0.01, 0.03, 8 * 1024, 1);
    FaultInjector fromKernel = new FaultInjector(0.02, 0.01, 0.03, 8 * 1024, 2);
    TcpStack stack = stackThroughTun(a[0], a[1], toKernel, fromKernel, options());
    ServerSocket server = new ServerSocket();
    closing.add(server);
    server.bind(new InetSocketAddress(a[0], 0));
    pool.submit(() -> {
      while (true) {
        Socket s = server.accept();
        pool.submit(() -> {
          try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[10000];
            for (int n; (n = in.read(buf)) > 0; ) {
              out.write(buf, 0, n);
            }
            s.shutdownOutput();
          }
          return null;
        });
      }
    });
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      runs.add(pool.submit(() -> {
        try (Socket s = stack.connect(a[0], server.getLocalPort(), Duration.ofSeconds(10))) {
          byte[] data = new byte[(512 << 10) + n * 777];
          new Random(n).nextBytes(data);
          Future<?> writing = pool.submit(() -> {
            OutputStream out = s.getOutputStream();
            Random r = new Random(n);
            for (int off = 0; off < data.length; ) {
              int len = Math.min(data.length - off, 1 + r.nextInt(30000));
              out.write(data, off, len);
              off += len;
            }
            s.shutdownOutput();
            return null;
          });
          byte[] back = s.getInputStream().readAllBytes();
          writing.get(60, TimeUnit.SECONDS);
          assertEquals(data.length, back.length);
          assertArrayEquals(data, back);
        }
        return null;
      }));
    }
    for (Future<?> f : runs) {
      f.get(150, TimeUnit.SECONDS);
    }
    assertEquals(0, stack.stats().malformed(), "every kernel packet parsed, checksums included");
    assertTrue(toKernel.dropped.get() + fromKernel.dropped.get() > 0, "faults were injected");
    writeFixtures();
  }

  @Test
  void dtxCallsKeepWorkingThroughTheKernel() throws Exception {
    Inet6Address[] a = addresses();
    TcpStack stack = stackThroughTun(a[0], a[1], new FaultInjector(0.03, 0.02, 0.03, 8 * 1024, 3),
        new FaultInjector(0.03, 0.02, 0.03, 8 * 1024, 4), options());
    String echo = "dtxkit.test.echo";
    DtxServiceRegistry registry = new DtxServiceRegistry().register(echo, channel -> invocation ->
        invocation.arguments().get(0));
    DtxServer server = DtxServer.builder(registry).bindAddress(a[0]).start();
    closing.add(server);
    Socket socket = stack.connect(a[0], server.port(), Duration.ofSeconds(10));
    try (DtxConnection connection = DtxConnection.builder(DtxTransport.of(socket))
        .callTimeout(Duration.ofSeconds(30)).connect()) {
      DtxChannel channel = connection.openChannel(echo);
      for (int i = 0; i < 200; i++) {
        assertEquals("call " + i, channel.invoke("echo:", DtxArgument.object("call " + i)));
      }
      byte[] big = new byte[300_000];
      new Random(9).nextBytes(big);
      assertArrayEquals(big, (byte[]) channel.invoke("echo:", DtxArgument.object(big)));
    }
    assertEquals(0, stack.stats().malformed());
  }

  /**
   * The stack straight on the TUN device, as {@code TunnelBenchmark} runs it: the device's writes never block, so
   * the stack's reader writes ACKs itself (no faults here: the kernel is the other side, nothing in between).
   */
  @Test
  void theStackStraightOnTheTunDevice() throws Exception {
    Inet6Address[] a = addresses();
    TunDevice tun = TunDevice.open(a[0], 64, 16000);
    closing.add(tun);
    assertTrue(tun.writesNeverBlock());
    TcpStack stack = TcpStack.start(tun, a[1], options());
    closing.add(0, stack);
    String echo = "dtxkit.test.echo";
    DtxServiceRegistry registry = new DtxServiceRegistry().register(echo, channel -> invocation ->
        invocation.arguments().get(0));
    DtxServer server = DtxServer.builder(registry).bindAddress(a[0]).start();
    closing.add(server);
    Socket socket = stack.connect(a[0], server.port(), Duration.ofSeconds(10));
    try (DtxConnection connection = DtxConnection.builder(DtxTransport.of(socket))
        .callTimeout(Duration.ofSeconds(30)).connect()) {
      DtxChannel channel = connection.openChannel(echo);
      for (int i = 0; i < 500; i++) {
        assertEquals("call " + i, channel.invoke("echo:", DtxArgument.object("call " + i)));
      }
      byte[] big = new byte[3 << 20];
      new Random(10).nextBytes(big);
      assertArrayEquals(big, (byte[]) channel.invoke("echo:", DtxArgument.object(big)));
    }
    assertEquals(0, stack.stats().malformed());
  }
}
