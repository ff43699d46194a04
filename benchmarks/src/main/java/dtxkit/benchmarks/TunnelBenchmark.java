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
 * echoed) through the tunnel against the same over loopback TCP.
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
  }

  /** A kernel socket that collects {@link #SIZE} bytes into one array, then acknowledges with one byte. */
  private static ServerSocket sink(InetSocketAddress address) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.bind(address);
    Thread t = new Thread(() -> {
      try (Socket s = listener.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (true) {
          byte[] whole = new byte[SIZE];
          in.readFully(whole);
          out.write(1);
          out.flush();
        }
      } catch (IOException e) {
        // Closed by the benchmark.
      }
    }, "sink-" + address);
    t.setDaemon(true);
    t.start();
    return listener;
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
