package dtxkit.benchmarks;

import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * What the generated code costs: a call through the generated client and dispatcher ({@code BenchEcho_DtxClient},
 * {@code BenchEcho_DtxDispatcher}, registered with {@code registry.register(BenchEcho.class, impl)}), against the
 * baseline of the same selectors written by hand on the untyped API (a handler with a {@code switch}, an
 * {@code invoke} with a cast), over the same loopback TCP connection in the same run. Aim: no measurable difference.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GeneratedProxyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GeneratedProxyBenchmark {

  private static final List<BenchEcho.BenchProcess> PROCESSES = List.of(
      new BenchEcho.BenchProcess(1, "launchd", false),
      new BenchEcho.BenchProcess(57, "SpringBoard", true),
      new BenchEcho.BenchProcess(312, "MobileSafari", true));

  private DtxServer server;
  private DtxConnection client;
  private BenchEcho typed;
  private DtxChannel untyped;
  private int counter;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    DtxServiceRegistry registry = new DtxServiceRegistry();
    registry.register(BenchEcho.class, new BenchEcho() {
      @Override
      public int echo(int value) {
        return value;
      }

      @Override
      public List<BenchProcess> processes() {
        return PROCESSES;
      }
    });
    registry.register("dtxkit.bench.untyped", channel -> invocation -> {
      switch (invocation.selector()) {
        case "echo:":
          return ((Number) invocation.arguments().get(0)).intValue();
        case "processes":
          List<Object> out = new ArrayList<>();
          for (BenchEcho.BenchProcess p : PROCESSES) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", p.pid());
            m.put("name", p.name());
            m.put("isApplication", p.isApplication());
            out.add(m);
          }
          return out;
        default:
          throw DtxUnrecognizedSelectorException.forSelector(invocation.selector(), "dtxkit.bench.untyped");
      }
    });
    server = DtxServer.builder(registry).start();
    client = DtxConnection.connect("127.0.0.1", server.port());
    typed = client.open(BenchEcho.class);
    untyped = client.openChannel("dtxkit.bench.untyped");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    server.close();
  }

  /** An int through the generated proxy and dispatcher. */
  @Benchmark
  public int generatedEcho() {
    return typed.echo(counter++);
  }

  /** Baseline: the same call written by hand on the untyped API. */
  @Benchmark
  public int handWrittenEcho() {
    return ((Number) untyped.invoke("echo:", DtxArgument.object(counter++))).intValue();
  }

  /** A list of records through the generated proxy (dictionary ↔ record mapping on both sides). */
  @Benchmark
  public List<BenchEcho.BenchProcess> generatedRecords() {
    return typed.processes();
  }

  /** Baseline: the same list built and read by hand. */
  @Benchmark
  public List<BenchEcho.BenchProcess> handWrittenRecords() {
    List<?> reply = (List<?>) untyped.invoke("processes");
    List<BenchEcho.BenchProcess> out = new ArrayList<>(reply.size());
    for (Object o : reply) {
      Map<?, ?> m = (Map<?, ?>) o;
      out.add(new BenchEcho.BenchProcess(((Number) m.get("pid")).intValue(), (String) m.get("name"),
          (Boolean) m.get("isApplication")));
    }
    return out;
  }
}
