package dtxkit.benchmarks;

import dtxkit.runtime.archive.NSKeyedArchiver;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The CPU time (not wall time) one thread spends per decode and per encode of {@link ArchiveBenchmark}'s
 * sysmontap-sized archive, against a copy of its bytes, measured alternately in slices. On a machine shared with
 * other work a JMH average-time score counts the time the thread waited for a core; thread CPU time does not, so this
 * shows what {@code ArchiveBenchmark} would show on a quiet machine. Not a replacement for JMH: a companion for loaded
 * machines. Prints the median and quartiles of the per-op CPU time of each, and the bytes each decode and encode
 * allocates.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dtxkit.benchmarks.ArchiveCpuTime [slices] [processes]
 * [warm-up rounds]} (defaults 40, 300, 1000).
 */
public final class ArchiveCpuTime {
  private ArchiveCpuTime() {}

  private static volatile Object sink;

  public static void main(String[] args) throws Exception {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    Object sample = ArchiveBenchmark.sysmontapSample(processes);
    byte[] archive = NSKeyedArchiver.archive(sample);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.printf("archive: %d bytes%n", archive.length);
    // warm up
    for (int i = 0; i < warmup; i++) {
      sink = NSKeyedUnarchiver.unarchive(archive);
      sink = NSKeyedArchiver.archive(sample);
      sink = Arrays.copyOf(archive, archive.length);
    }
    double[] copy = new double[slices];
    double[] decode = new double[slices];
    double[] encode = new double[slices];
    int per = 10;
    for (int s = 0; s < slices; s++) {
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < per * 20; i++) {
        sink = Arrays.copyOf(archive, archive.length);
      }
      long t1 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < per; i++) {
        sink = NSKeyedUnarchiver.unarchive(archive);
      }
      long t2 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < per; i++) {
        sink = NSKeyedArchiver.archive(sample);
      }
      long t3 = threads.getCurrentThreadCpuTime();
      copy[s] = (t1 - t0) / 1e3 / (per * 20);
      decode[s] = (t2 - t1) / 1e3 / per;
      encode[s] = (t3 - t2) / 1e3 / per;
    }
    print("copy", copy);
    print("decode", decode);
    print("encode", encode);
    // Bytes allocated per op (the thread's allocation counter: exact, whatever the load).
    com.sun.management.ThreadMXBean counters = (com.sun.management.ThreadMXBean) threads;
    long id = Thread.currentThread().getId();
    long a0 = counters.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100; i++) {
      sink = NSKeyedUnarchiver.unarchive(archive);
    }
    long a1 = counters.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100; i++) {
      sink = NSKeyedArchiver.archive(sample);
    }
    long a2 = counters.getThreadAllocatedBytes(id);
    System.out.printf("allocated per op: decode %.1f KB, encode %.1f KB%n", (a1 - a0) / 100 / 1e3,
        (a2 - a1) / 100 / 1e3);
  }

  private static void print(String what, double[] v) {
    Arrays.sort(v);
    System.out.printf("%-6s CPU us/op: median %.1f (quartiles %.1f-%.1f)%n", what, v[v.length / 2],
        v[v.length / 4], v[3 * v.length / 4]);
  }
}
