package dtxkit.benchmarks;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
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
import java.util.concurrent.SynchronousQueue;
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
 * Time to move 64 MiB over loopback TCP: one DTX DATA message (fragmented into 128 KiB pieces, reassembled and handed
 * to the receiving channel's listener as one {@code byte[]}), against the baseline of copying the same bytes through a
 * raw loopback socket to a reader that acknowledges with one byte, in the same run. Aim: DTX at least half the raw
 * bandwidth (at most twice the time).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BulkTransferBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class BulkTransferBenchmark {

  static final int SIZE = 64 << 20;

  private byte[] data;
  private DtxServer server;
  private DtxConnection client;
  private DtxChannel channel;
  private final SynchronousQueue<Integer> received = new SynchronousQueue<>();

  private ServerSocket rawListener;
  private Thread rawSink;
  private Socket rawClient;
  private OutputStream rawOut;
  private InputStream rawIn;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    data = new byte[SIZE];
    DtxServiceRegistry registry = new DtxServiceRegistry().register("dtxkit.bench.sink", ch -> {
      ch.setListener(new DtxChannelListener() {
        @Override
        public void onData(byte[] bytes) {
          try {
            received.put(bytes.length);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      return invocation -> null;
    });
    server = DtxServer.builder(registry).start();
    client = DtxConnection.connect("127.0.0.1", server.port());
    channel = client.openChannel("dtxkit.bench.sink");

    rawListener = new ServerSocket();
    rawListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    rawSink = new Thread(() -> {
      try (Socket s = rawListener.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        // Like the DTX receiver, the raw one collects the whole message into one array before acknowledging.
        while (true) {
          byte[] whole = new byte[SIZE];
          in.readFully(whole);
          out.write(1);
          out.flush();
        }
      } catch (IOException e) {
        // The benchmark closed the client.
      }
    }, "raw-sink");
    rawSink.setDaemon(true);
    rawSink.start();
    rawClient = new Socket(InetAddress.getLoopbackAddress(), rawListener.getLocalPort());
    rawOut = rawClient.getOutputStream();
    rawIn = rawClient.getInputStream();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    client.close();
    server.close();
    rawClient.close();
    rawListener.close();
    rawSink.join(5000);
  }

  /** 64 MiB as one DTX DATA message, until the server's listener has it. */
  @Benchmark
  public int dtxData() throws InterruptedException {
    channel.sendData(data);
    return received.take();
  }

  /** Baseline: 64 MiB through a raw socket, until the reader acknowledges. */
  @Benchmark
  public int rawSocketCopy() throws IOException {
    rawOut.write(data);
    rawOut.flush();
    return rawIn.read();
  }
}
