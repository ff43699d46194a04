package dtxkit.benchmarks;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Call round trips per second over loopback TCP: a DTX {@code invoke} of an echo method carrying {@code size} raw
 * bytes (the reply is the same bytes, archived as NSData), against the baseline of a raw TCP ping-pong of the same
 * number of bytes each way, in the same run. Aim: DTX at least half the raw rate.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RoundTripBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoundTripBenchmark {

  @Param({"16", "4096"})
  public int size;

  /**
   * Which connections read with two threads taking turns ({@code DtxConnection.Builder#readerHandOff}): {@code none},
   * {@code server} (the defaults: DtxServer's connections do, clients do not) or {@code both}.
   */
  @Param({"none", "server", "both"})
  public String readerHandOff;

  private DtxServer server;
  private DtxConnection client;
  private DtxChannel channel;
  private byte[] payload;

  private ServerSocket rawListener;
  private Thread rawEcho;
  private Socket rawClient;
  private OutputStream rawOut;
  private DataInputStream rawIn;
  private byte[] rawBuffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    payload = new byte[size];
    DtxServiceRegistry registry = new DtxServiceRegistry()
        .register("dtxkit.bench.echo", ch -> invocation -> invocation.arguments().get(0));
    boolean serverHandOff = !readerHandOff.equals("none");
    server = DtxServer.builder(registry).configureConnections(b -> b.readerHandOff(serverHandOff)).start();
    client = DtxConnection.builder("127.0.0.1", server.port()).readerHandOff(readerHandOff.equals("both")).connect();
    channel = client.openChannel("dtxkit.bench.echo");

    rawListener = new ServerSocket();
    rawListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    rawEcho = new Thread(() -> {
      try (Socket s = rawListener.accept()) {
        s.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[size];
        while (true) {
          in.readFully(buf);
          out.write(buf);
          out.flush();
        }
      } catch (IOException e) {
        // The benchmark closed the client.
      }
    }, "raw-echo");
    rawEcho.setDaemon(true);
    rawEcho.start();
    rawClient = new Socket(InetAddress.getLoopbackAddress(), rawListener.getLocalPort());
    rawClient.setTcpNoDelay(true);
    rawOut = rawClient.getOutputStream();
    InputStream in = rawClient.getInputStream();
    rawIn = new DataInputStream(in);
    rawBuffer = new byte[size];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    client.close();
    server.close();
    rawClient.close();
    rawListener.close();
    rawEcho.join(5000);
  }

  /** One DTX call and its reply. */
  @Benchmark
  public Object dtxInvoke() {
    return channel.invoke("echo:", DtxArgument.raw(payload));
  }

  /** Baseline: the same bytes out and back on a raw socket. */
  @Benchmark
  public byte[] rawPingPong() throws IOException {
    rawOut.write(payload);
    rawOut.flush();
    rawIn.readFully(rawBuffer);
    return rawBuffer;
  }
}
