package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.wire.DtxMessageType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generator's rules on traffic built by hand: oneway, records, raw encodings, disagreeing values, DATA. */
class SyntheticTrafficTest {

  static Observed call(int side, int id, int channel, boolean reply, String selector, Observed.Arg... args) {
    return new Observed(side, id, 0, channel, reply, DtxMessageType.DISPATCH, selector, List.of(args), null, 0);
  }

  static Observed.Arg arg(Observed.ArgKind kind, Object value) {
    return new Observed.Arg(kind, value);
  }

  @Test
  void theRulesOfTheGenerator() {
    Traffic traffic = new Traffic();
    traffic.add(List.of(
        call(0, 1, 0, true, Traffic.REQUEST_CHANNEL, arg(Observed.ArgKind.INT32, 1),
            arg(Observed.ArgKind.OBJECT, "com.example.tap")),
        call(0, 2, 1, false, "start"),
        call(0, 3, 1, true, "setConfig:", arg(Observed.ArgKind.OBJECT, Map.of("rate", 10))),
        // The reply of the opened side: odd conversation, the negated local code (-1) negated again on the wire.
        new Observed(1, 3, 1, 1, false, DtxMessageType.OBJECT, null, List.of(), Map.of("ok", true, "CPU_Count", 4), 0),
        call(0, 4, 1, true, "mixed:", arg(Observed.ArgKind.INT32, 1)),
        new Observed(1, 4, 1, 1, false, DtxMessageType.OK, null, List.of(), null, 0),
        call(0, 5, 1, true, "mixed:", arg(Observed.ArgKind.STRING, "one")),
        new Observed(1, 1, 0, -1, false, DtxMessageType.DATA, null, List.of(), null, 10),
        call(1, 2, -1, false, "didSample:at:", arg(Observed.ArgKind.INT64, 5L), arg(Observed.ArgKind.DOUBLE, 0.5))));
    Stubs.Result result = Stubs.generate("com.example.tap", traffic, List.of());
    StubCompiler.assertCompiles(result, StubCompiler.compile(result));
    String tap = result.sources().get(0).content();
    assertTrue(tap.contains("@DtxMethod(\n      value = \"start\",\n      oneway = true\n  )\n  void start();"), tap);
    assertTrue(tap.contains("SetConfigReply setConfig(Map<String, Integer> config);"), tap);
    assertTrue(tap.contains("record SetConfigReply(@Key(\"CPU_Count\") Integer cpuCount, Boolean ok)"), tap);
    assertTrue(tap.contains("void mixed(Object mixed);"), tap);
    assertTrue(tap.contains("@OnData\n    default void data(byte[] chunk)"), tap);
    assertTrue(tap.contains("Seen 1 DATA message(s); the first held 10 byte(s)."), tap);
    assertTrue(tap.contains("default void didSample(@Int64 long sample, @Double double at)"), tap);
  }
}
