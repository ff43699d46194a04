package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dtxkit stubs} on every recording of real device traffic in the fixtures (go-ios's captures, MIT, licence
 * beside them in runtime's test resources): what it generates compiles with the processor as it is.
 */
class StubsFixturesTest {

  /** Every DTX recording in the go-ios fixtures. */
  static final List<String> FIXTURES = List.of("conn-in2.dump", "conn-in4.dump", "conn-out2.dump", "conn-out4.dump",
      "dtactivitytapmessage.bin", "fragmentedmessage.bin", "instruments-metrics-dtx.bin", "lz4block.bin",
      "notifyOfPublishedCapabilites", "nsmutablestring.bin", "nsnull.bin", "requestChannelWithCodeIdentifier.bin",
      "unknown-d-h-h-message.bin");

  @Test
  void everyFixtureAloneGivesSourcesThatCompile(@TempDir Path dir) throws Exception {
    int withServices = 0;
    for (String name : FIXTURES) {
      Stubs.Result result = Stubs.generate("com.example.found", List.of(Stubs.Input.of(StubCompiler.fixture(dir, name))));
      if (!result.sources().isEmpty()) {
        withServices++;
        StubCompiler.assertCompiles(result, StubCompiler.compile(result));
      }
    }
    // The host sides of both XCTest sessions open their dtxproxy: channel themselves.
    assertTrue(withServices >= 2, "fixtures with a channel of their own: " + withServices);
  }

  @Test
  void bothSessionsTogetherGiveTheThreeTestmanagerdProtocols(@TempDir Path dir) throws Exception {
    Stubs.Result result = Stubs.generate("com.example.found", pairs(dir));
    assertEquals(List.of("com.example.found.XCTestDriverInterface",
            "com.example.found.XCTestManager_DaemonConnectionInterface", "com.example.found.XCTestManager_IDEInterface"),
        result.sources().stream().map(Stubs.Source::qualifiedName).toList());
    assertEquals(List.of(), result.warnings());
    Compilation compilation = StubCompiler.compile(result);
    StubCompiler.assertCompiles(result, compilation);

    String daemon = result.sources().get(1).content();
    assertTrue(daemon.contains("@DtxService(\n    value = \"XCTestManager_DaemonConnectionInterface\",\n    proxy = true\n)"),
        daemon);
    // A reply of true: boolean; of 35: int; an NSUUID argument: UUID; parameter names from the selector's parts.
    assertTrue(daemon.contains("@DtxMethod(\"_IDE_authorizeTestSessionWithProcessID:\")\n"
        + "  boolean authorizeTestSession(int processId);"), daemon);
    assertTrue(daemon.contains("int initiateSession(UUID identifier, String client, String path, int protocolVersion);"),
        daemon);
    assertTrue(daemon.contains("Seen 2 times; e.g. <code>(2175)</code> -&gt; <code>true</code>."), daemon);

    String ide = result.sources().get(2).content();
    // The device calls the IDE interface; selectors that share a short name get their long names.
    assertTrue(ide.contains("void testSuiteDidStartAt(String suite, String didStartAt);"), ide);
    assertTrue(ide.contains("void testCaseDidFinish(String testClass, String method, String status, double duration);"),
        ide);
    assertTrue(ide.contains("Seen 41 times"), ide);
  }

  @Test
  void theOutputDependsOnlyOnTheInput(@TempDir Path dir) throws Exception {
    Stubs.Result first = Stubs.generate("com.example.found", pairs(dir));
    Stubs.Result second = Stubs.generate("com.example.found", pairs(dir));
    assertEquals(first.sources(), second.sources());
  }

  /**
   * The generated protocols agree with the hand-written ones of the catalogue ({@code dtxkit.services.xctest}) on
   * selectors, argument counts and encodings.
   */
  @Test
  void agreesWithTheCatalogueXcTestProtocols(@TempDir Path dir) throws Exception {
    Stubs.Result result = Stubs.generate("com.example.found", pairs(dir));
    try (java.net.URLClassLoader loader = StubCompiler.compileToDisk(result, dir.resolve("out"))) {
      List<String> compared = CatalogueComparison.compare(loader);
      assertEquals(List.of("XCTestDriverInterface", "XCTestManager_DaemonConnectionInterface",
          "XCTestManager_IDEInterface"), compared);
    }
  }

  @Test
  void aMalformedInputIsAWarningWithWhatWasReadBeforeIt(@TempDir Path dir) throws Exception {
    Stubs.Result result = Stubs.generate("p", List.of(Stubs.Input.of(StubCompiler.fixture(dir, "lz4block.bin"))));
    assertTrue(result.sources().isEmpty());
    assertEquals(1, result.warnings().size());
    assertTrue(result.warnings().get(0).contains("bad magic 0x00026B80 (expected 0x1F3D5B79) at offset 0"),
        result.warnings().toString());
  }

  static List<Stubs.Input> pairs(Path dir) {
    List<Stubs.Input> inputs = new ArrayList<>();
    inputs.add(Stubs.Input.pair(StubCompiler.fixture(dir, "conn-out2.dump"), StubCompiler.fixture(dir, "conn-in2.dump")));
    inputs.add(Stubs.Input.pair(StubCompiler.fixture(dir, "conn-out4.dump"), StubCompiler.fixture(dir, "conn-in4.dump")));
    return inputs;
  }

  static String describe(Map<String, ?> map) {
    return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  static void assertNotEmpty(List<?> list) {
    assertFalse(list.isEmpty());
  }
}
