package dtxkit.runtime.internal.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.DtxServiceHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.internal.behaviour.ProxyProtocols.Daemon;
import dtxkit.runtime.internal.behaviour.ProxyProtocols.Driver;
import dtxkit.runtime.internal.behaviour.ProxyProtocols.Ide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dtxproxy:} channels between two connections joined in memory, through the generated clients and
 * dispatchers: a channel the IDE opens (exporting {@code Ide}, calling {@code Daemon}), a channel the runner opens
 * (exporting {@code Driver}, calling {@code Ide}), replies carrying archived objects both ways, and the refusals that
 * keep proxy protocols and plain services apart.
 */
class ProxyChannelsLoopbackTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<DtxConnection> connections = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    connections.forEach(DtxConnection::close);
  }

  /** Connects {@code ide} to {@code device} over memory; both handshakes run together. */
  private DtxConnection[] connect(DtxServiceRegistry ideRegistry, DtxServiceRegistry deviceRegistry)
      throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    CompletableFuture<DtxConnection> device = CompletableFuture.supplyAsync(() -> {
      try {
        return DtxConnection.builder(pair.b()).registry(deviceRegistry).callTimeout(WAIT).name("device")
            .connect();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    DtxConnection ide = DtxConnection.builder(pair.a()).registry(ideRegistry).callTimeout(WAIT).name("ide")
        .connect();
    connections.add(ide);
    DtxConnection dev = device.get(20, TimeUnit.SECONDS);
    connections.add(dev);
    return new DtxConnection[] {ide, dev};
  }

  /** The IDE's side: records what it is called with, answers the runner with a configuration. */
  static final class RecordingIde implements Ide {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();

    @Override
    public void logDebugMessage(String message) {
      calls.add("log " + message);
    }

    @Override
    public Map<String, Object> testRunnerReady(XCTCapabilities capabilities) {
      calls.add("ready " + capabilities.capabilities());
      return Map.of("testBundleURL", "file:///runner.xctest", "reportActivities", true);
    }

    @Override
    public void testCaseDidFinish(String testClass, String method, String status, double duration) {
      calls.add("finished " + testClass + "/" + method + " " + status + " " + duration);
    }
  }

  @Test
  void theIdeOpensAProxyChannelExportingOneProtocolAndCallingTheOther() throws Exception {
    BlockingQueue<String> daemonSaw = new LinkedBlockingQueue<>();
    DtxServiceRegistry device = new DtxServiceRegistry();
    // The daemon accepts the IDE's channel: it exports Daemon and calls the IDE back on the same channel.
    DtxServiceHandle<Daemon> daemons = device.registerProxy(Daemon.class, Ide.class, (channel, ide) -> new Daemon() {
      @Override
      public XCTCapabilities initiateSession(UUID session, XCTCapabilities capabilities) {
        daemonSaw.add(channel.identifier() + " " + session + " " + capabilities.capabilities());
        ide.logDebugMessage("session " + session);
        return new XCTCapabilities(Map.of("daemon container sandbox extension", 1));
      }

      @Override
      public CompletableFuture<Boolean> authorize(int pid) {
        return CompletableFuture.completedFuture(pid == 42);
      }

      @Override
      public List<String> collectCrashReports(List<String> directories, List<String> processNames) {
        return List.of();
      }
    });
    DtxConnection[] pair = connect(new DtxServiceRegistry(), device);
    RecordingIde ide = new RecordingIde();

    try (DtxProxyHandle<Daemon, Ide> daemon = pair[0].openProxy(Daemon.class, Ide.class, ide)) {
      assertEquals("dtxproxy:Test_IDEInterface:Test_DaemonInterface", daemon.identifier());
      assertEquals("dtxproxy:Test_IDEInterface:Test_DaemonInterface",
          DtxProxyHandle.identifier(Ide.class, Daemon.class));
      assertEquals(1, daemon.channel().code());
      assertEquals(Daemon.class, daemon.remoteType());
      assertEquals(Ide.class, daemon.localType());
      assertEquals(List.of("_IDE_initiateSessionWithIdentifier:capabilities:",
              "_IDE_authorizeTestSessionWithProcessID:",
              "_IDE_collectNewCrashReportsInDirectories:matchingProcessNames:"),
          daemon.remoteMethods().stream().map(m -> m.selector()).toList());
      assertEquals("_XCT_logDebugMessage:", daemon.localMethods().get(0).selector());

      UUID session = UUID.fromString("DF4DD5B7-6F17-45AF-A1C7-DE114C5A7CB9");
      XCTCapabilities answer = daemon.remote().initiateSession(session,
          new XCTCapabilities(Map.of("XCTIssue capability", 1)));
      assertEquals(Map.of("daemon container sandbox extension", 1), answer.capabilities());
      assertEquals("dtxproxy:Test_IDEInterface:Test_DaemonInterface " + session + " {XCTIssue capability=1}",
          daemonSaw.poll(20, TimeUnit.SECONDS));
      // The daemon's call back to the IDE arrived on the same channel, before the daemon's reply.
      assertEquals("log session " + session, ide.calls.poll(20, TimeUnit.SECONDS));
      assertTrue(daemon.remote().authorize(42).get(20, TimeUnit.SECONDS));
      assertFalse(daemon.remote().authorize(7).get(20, TimeUnit.SECONDS));
      assertEquals(1, daemons.channels().size());
      assertEquals(-1, daemons.channels().get(0).code());
    }
    assertEquals(0, pair[0].unhandledCount());
    assertEquals(0, pair[1].unhandledCount());
  }

  @Test
  void theRunnerOpensTheDriverChannelTheIdeAcceptsAndAddressesWithTheNegativeCode() throws Exception {
    RecordingIde ide = new RecordingIde();
    CompletableFuture<Driver> driverReady = new CompletableFuture<>();
    CompletableFuture<DtxChannel> driverChannel = new CompletableFuture<>();
    DtxServiceRegistry host = new DtxServiceRegistry();
    host.registerProxy(Ide.class, Driver.class, (channel, driver) -> {
      driverChannel.complete(channel);
      driverReady.complete(driver);
      return ide;
    });
    BlockingQueue<Integer> runnerSaw = new LinkedBlockingQueue<>();
    DtxConnection[] pair = connect(host, new DtxServiceRegistry());

    // The runner's side: it exports Driver, calls Ide.
    DtxProxyHandle<Ide, Driver> runner = pair[1].openProxy(Ide.class, Driver.class, runnerSaw::add);
    assertEquals("dtxproxy:Test_DriverInterface:Test_IDEInterface", runner.identifier());
    DtxChannel accepted = driverChannel.get(20, TimeUnit.SECONDS);
    assertEquals(-runner.channel().code(), accepted.code());
    assertEquals("dtxproxy:Test_DriverInterface:Test_IDEInterface", accepted.identifier());

    runner.remote().testBundleReady(35, 7);
    // A peer-sent invocation answered with an archived object.
    Map<String, Object> configuration = runner.remote().testRunnerReady(
        new XCTCapabilities(Map.of("ubiquitous test identifiers", 1)));
    assertEquals(Map.of("testBundleURL", "file:///runner.xctest", "reportActivities", true), configuration);
    assertEquals("ready {ubiquitous test identifiers=1}", ide.calls.poll(20, TimeUnit.SECONDS));

    // The IDE starts the plan over the runner's channel.
    driverReady.get(20, TimeUnit.SECONDS).startExecutingTestPlan(35);
    assertEquals(35, runnerSaw.poll(20, TimeUnit.SECONDS));
    runner.remote().testCaseDidFinish("blaTests.blaTests", "testExample", "passed", 0.25);
    assertEquals("finished blaTests.blaTests/testExample passed 0.25", ide.calls.poll(20, TimeUnit.SECONDS));
    assertEquals(0, pair[0].unhandledCount());
    runner.close();
    assertFalse(runner.isOpen());
  }

  @Test
  void aSelectorTheExportedProtocolDoesNotDeclareIsRefusedAsUnrecognized() throws Exception {
    DtxServiceRegistry host = new DtxServiceRegistry();
    host.registerProxy(Ide.class, Driver.class, (channel, driver) -> new RecordingIde());
    DtxConnection[] pair = connect(host, new DtxServiceRegistry());
    DtxChannel raw = pair[1].openChannel("dtxproxy:Test_DriverInterface:Test_IDEInterface");
    DtxUnrecognizedSelectorException e = assertThrows(DtxUnrecognizedSelectorException.class,
        () -> raw.invoke("_XCT_noSuchCallback"));
    assertTrue(e.getMessage().contains("_XCT_noSuchCallback"), e.getMessage());
  }

  /** An IDE that also answers selectors its protocol does not declare. */
  static final class LenientIde extends RecordingIdeBase implements dtxkit.runtime.DtxFallbackHandler {
    @Override
    public Object handleUnknown(dtxkit.runtime.DtxInvocation invocation) {
      calls.add("unknown " + invocation.selector() + " " + invocation.arguments());
      return invocation.selector().equals("_XCT_answer") ? 42 : null;
    }
  }

  /** Ide with default methods only, recording nothing but what a subclass adds. */
  static class RecordingIdeBase implements Ide {
    final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
  }

  @Test
  void anImplementationThatIsAFallbackHandlerAnswersUndeclaredSelectors() throws Exception {
    LenientIde ide = new LenientIde();
    DtxServiceRegistry host = new DtxServiceRegistry();
    host.registerProxy(Ide.class, Driver.class, (channel, driver) -> ide);
    DtxConnection[] pair = connect(host, new DtxServiceRegistry());
    DtxChannel raw = pair[1].openChannel("dtxproxy:Test_DriverInterface:Test_IDEInterface");
    assertEquals(null, raw.invoke("_XCT_somethingNew:", dtxkit.runtime.DtxArgument.object("x")));
    assertEquals(42, raw.invoke("_XCT_answer"));
    // Declared selectors still go to the dispatcher.
    raw.invoke("_XCT_logDebugMessage:", dtxkit.runtime.DtxArgument.object("hello"));
    assertEquals("unknown _XCT_somethingNew: [x]", ide.calls.poll(20, TimeUnit.SECONDS));
    assertEquals("unknown _XCT_answer []", ide.calls.poll(20, TimeUnit.SECONDS));
    assertNull(ide.calls.poll(100, TimeUnit.MILLISECONDS), "the declared call reached the default method");
  }

  @Test
  void proxyProtocolsAndPlainServicesDoNotMix() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry();
    IllegalArgumentException notPlain = assertThrows(IllegalArgumentException.class,
        () -> registry.register(Ide.class, new RecordingIde()));
    assertTrue(notPlain.getMessage().contains("is a dtxproxy: protocol (\"Test_IDEInterface\")"),
        notPlain.getMessage());
    IllegalArgumentException notProxy = assertThrows(IllegalArgumentException.class,
        () -> registry.registerProxy(Ide.class, Typed.class, (channel, typed) -> new RecordingIde()));
    assertTrue(notProxy.getMessage().contains("is a plain service (\"dtxkit.test.typed\")"), notProxy.getMessage());
    assertTrue(registry.identifiers().isEmpty());

    DtxConnection[] pair = connect(new DtxServiceRegistry(), new DtxServiceRegistry());
    assertThrows(IllegalArgumentException.class, () -> pair[0].openService(Ide.class));
    assertThrows(IllegalArgumentException.class, () -> pair[0].open(Driver.class));
    assertThrows(IllegalArgumentException.class, () -> pair[0].openProxy(Typed.class, Ide.class, new RecordingIde()));
    assertThrows(NullPointerException.class, () -> pair[0].openProxy(Daemon.class, Ide.class, null));
    assertTrue(pair[0].channels().stream().allMatch(c -> c.code() == 0), "no channel was requested");
  }
}
