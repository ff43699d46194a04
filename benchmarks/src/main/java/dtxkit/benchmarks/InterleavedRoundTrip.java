package dtxkit.benchmarks;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link RoundTripBenchmark}'s two measurements taken in alternating short slices (DTX calls, then the raw ping-pong,
 * then DTX again...), reporting the median and quartiles of the per-slice ratio. On a shared machine whose load
 * changes from second to second, JMH measures the two benchmarks minutes apart and their ratio swings widely (the raw
 * ping-pong alone moved between 16 000 and 70 000/s between runs); slices a few hundred milliseconds apart see the
 * same load, so their ratio is the figure to trust. Not a JMH benchmark: a plain program in the same jar.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dtxkit.benchmarks.InterleavedRoundTrip [sliceMillis]
 * [rounds] [sizes...]} (defaults 200 ms, 30 rounds, sizes 16 and 4096; the first round is warm-up).
 */
public final class InterleavedRoundTrip {

  private InterleavedRoundTrip() {}

  /**
   * Runs the measurement and prints one line per size.
   *
   * @param args slice length in milliseconds, number of rounds, then payload sizes in bytes
   * @throws Exception when the loopback sockets fail
   */
  public static void main(String[] args) throws Exception {
    long sliceMillis = args.length > 0 ? Long.parseLong(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    List<Integer> sizes = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      sizes.add(Integer.parseInt(args[i]));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(16, 4096);
    }
    for (int size : sizes) {
      measure(size, sliceMillis, rounds);
    }
  }

  private static void measure(int size, long sliceMillis, int rounds) throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry()
        .register("dtxkit.bench.echo", ch -> invocation -> invocation.arguments().get(0));
    boolean handOff = Boolean.getBoolean("dtxkit.bench.readerHandOff");
    try (DtxServer server = DtxServer.builder(registry).configureConnections(b -> b.readerHandOff(handOff)).start();
        DtxConnection client = DtxConnection.builder("127.0.0.1", server.port()).readerHandOff(handOff).connect();
        ServerSocket listener = new ServerSocket()) {
      DtxChannel channel = client.openChannel("dtxkit.bench.echo");
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Thread echo = new Thread(() -> {
        try (Socket s = listener.accept()) {
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
          // The raw client closed.
        }
      }, "raw-echo");
      echo.setDaemon(true);
      echo.start();
      try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        raw.setTcpNoDelay(true);
        OutputStream rawOut = raw.getOutputStream();
        DataInputStream rawIn = new DataInputStream(raw.getInputStream());
        byte[] payload = new byte[size];
        byte[] back = new byte[size];
        List<Double> ratios = new ArrayList<>();
        List<Double> dtxRates = new ArrayList<>();
        List<Double> rawRates = new ArrayList<>();
        long sliceNanos = sliceMillis * 1_000_000L;
        for (int round = 0; round < rounds; round++) {
          long start = System.nanoTime();
          long n = 0;
          while (System.nanoTime() - start < sliceNanos) {
            channel.invoke("echo:", DtxArgument.raw(payload));
            n++;
          }
          double dtx = n / ((System.nanoTime() - start) / 1e9);
          start = System.nanoTime();
          n = 0;
          while (System.nanoTime() - start < sliceNanos) {
            rawOut.write(payload);
            rawOut.flush();
            rawIn.readFully(back);
            n++;
          }
          double rawRate = n / ((System.nanoTime() - start) / 1e9);
          if (round > 0) {
            ratios.add(dtx / rawRate);
            dtxRates.add(dtx);
            rawRates.add(rawRate);
          }
        }
        System.out.printf("size %5d B%s: DTX/raw ratio median %.0f %% (quartiles %.0f-%.0f %%); DTX median %.0f calls/s,"
            + " raw median %.0f /s; %d slices of %d ms each%n", size, handOff ? " (reader hand-off)" : "", 100 * median(ratios), 100 * quantile(ratios, 1),
            100 * quantile(ratios, 3), median(dtxRates), median(rawRates), ratios.size(), sliceMillis);
      }
    }
  }

  private static double median(List<Double> values) {
    return quantile(values, 2);
  }

  private static double quantile(List<Double> values, int quarter) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * quarter / 4));
  }
}
