package dtxkit.benchmarks;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.tunnel.TunDevice;
import dtxkit.runtime.tunnel.tcp.TcpOptions;
import dtxkit.runtime.tunnel.tcp.TcpStack;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The userspace TCP of CoreDeviceProxy's tunnel against Linux's TCP through a TUN device (the kernel plays the
 * device): 64 MiB to a kernel socket that collects them and acknowledges with one byte, against the same through a
 * plain loopback socket, in the same run (aim: at least half the raw bandwidth); and DTX round trips (16 bytes
 * echoed) through the tunnel against the same over loopback TCP. Two more baselines say where the copy's time goes:
 * {@code pipeCopy}, our stack at both ends with no kernel, and {@code tunRawPackets}, the same number of packets
 * into the kernel through the TUN device with no TCP at all.
 *
 * <p>Needs Linux, {@code /dev/net/tun}, iproute2's {@code ip} and root (or CAP_NET_ADMIN); the setup fails saying
 * so elsewhere. Run: {@code java -jar benchmarks/target/benchmarks.jar TunnelBenchmark}
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class TunnelBenchmark {
  static final int SIZE = 64 << 20;
  static final String ECHO = "dtxkit.bench.echo";

  private byte[] data;
  private final byte[] small = new byte[16];
  private TunDevice tun;
  private TcpStack stack;
  private ServerSocket tunnelSink;
  private ServerSocket loopbackSink;
  private Socket tunnelClient;
  private Socket loopbackClient;
  private DtxServer tunnelDtxServer;
  private DtxServer loopbackDtxServer;
  private DtxConnection tunnelDtx;
  private DtxConnection loopbackDtx;
  private DtxChannel tunnelEcho;
  private DtxChannel loopbackEcho;
  private TcpStack pipeHost;
  private TcpStack pipeDevice;
  private Socket pipeClient;
  private byte[] udpPacket;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String reason = TunDevice.unavailableReason();
    if (reason != null) {
      throw new IllegalStateException("TunnelBenchmark needs a TUN device: " + reason);
    }
    data = new byte[SIZE];
    byte[] a = new byte[16];
    new SecureRandom().nextBytes(a);
    a[0] = (byte) 0xfd;
    java.util.Arrays.fill(a, 8, 16, (byte) 0);
    a[15] = 1;
    Inet6Address kernel = (Inet6Address) InetAddress.getByAddress(a);
    a[15] = 2;
    Inet6Address host = (Inet6Address) InetAddress.getByAddress(a);
    tun = TunDevice.open(kernel, 64, 16000);
    stack = TcpStack.start(tun, host, TcpOptions.DEFAULT);

    tunnelSink = sink(new InetSocketAddress(kernel, 0));
    loopbackSink = sink(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    tunnelClient = stack.connect(kernel, tunnelSink.getLocalPort(), Duration.ofSeconds(10));
    loopbackClient = new Socket(InetAddress.getLoopbackAddress(), loopbackSink.getLocalPort());
    loopbackClient.setTcpNoDelay(true);

    DtxServiceRegistry registry = new DtxServiceRegistry().register(ECHO, channel -> invocation ->
        invocation.arguments().get(0));
    tunnelDtxServer = DtxServer.builder(registry).bindAddress(kernel).start();
    loopbackDtxServer = DtxServer.builder(registry).start();
    tunnelDtx = DtxConnection.builder(DtxTransport.of(stack.connect(kernel, tunnelDtxServer.port(),
        Duration.ofSeconds(10)))).connect();
    loopbackDtx = DtxConnection.connect("127.0.0.1", loopbackDtxServer.port());
    tunnelEcho = tunnelDtx.openChannel(ECHO);
    loopbackEcho = loopbackDtx.openChannel(ECHO);

    MemoryPacketLink[] links = MemoryPacketLink.pair(4096);
    pipeHost = TcpStack.start(links[0], host, TcpOptions.DEFAULT);
    pipeDevice = TcpStack.start(links[1], kernel, TcpOptions.DEFAULT);
    TcpStack.Listener listener = pipeDevice.listen(port -> port == 1);
    Thread t = new Thread(() -> {
      try (Socket s = listener.accept(Duration.ofSeconds(30))) {
        collect(s);
      } catch (IOException | RuntimeException e) {
        // Closed by the benchmark.
      }
    }, "pipe-sink");
    t.setDaemon(true);
    t.start();
    pipeClient = pipeHost.connect(kernel, 1, Duration.ofSeconds(10));

    udpPacket = udpPacket(host, kernel, 9);
    udpPacket[47] ^= 1;   // a wrong checksum: the kernel drops the datagram after checking it
  }

  /**
   * One IPv6/UDP packet from {@code from} to {@code port} at {@code to}, as long as a full TCP segment of the
   * userspace TCP (40 + 20 + {@link TcpOptions#MAX_MSS} bytes), checksum included.
   */
  static byte[] udpPacket(Inet6Address from, Inet6Address to, int port) {
    int total = 40 + 20 + TcpOptions.MAX_MSS;
    int udpLength = total - 40;
    byte[] p = new byte[total];
    p[0] = 0x60;
    p[4] = (byte) (udpLength >>> 8);
    p[5] = (byte) udpLength;
    p[6] = 17;
    p[7] = 64;
    System.arraycopy(from.getAddress(), 0, p, 8, 16);
    System.arraycopy(to.getAddress(), 0, p, 24, 16);
    p[40] = (byte) 0xC0;
    p[41] = 0x01;
    p[42] = (byte) (port >>> 8);
    p[43] = (byte) port;
    p[44] = (byte) (udpLength >>> 8);
    p[45] = (byte) udpLength;
    long sum = udpLength + 17;
    for (int i = 8; i < total; i += 2) {
      sum += ((p[i] & 0xFF) << 8) | (i + 1 < total ? p[i + 1] & 0xFF : 0);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    int checksum = (int) (~sum & 0xFFFF);
    if (checksum == 0) {
      checksum = 0xFFFF;
    }
    p[46] = (byte) (checksum >>> 8);
    p[47] = (byte) checksum;
    return p;
  }

  /** A kernel socket that collects {@link #SIZE} bytes into one array, then acknowledges with one byte. */
  private static ServerSocket sink(InetSocketAddress address) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.bind(address);
    Thread t = new Thread(() -> {
      try (Socket s = listener.accept()) {
        collect(s);
      } catch (IOException e) {
        // Closed by the benchmark.
      }
    }, "sink-" + address);
    t.setDaemon(true);
    t.start();
    return listener;
  }

  /** Collects {@link #SIZE} bytes into one array and acknowledges with one byte, until the socket closes. */
  private static void collect(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    OutputStream out = s.getOutputStream();
    while (true) {
      byte[] whole = new byte[SIZE];
      in.readFully(whole);
      out.write(1);
      out.flush();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    tunnelDtx.close();
    loopbackDtx.close();
    tunnelDtxServer.close();
    loopbackDtxServer.close();
    tunnelClient.close();
    loopbackClient.close();
    tunnelSink.close();
    loopbackSink.close();
    pipeClient.close();
    pipeHost.close();
    pipeDevice.close();
    stack.close();
    tun.close();
  }

  private static int copy(Socket s, byte[] data) throws IOException {
    OutputStream out = s.getOutputStream();
    InputStream in = s.getInputStream();
    out.write(data);
    out.flush();
    return in.read();
  }

  /** 64 MiB through the userspace TCP and the TUN device to a kernel socket. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int tunnelCopy() throws IOException {
    return copy(tunnelClient, data);
  }

  /** Baseline: 64 MiB through a plain loopback socket. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int loopbackCopy() throws IOException {
    return copy(loopbackClient, data);
  }

  /**
   * Second baseline, our stack with no kernel or TUN device: 64 MiB from one userspace TCP to another through an
   * in-memory packet link (the same segments, checksums, ACKs and windows, both ends' work on this machine's CPUs).
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int pipeCopy() throws IOException {
    return copy(pipeClient, data);
  }

  /**
   * Third baseline, the TUN device and the kernel with no TCP of ours: as many packets as {@code tunnelCopy} sends
   * (64 MiB in full segments of {@link TcpOptions#MAX_MSS} bytes, 1,400 bytes each with their headers), written one
   * per {@code write(2)} to the TUN device, as UDP datagrams to the kernel's address whose checksum is wrong: each
   * crosses the system call, the TUN device and the kernel's IPv6 input (route lookup included) and UDP's checksum
   * check over its 1,360 bytes, and is dropped there (counted in {@code Udp6InCsumErrors}; no socket, no ICMP
   * error). The floor under {@code tunnelCopy}'s cost per packet, before the kernel's TCP takes a segment in,
   * queues it for a socket, wakes a reader and answers with ACKs.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long tunRawPackets() throws IOException {
    long packets = (SIZE + TcpOptions.MAX_MSS - 1) / TcpOptions.MAX_MSS;
    for (long sent = 0; sent < packets; sent++) {
      tun.write(udpPacket, 0, udpPacket.length);
    }
    return packets;
  }

  /** One DTX call (16 bytes echoed) through the userspace TCP to a DTX server on the kernel's side. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object tunnelDtxRoundTrip() throws Exception {
    return tunnelEcho.invoke("echo:", DtxArgument.object(small));
  }

  /** Baseline: the same call over loopback TCP. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object loopbackDtxRoundTrip() throws Exception {
    return loopbackEcho.invoke("echo:", DtxArgument.object(small));
  }
}
