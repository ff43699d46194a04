package dtxkit.samples.stubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.testing.WireRecording;
import dtxkit.services.Instruments;
import dtxkit.services.mock.MockDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stubs from a session of dtxkit's own Instruments client with the mock device, captured on the client's socket:
 * the generated interfaces compile with the processor and agree with the catalogue's hand-written declarations of
 * the same services on selectors, argument counts, encodings and oneway.
 */
class CatalogueStubsTest {

  /** Runs a session touching most of the catalogue; returns the two streams of its connection. */
  static Stubs.Input session(MockDevice mock, Path dir) throws Exception {
    WireRecording transport = new WireRecording(DtxTransport.tcp(mock.rsdHost(), mock.dtxPort()));
    try (DtxConnection connection = DtxConnection.builder(transport).connect();
        Instruments instruments = Instruments.over(connection)) {
      int pid = instruments.processes().get(0).pid();
      instruments.execname(pid);
      int safari = instruments.launch("com.apple.mobilesafari");
      // The mock sends the app's output 20 ms after launching it; killing it first (as a loaded machine may) would
      // leave no outputReceived: in the recording to generate a callback from. Wait for it, bounded.
      assertTrue(transport.awaitReceived("outputReceived:", java.time.Duration.ofSeconds(20)),
          "the mock sent the launched app's output");
      instruments.signal(15, safari);
      instruments.kill(instruments.launch("com.apple.Preferences"));
      instruments.screenshot();
      instruments.setLocation(48.8566, 2.3522);
      instruments.clearLocation();
      instruments.conditions();
      instruments.apps();
      instruments.energy(List.of(pid));
      // The device tells of a process's end on its own, after the replies: wait for it before closing.
      assertTrue(transport.awaitReceived("processWithPID:terminatedWithExitCode:orCrashingSignal:",
          java.time.Duration.ofSeconds(20)), "the mock told of the killed process's end");
    }
    Path sent = Files.write(dir.resolve("to-device.bin"), transport.sentBytes());
    Path received = Files.write(dir.resolve("from-device.bin"), transport.receivedBytes());
    return Stubs.Input.pair(sent, received);
  }

  @Test
  void stubsOfTheCatalogueAgreeWithItsDeclarations(@TempDir Path dir) throws Exception {
    Stubs.Result result;
    try (MockDevice mock = MockDevice.start()) {
      result = Stubs.generate("com.example.found", List.of(session(mock, dir)));
    }
    assertEquals(List.of(), result.warnings());
    StubCompiler.assertCompiles(result, StubCompiler.compile(result));
    try (java.net.URLClassLoader loader = StubCompiler.compileToDisk(result, dir.resolve("out"))) {
      List<String> compared = CatalogueComparison.compare(loader);
      assertEquals(List.of("com.apple.instruments.server.services.ConditionInducer",
          "com.apple.instruments.server.services.LocationSimulation",
          "com.apple.instruments.server.services.device.applictionListing",
          "com.apple.instruments.server.services.deviceinfo",
          "com.apple.instruments.server.services.processcontrol",
          "com.apple.instruments.server.services.screenshot",
          "com.apple.xcode.debug-gauge-data-providers.Energy"), compared);
    }
    String deviceInfo = result.sources().stream().filter(s -> s.qualifiedName().endsWith(".Deviceinfo"))
        .findFirst().orElseThrow().content();
    // runningProcesses answers a list of dictionaries with the same keys: a record, named from the selector.
    assertTrue(deviceInfo.contains("List<RunningProcessesItem> runningProcesses();"), deviceInfo);
    assertTrue(deviceInfo.contains("record RunningProcessesItem("), deviceInfo);
    String processControl = result.sources().stream().filter(s -> s.qualifiedName().endsWith(".Processcontrol"))
        .findFirst().orElseThrow().content();
    assertTrue(processControl.contains("void sendSignal(int signal, int pid);"), processControl);
    // What the device sent on the channel: notifications, with parameter names from the selector's parts.
    assertTrue(processControl.contains("default void outputReceived(String output, int process, long time)"),
        processControl);
    assertFalse(result.sources().isEmpty());
  }
}
