package dtxkit.benchmarks;

import dtxkit.runtime.DtxConnection;
import dtxkit.services.Instruments;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.mock.MockDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One in-process {@link MockDevice} serving many clients (client and mock in this one JVM, loopback TCP): a plain
 * program rather than JMH, because what it measures is a population, not one operation.
 *
 * <ol>
 *   <li><b>Connect</b>: the wall time to connect {@code connect} clients from 8 connecting threads, both ways a
 *       client reaches a device: DTX straight to the mock's DTServiceHub port ({@code DtxConnection.connect()}),
 *       and through RSD discovery as {@link MockDevice#connect()} / {@code Instruments.connect} do it (an HTTP/2
 *       connection for RSD, then DTX). Each new client makes one call ({@code machTimeInfo}) so that a connection
 *       counts only once it serves.
 *   <li><b>Load</b>: for each client count (16, 64, 256 by default), that many of the connected DTX clients, one
 *       thread each, call the typed {@code DeviceInfo.machTimeInfo()} (an archived six-number list) back to back
 *       for {@code seconds}: the aggregate calls/s, and the p50, p99 and maximum latency of every call made.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dtxkit.benchmarks.ManyClients [connect] [seconds]
 * [client counts...]} (defaults 500, 5, 16 64 256). The baseline in the same run is the single-client rate (the
 * first load line is preceded by one client alone).
 */
public final class ManyClients {
  private static final int CONNECTORS = 8;

  private ManyClients() {}

  public static void main(String[] args) throws Exception {
    int connect = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int[] counts = args.length > 2
        ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {16, 64, 256};
    int most = Arrays.stream(counts).max().orElse(1);
    if (most > connect) {
      throw new IllegalArgumentException("client counts above the number connected (" + connect + ")");
    }
    try (MockDevice device = MockDevice.start()) {
      // Warm the code paths (JIT) with a few clients of each kind before timing anything.
      closeAll(connectDtx(device, 16));
      closeAllInstruments(connectRsd(device, 16));

      long t0 = System.nanoTime();
      List<Instruments> rsd = connectRsd(device, connect);
      long rsdNanos = System.nanoTime() - t0;
      closeAllInstruments(rsd);

      t0 = System.nanoTime();
      List<DtxConnection> clients = connectDtx(device, connect);
      long dtxNanos = System.nanoTime() - t0;
      System.out.printf("connect %d clients, DTX straight to the port: %.2f s (%.0f /s)%n", connect, dtxNanos / 1e9,
          connect / (dtxNanos / 1e9));
      System.out.printf("connect %d clients, through RSD then DTX:     %.2f s (%.0f /s)%n", connect, rsdNanos / 1e9,
          connect / (rsdNanos / 1e9));
      try {
        load(clients, 1, seconds);
        for (int n : counts) {
          load(clients, n, seconds);
        }
      } finally {
        closeAll(clients);
      }
    }
  }

  /** {@code n} clients connected by DTX straight to the mock's port, each having made one call. */
  static List<DtxConnection> connectDtx(MockDevice device, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTORS);
    try {
      List<Future<DtxConnection>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = "many-" + i;
        futures.add(pool.submit(() -> {
          DtxConnection c = DtxConnection.builder(device.rsdHost(), device.dtxPort()).name(name).connect();
          Instruments.over(c).service(DeviceInfo.class).machTimeInfo();
          return c;
        }));
      }
      List<DtxConnection> out = new ArrayList<>(n);
      for (Future<DtxConnection> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code n} clients connected through RSD discovery, each having made one call. */
  static List<Instruments> connectRsd(MockDevice device, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTORS);
    try {
      List<Future<Instruments>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          Instruments instruments = device.connect();
          instruments.service(DeviceInfo.class).machTimeInfo();
          return instruments;
        }));
      }
      List<Instruments> out = new ArrayList<>(n);
      for (Future<Instruments> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void closeAll(List<DtxConnection> connections) {
    for (DtxConnection c : connections) {
      c.close();
    }
  }

  private static void closeAllInstruments(List<Instruments> clients) {
    for (Instruments c : clients) {
      c.close();
    }
  }

  /** {@code n} of the clients calling back to back for {@code seconds}; prints the rate and latencies. */
  static void load(List<DtxConnection> clients, int n, int seconds) throws Exception {
    long[][] latencies = new long[n][];
    int[] made = new int[n];
    CyclicBarrier start = new CyclicBarrier(n + 1);
    CountDownLatch done = new CountDownLatch(n);
    long[] window = new long[2];
    List<Thread> threads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      DeviceInfo info = Instruments.over(clients.get(i)).service(DeviceInfo.class);
      Thread t = new Thread(() -> {
        long[] mine = new long[4096];
        int count = 0;
        try {
          // A short warm-up per client, outside the measured window.
          for (int w = 0; w < 20; w++) {
            info.machTimeInfo();
          }
          start.await(60, TimeUnit.SECONDS);
          long end = window[1];
          long now = System.nanoTime();
          while (now < end) {
            info.machTimeInfo();
            long after = System.nanoTime();
            if (count == mine.length) {
              mine = Arrays.copyOf(mine, count * 2);
            }
            mine[count++] = after - now;
            now = after;
          }
        } catch (Exception e) {
          System.err.println("client " + k + " failed: " + e);
        } finally {
          latencies[k] = mine;
          made[k] = count;
          done.countDown();
        }
      }, "load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    window[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
    start.await(60, TimeUnit.SECONDS);
    if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException("load threads did not finish");
    }
    long elapsed = Math.max(System.nanoTime(), window[1]) - (window[1] - TimeUnit.SECONDS.toNanos(seconds));
    int total = 0;
    for (int m : made) {
      total += m;
    }
    long[] all = new long[total];
    int at = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(latencies[i], 0, all, at, made[i]);
      at += made[i];
    }
    Arrays.sort(all);
    System.out.printf("%4d clients: %8.0f calls/s   latency p50 %7.1f us  p99 %8.1f us  max %8.1f us  (%d calls)%n",
        n, total / (elapsed / 1e9), pct(all, 0.50) / 1e3, pct(all, 0.99) / 1e3,
        all.length == 0 ? 0 : all[all.length - 1] / 1e3, total);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
  }
}
