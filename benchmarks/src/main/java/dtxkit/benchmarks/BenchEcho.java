package dtxkit.benchmarks;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import java.util.List;

/** The typed service {@link GeneratedProxyBenchmark} calls: an int and a record list, as deviceinfo would send. */
@DtxService("dtxkit.bench.typed")
public interface BenchEcho {

  @DtxMethod("echo:")
  int echo(int value);

  @DtxMethod("processes")
  List<BenchProcess> processes();

  /** One process entry, read from an NSDictionary. */
  record BenchProcess(int pid, String name, boolean isApplication) {}
}
