package dtxkit.benchmarks;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedArchiver;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding and encoding a sysmontap-sized NSKeyedArchiver archive (one sample: {@code Processes} with
 * {@code processes} pids, each an array of 20 attribute values, plus {@code System}, {@code PerCPUUsage} and the
 * timing keys), against a plain copy of the same bytes in the same run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ArchiveBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ArchiveBenchmark {
  /** Number of processes in the sample; a busy iPhone runs about 300. */
  @Param("300")
  public int processes;

  private Object sample;
  private byte[] archive;

  @Setup
  public void setUp() {
    sample = sysmontapSample(processes);
    archive = NSKeyedArchiver.archive(sample);
  }

  /** Baseline: copying the archive's bytes once. */
  @Benchmark
  public byte[] copyBytes() {
    return Arrays.copyOf(archive, archive.length);
  }

  /** Decoding the archive into Java values. */
  @Benchmark
  public Object decode() throws DtxProtocolException {
    return NSKeyedUnarchiver.unarchive(archive);
  }

  /** Encoding the same sample. */
  @Benchmark
  public byte[] encode() {
    return NSKeyedArchiver.archive(sample);
  }

  /**
   * A sample shaped like the ones sysmontap pushes: a list holding one dictionary. Process attributes follow the
   * order of a typical {@code procAttrs} request (pid, name, cpuUsage, memory figures, thread count, ...).
   */
  /** The sample {@code decode} and {@code encode} use: {@code processCount} process dictionaries of 20 attributes. */
  public static Object sysmontapSample(int processCount) {
    Map<Object, Object> processes = new LinkedHashMap<>();
    for (int i = 0; i < processCount; i++) {
      int pid = 100 + i * 7;
      List<Object> attrs = new ArrayList<>(20);
      attrs.add(pid);
      attrs.add("process-" + i);
      attrs.add(i % 5 == 0 ? 0.0 : i * 0.013);
      attrs.add(1_000_000L + i * 4096L);
      attrs.add(8_000_000L + i * 65_536L);
      attrs.add(3 + i % 40);
      attrs.add(i % 3 == 0);
      attrs.add(501);
      attrs.add(1);
      attrs.add(4_294_967_296L + i);
      attrs.add(i * 12_345L);
      attrs.add(i * 678L);
      attrs.add(0);
      attrs.add("mobile");
      attrs.add(i * 0.5);
      attrs.add(2_048L * i);
      attrs.add(i % 7);
      attrs.add(31);
      attrs.add(-1);
      attrs.add(i % 2 == 0 ? "com.apple.app" + i : null);
      processes.put(pid, attrs);
    }
    List<Object> system = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      system.add(i % 2 == 0 ? (Object) (1_000_000L * i) : (Object) (i * 0.25));
    }
    List<Object> perCpu = new ArrayList<>();
    for (int cpu = 0; cpu < 6; cpu++) {
      Map<String, Object> load = new LinkedHashMap<>();
      load.put("CPU_NiceLoad", 0.0);
      load.put("CPU_SystemLoad", 3.5 + cpu);
      load.put("CPU_TotalLoad", 10.25 + cpu);
      load.put("CPU_UserLoad", 6.75);
      perCpu.add(load);
    }
    Map<String, Object> cpuUsage = new LinkedHashMap<>();
    cpuUsage.put("CPU_TotalLoad", 42.5);
    cpuUsage.put("CPU_UserLoad", 30.0);
    cpuUsage.put("CPU_SystemLoad", 12.5);
    Map<String, Object> sampleDict = new LinkedHashMap<>();
    sampleDict.put("Processes", processes);
    sampleDict.put("System", system);
    sampleDict.put("PerCPUUsage", perCpu);
    sampleDict.put("SystemCPUUsage", cpuUsage);
    sampleDict.put("CPUCount", 6);
    sampleDict.put("EnabledCPUs", 6);
    sampleDict.put("StartMachAbsTime", 28_483_226_158_811L);
    sampleDict.put("EndMachAbsTime", 28_483_250_158_811L);
    sampleDict.put("Type", 7);
    return List.of(sampleDict);
  }
}
