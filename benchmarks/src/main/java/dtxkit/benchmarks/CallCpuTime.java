package dtxkit.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The CPU time and the allocation per call of {@link MockDeviceBenchmark}'s calls, each against its raw baseline, for
 * machines shared with other work (where JMH's wall-clock scores measure the wait for a core). Client and mock device
 * run in this JVM, so the CPU time per call summed over all live Java threads counts both sides and every thread of
 * the path (caller, readers, the mock's handlers; not the JVM's GC and compiler threads); the allocation per call sums the allocation counters of all live threads. Slices of
 * each call alternate, so a change of load hits them all alike. Prints per call: the median thread CPU µs per call
 * (quartiles), the median wall µs per call, and KB allocated per call.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dtxkit.benchmarks.CallCpuTime [slices] [calls per slice]
 * [warm-up seconds] [names...]} (defaults 20, 500, 10; names default to all: rawPingPong machTimeInfo
 * runningProcesses raw350k traceCodesFile). A 350 KB call counts as 1/20 of the slice's calls.
 */
public final class CallCpuTime {
  private CallCpuTime() {}

  private static volatile Object sink;

  public static void main(String[] args) throws Exception {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int perSlice = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    MockDeviceBenchmark b = new MockDeviceBenchmark();
    b.setUp();
    try {
      Map<String, Callable<Object>> all = new LinkedHashMap<>();
      all.put("rawPingPong", b::rawPingPong);
      all.put("machTimeInfo", b::machTimeInfo);
      all.put("runningProcesses", b::runningProcesses);
      all.put("raw350k", b::raw350k);
      all.put("traceCodesFile", b::traceCodesFile);
      all.put("raw4MiB", b::raw4MiB);
      all.put("screenshot", b::screenshot);
      List<String> names = new ArrayList<>();
      for (int i = 3; i < args.length; i++) {
        names.add(args[i]);
      }
      if (names.isEmpty()) {
        names.addAll(List.of("rawPingPong", "machTimeInfo", "runningProcesses", "raw350k", "traceCodesFile"));
      }
      long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
      while (System.nanoTime() < warmEnd) {
        for (String n : names) {
          run(all.get(n), count(n, perSlice) / 5 + 1);
        }
      }
      double[][] cpu = new double[names.size()][slices];
      double[][] wall = new double[names.size()][slices];
      double[][] alloc = new double[names.size()][slices];
      for (int s = 0; s < slices; s++) {
        for (int k = 0; k < names.size(); k++) {
          String n = names.get(k);
          int count = count(n, perSlice);
          long a0 = allocated();
          long c0 = cpuTime();
          long w0 = System.nanoTime();
          run(all.get(n), count);
          long w1 = System.nanoTime();
          long c1 = cpuTime();
          long a1 = allocated();
          cpu[k][s] = (c1 - c0) / 1e3 / count;
          wall[k][s] = (w1 - w0) / 1e3 / count;
          alloc[k][s] = (a1 - a0) / 1e3 / count;
        }
      }
      System.out.printf("%-18s %28s %14s %14s%n", "call", "thread CPU us/call (q1-q3)", "wall us/call",
          "KB/call");
      for (int k = 0; k < names.size(); k++) {
        System.out.printf("%-18s %12.1f (%6.1f-%6.1f) %14.1f %14.1f%n", names.get(k), median(cpu[k]),
            quartile(cpu[k], 1), quartile(cpu[k], 3), median(wall[k]), median(alloc[k]));
      }
    } finally {
      b.tearDown();
    }
  }

  private static int count(String name, int perSlice) {
    if (name.contains("4MiB") || name.equals("screenshot")) {
      return Math.max(1, perSlice / 200);
    }
    return name.contains("350k") || name.equals("traceCodesFile") ? Math.max(1, perSlice / 20) : perSlice;
  }

  private static void run(Callable<Object> call, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      sink = call.call();
    }
  }

  /** CPU time so far of all live Java threads, in ns (exact per thread, unlike the process's clock ticks). */
  private static long cpuTime() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long t : threads.getThreadCpuTime(threads.getAllThreadIds())) {
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }

  /** Bytes allocated so far by all live threads. */
  private static long allocated() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = threads.getAllThreadIds();
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(ids)) {
      if (a > 0) {
        sum += a;
      }
    }
    return sum;
  }

  private static double median(double[] v) {
    return quartile(v, 2);
  }

  private static double quartile(double[] v, int q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, q * s.length / 4)];
  }
}
