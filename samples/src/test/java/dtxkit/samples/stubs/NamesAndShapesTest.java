package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Java names from selectors, and what values have in common. */
class NamesAndShapesTest {

  @Test
  void methodAndParameterNamesComeFromTheSelectorsParts() {
    assertEquals("processIdentifier", Names.method("processIdentifierForBundleIdentifier:"));
    assertEquals(List.of("bundleIdentifier"), Names.parameters("processIdentifierForBundleIdentifier:"));
    assertEquals("sendSignal", Names.method("sendSignal:toPid:"));
    assertEquals(List.of("signal", "pid"), Names.parameters("sendSignal:toPid:"));
    assertEquals("runningProcesses", Names.method("runningProcesses"));
    assertEquals(List.of(), Names.parameters("runningProcesses"));
    assertEquals("initiateSession", Names.method("_IDE_initiateSessionWithIdentifier:forClient:atPath:protocolVersion:"));
    assertEquals(List.of("identifier", "client", "path", "protocolVersion"),
        Names.parameters("_IDE_initiateSessionWithIdentifier:forClient:atPath:protocolVersion:"));
    assertEquals(List.of("output", "process", "time"), Names.parameters("outputReceived:fromProcess:atTime:"));
    assertEquals(List.of("pid", "exitCode", "crashingSignal"),
        Names.parameters("processWithPID:terminatedWithExitCode:orCrashingSignal:"));
    assertEquals("requestChannel", Names.method("_requestChannelWithCode:identifier:"));
    assertEquals("testSuiteDidStartAt", Names.longMethod("_XCT_testSuite:didStartAt:"));
    // Keywords and clashes stay valid Java.
    assertEquals(List.of("class_"), Names.parameters("forClass:"));
    assertEquals(List.of("a", "a2"), Names.parameters("setA:a:"));
  }

  @Test
  void typeNamesComeFromTheIdentifiersLastPart() {
    assertEquals("Deviceinfo", Names.type("com.apple.instruments.server.services.deviceinfo", 1));
    assertEquals("ServicesDeviceinfo", Names.type("com.apple.instruments.server.services.deviceinfo", 2));
    assertEquals("Opengl", Names.type("com.apple.instruments.server.services.graphics.opengl", 1));
    assertEquals("DebugGaugeDataProvidersEnergy", Names.type("com.apple.xcode.debug-gauge-data-providers.Energy", 2));
    assertEquals("XCTestManager_IDEInterface", Names.protocolType("XCTestManager_IDEInterface"));
    assertEquals("cpuTotalLoad", Names.component("CPU_TotalLoad"));
  }

  @Test
  void shapesMergeToWhatTheValuesHaveInCommon() {
    assertEquals("INT", Shape.of(1).merge(Shape.of(2L)).toString());
    assertEquals("LONG", Shape.of(1).merge(Shape.of(1L << 40)).toString());
    assertEquals("DOUBLE", Shape.of(1).merge(Shape.of(0.5)).toString());
    assertEquals("INT?", Shape.of(1).merge(Shape.of(null)).toString());
    assertEquals("ANY", Shape.of("a").merge(Shape.of(1)).toString());
    assertEquals("LIST<STRING>", Shape.of(List.of()).merge(Shape.of(List.of("a"))).toString());
    Shape stable = Shape.of(Map.of("pid", 1, "name", "a")).merge(Shape.of(Map.of("pid", 2, "name", "b")));
    assertTrue(stable.recordable(), stable.toString());
    Shape unstable = stable.merge(Shape.of(Map.of("pid", 3)));
    assertFalse(unstable.recordable(), unstable.toString());
    assertEquals("ANY", unstable.valueShape().toString());
    assertEquals("java.util.UUID", Shape.of(java.util.UUID.randomUUID()).toString());
  }
}
