package dtxkit.services.xctest;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.runtime.testing.DtxTestPeers;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.processcontrol.ProcessControl;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small in-process device for the runner's flow tests: a testmanagerd that records the daemon calls it gets, a
 * processcontrol whose launch starts a scripted runner (it opens the driver channel on the session connection, says
 * it is ready, takes its configuration, and plays {@link #plan} once the plan is started), installed apps, and a
 * container file store.
 */
final class ScriptedDevice implements XcTestDevice, AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final int RUNNER_PID = 4242;

  final String version;
  final List<String> daemonCalls = new CopyOnWriteArrayList<>();
  final List<Map<String, String>> launches = new CopyOnWriteArrayList<>();
  final List<Integer> killed = new CopyOnWriteArrayList<>();
  final Map<String, byte[]> containerFiles = new ConcurrentHashMap<>();
  final CompletableFuture<XCTestConfiguration> configurationReceived = new CompletableFuture<>();
  final InstalledApp runner = new InstalledApp("com.example.UITests.xctrunner", "UITests-Runner", "1.0", "User",
      "/private/var/containers/Bundle/Application/R/UITests-Runner.app", "/private/var/mobile/Containers/Data/C",
      Map.of("CFBundleExecutable", "UITests-Runner"));
  final InstalledApp target = new InstalledApp("com.example.app", "Example", "1.0", "User",
      "/private/var/containers/Bundle/Application/T/Example.app", "/private/var/mobile/Containers/Data/D",
      Map.of("CFBundleExecutable", "Example"));

  /** What the runner does once its plan is started, through the IDE's interface. */
  volatile Consumer<XCTestManagerIdeInterface> plan = ide -> {
    ide.didBeginExecutingTestPlan();
    ide.didFinishExecutingTestPlan();
  };
  /** False: the launched runner never opens its channel. */
  volatile boolean runnerConnects = true;

  private final List<DtxConnection> deviceSides = Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService runnerThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "scripted-runner");
    t.setDaemon(true);
    return t;
  });
  private volatile DtxConnection session;
  /** The runner's driver channel, once it opened it (for sending what no interface declares). */
  volatile dtxkit.runtime.DtxChannel runnerChannel;
  private volatile ProcessControl.Events processEvents;
  private int testManagers;

  ScriptedDevice(String version) {
    this.version = version;
  }

  @Override
  public String productVersion() {
    return version;
  }

  @Override
  public synchronized DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException {
    String which = testManagers++ == 0 ? "control" : "session";
    DtxServiceRegistry daemon = new DtxServiceRegistry();
    daemon.registerProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
        (channel, ide) -> new RecordingDaemon(which));
    DtxConnection[] pair = serve(daemon, registry, name);
    if (which.equals("session")) {
      session = pair[1];
    }
    return pair[0];
  }

  @Override
  public DtxConnection connectInstruments() throws IOException {
    DtxServiceRegistry instruments = new DtxServiceRegistry();
    instruments.registerPerChannel(ProcessControl.class, ProcessControl.Events.class, (channel, events) -> {
      processEvents = events;
      return new Launcher();
    });
    return serve(instruments, new DtxServiceRegistry(), "instruments")[0];
  }

  @Override
  public InstalledApp lookupApp(String bundleIdentifier) {
    return bundleIdentifier.equals(runner.bundleIdentifier()) ? runner
        : bundleIdentifier.equals(target.bundleIdentifier()) ? target : null;
  }

  @Override
  public void writeToAppContainer(String bundleIdentifier, String path, byte[] content) {
    containerFiles.put(bundleIdentifier + ":" + path, content.clone());
  }

  /** Pushes processcontrol's termination callback for the runner. */
  void runnerExits(int code) {
    processEvents.processTerminated(RUNNER_PID, code, null);
  }

  private DtxConnection[] serve(DtxServiceRegistry deviceRegistry, DtxServiceRegistry hostRegistry, String name)
      throws IOException {
    DtxTestPeers.Connected pair = DtxTestPeers.inMemory(deviceRegistry, hostRegistry, name, WAIT);
    deviceSides.add(pair.device());
    return new DtxConnection[] {pair.host(), pair.device()};
  }

  @Override
  public void close() {
    runnerThread.shutdownNow();
    deviceSides.forEach(DtxConnection::close);
  }

  /** testmanagerd's side of one proxy channel. */
  private final class RecordingDaemon implements XCTestManagerDaemonConnectionInterface {
    private final String which;

    RecordingDaemon(String which) {
      this.which = which;
    }

    @Override
    public XCTCapabilities initiateControlSessionWithCapabilities(XCTCapabilities capabilities) {
      daemonCalls.add(which + " initiateControlSessionWithCapabilities " + capabilities.capabilities());
      return new XCTCapabilities(Map.of());
    }

    @Override
    public long initiateControlSessionWithProtocolVersion(long protocolVersion) {
      daemonCalls.add(which + " initiateControlSessionWithProtocolVersion " + protocolVersion);
      return protocolVersion;
    }

    @Override
    public XCTCapabilities initiateSessionWithIdentifierAndCapabilities(UUID session, XCTCapabilities capabilities) {
      daemonCalls.add(which + " initiateSessionWithIdentifierAndCapabilities "
          + capabilities.capabilities().containsKey("XCTIssue capability"));
      return new XCTCapabilities(Map.of("daemon container sandbox extension", 1));
    }

    @Override
    public long initiateSessionWithIdentifier(UUID session, String client, String path, long protocolVersion) {
      daemonCalls.add(which + " initiateSessionWithIdentifier " + path + " " + protocolVersion);
      return protocolVersion;
    }

    @Override
    public boolean authorizeTestSessionWithProcessId(long pid) {
      daemonCalls.add(which + " authorizeTestSessionWithProcessId " + pid);
      return pid == RUNNER_PID;
    }

    @Override
    public Object initiateControlSessionForTestProcessIdWithVersion(long pid, long protocolVersion) {
      daemonCalls.add(which + " initiateControlSessionForTestProcessIdWithVersion " + pid + " " + protocolVersion);
      return true;
    }

    @Override
    public List<Object> collectNewCrashReports(List<String> directories, List<String> processNames) {
      return List.of();
    }
  }

  /** processcontrol: the launch starts the scripted runner on its own thread, as a process would. */
  private final class Launcher implements ProcessControl {
    @Override
    public int launchSuspendedProcess(String devicePath, String bundleIdentifier, Map<String, String> environment,
        List<String> arguments, Map<String, Object> options) {
      launches.add(environment);
      if (runnerConnects) {
        runnerThread.execute(this::runRunner);
      }
      return RUNNER_PID;
    }

    private void runRunner() {
      try {
        CompletableFuture<Long> started = new CompletableFuture<>();
        DtxProxyHandle<XCTestManagerIdeInterface, XCTestDriverInterface> driver = session.openProxy(
            XCTestManagerIdeInterface.class, XCTestDriverInterface.class, started::complete);
        runnerChannel = driver.channel();
        XCTestManagerIdeInterface ide = driver.remote();
        ide.testBundleReadyWithProtocolVersion(36, 7);
        configurationReceived.complete(ide.testRunnerReadyWithCapabilities(
            new XCTCapabilities(Map.of("ubiquitous test identifiers", 1))));
        started.get(20, TimeUnit.SECONDS);
        plan.accept(ide);
      } catch (Exception e) {
        configurationReceived.completeExceptionally(e);
      }
    }

    @Override
    public void sendSignal(int signal, int pid) {}

    @Override
    public void killPid(int pid) {
      killed.add(pid);
    }

    @Override
    public boolean requestDisableMemoryLimits(int pid) {
      return true;
    }

    @Override
    public int processIdentifierForBundleIdentifier(String bundleIdentifier) {
      return RUNNER_PID;
    }

    @Override
    public void startObservingPid(int pid) {}

    @Override
    public void stopObservingPid(int pid) {}
  }
}
