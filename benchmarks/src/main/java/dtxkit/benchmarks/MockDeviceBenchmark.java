package dtxkit.benchmarks;

import dtxkit.runtime.DtxChannel;
import dtxkit.services.Instruments;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.screenshot.Screenshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Calls and large replies end to end against an in-process {@link MockDevice} (client and mock in this one JVM,
 * connected through RSD discovery and DTX over loopback TCP, as {@code MockDevice.connect()} does), each against a
 * raw loopback socket baseline in the same run:
 *
 * <ul>
 *   <li>{@code traceCodesFile}: the mock's trace code table, a string of about 350 KB, against {@code raw350k}: the
 *       same number of bytes through a raw socket in reply to a 4-byte request (bandwidth ratio = ops ratio);
 *   <li>{@code screenshot}: a 4 MiB NSData reply (the mock's screenshot service replaced by one returning 4 MiB),
 *       against {@code raw4MiB};
 *   <li>{@code machTimeInfo} (a six-element archived list) and {@code runningProcesses} (the mock's 20 processes as
 *       archived dictionaries, converted to records), typed calls, against {@code rawPingPong} (16 bytes each way);
 *   <li>{@code machTimeInfoInFlight64}: 64 calls issued before the first reply is awaited (per call), against the
 *       sequential {@code machTimeInfoUntyped} on the same channel.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MockDeviceBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MockDeviceBenchmark {
  static final int SCREENSHOT_BYTES = 4 << 20;
  private static final int REQUEST = 16;

  private MockDevice device;
  private Instruments instruments;
  private DeviceInfo deviceInfo;
  private Screenshot screenshot;
  private DtxChannel deviceInfoChannel;
  private int traceCodesBytes;

  private ServerSocket rawListener;
  private Thread rawServer;
  private Socket rawClient;
  private DataOutputStream rawOut;
  private DataInputStream rawIn;
  private byte[] rawBuffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    byte[] image = new byte[SCREENSHOT_BYTES];
    for (int i = 0; i < image.length; i++) {
      image[i] = (byte) (i * 31 + (i >>> 9));
    }
    device = MockDevice.builder().service(Screenshot.class, () -> image).start();
    // The mock generates its pairing's RSA keys on a thread of its own at start (seconds of CPU): wait for them, so
    // that they do not share the two cores with the warm-up and the first measurements.
    device.pairRecord();
    instruments = device.connect();
    deviceInfo = instruments.service(DeviceInfo.class);
    screenshot = instruments.service(Screenshot.class);
    deviceInfoChannel = instruments.connection().openChannel("com.apple.instruments.server.services.deviceinfo");
    traceCodesBytes = deviceInfo.traceCodesFile().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    List<ProcessInfo> processes = deviceInfo.runningProcesses();
    if (processes.size() != 20 || deviceInfo.machTimeInfo().size() != 6 || screenshot.takeScreenshot().length
        != SCREENSHOT_BYTES) {
      throw new IllegalStateException("the mock device's replies are not the ones this benchmark describes");
    }

    rawListener = new ServerSocket();
    rawListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    byte[] source = new byte[SCREENSHOT_BYTES];
    rawServer = new Thread(() -> {
      try (Socket s = rawListener.accept()) {
        s.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        byte[] request = new byte[REQUEST];
        while (true) {
          in.readFully(request);
          int n = (request[0] & 0xFF) << 24 | (request[1] & 0xFF) << 16 | (request[2] & 0xFF) << 8 | (request[3] & 0xFF);
          out.write(source, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // The benchmark closed the client.
      }
    }, "raw-server");
    rawServer.setDaemon(true);
    rawServer.start();
    rawClient = new Socket(InetAddress.getLoopbackAddress(), rawListener.getLocalPort());
    rawClient.setTcpNoDelay(true);
    rawOut = new DataOutputStream(rawClient.getOutputStream());
    rawIn = new DataInputStream(rawClient.getInputStream());
    rawBuffer = new byte[SCREENSHOT_BYTES];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    instruments.close();
    device.close();
    rawClient.close();
    rawListener.close();
    rawServer.join(5000);
  }

  /** A 16-byte request whose first four bytes say how many bytes to answer with, and the answer. */
  private byte[] raw(int n) throws IOException {
    rawOut.writeInt(n);
    rawOut.write(rawBuffer, 0, REQUEST - 4);
    rawOut.flush();
    rawIn.readFully(rawBuffer, 0, n);
    return rawBuffer;
  }

  /** The trace code table, a string of about 350 KB. */
  @Benchmark
  public String traceCodesFile() {
    return deviceInfo.traceCodesFile();
  }

  /** Baseline: as many bytes as the trace code table's UTF-8 form (about 350 KB) through a raw socket. */
  @Benchmark
  public byte[] raw350k() throws IOException {
    return raw(traceCodesBytes);
  }

  /** A 4 MiB screenshot. */
  @Benchmark
  public byte[] screenshot() {
    return screenshot.takeScreenshot();
  }

  /** Baseline: 4 MiB through a raw socket. */
  @Benchmark
  public byte[] raw4MiB() throws IOException {
    return raw(SCREENSHOT_BYTES);
  }

  /** A typed call whose reply is an archived list of six numbers. */
  @Benchmark
  public List<Object> machTimeInfo() {
    return deviceInfo.machTimeInfo();
  }

  /** A typed call whose reply is 20 archived process dictionaries, converted to records. */
  @Benchmark
  public List<ProcessInfo> runningProcesses() {
    return deviceInfo.runningProcesses();
  }

  /** Baseline: 16 bytes out and 16 back on a raw socket. */
  @Benchmark
  public byte[] rawPingPong() throws IOException {
    return raw(16);
  }

  /** {@code machTimeInfo} on the untyped channel, one call at a time (the sequential rate for the next one). */
  @Benchmark
  public Object machTimeInfoUntyped() {
    return deviceInfoChannel.invoke("machTimeInfo");
  }

  /** 64 {@code machTimeInfo} calls in flight on the untyped channel; the score is per call. */
  @Benchmark
  @OperationsPerInvocation(64)
  public Object machTimeInfoInFlight64() {
    @SuppressWarnings("unchecked")
    CompletableFuture<Object>[] calls = new CompletableFuture[64];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = deviceInfoChannel.invokeAsync("machTimeInfo");
    }
    return CompletableFuture.allOf(calls).join();
  }
}
