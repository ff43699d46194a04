package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.services.xctest.XCTestManagerDaemonConnectionInterface;
import dtxkit.services.xctest.XCTestManagerIdeInterface;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock device's testmanagerd: the daemon side of {@code dtxproxy:XCTestManager_IDEInterface:
 * XCTestManager_DaemonConnectionInterface} (control and test sessions, authorizing a runner's process), and the
 * test runners it joins to their session. A process launched with {@code XCTestSessionIdentifier} in its environment,
 * of a runner app that has a {@link MockTestPlan}, becomes a {@link MockTestRunner} that plays that plan on the
 * session's connection.
 *
 * <p>Reached as {@value #RSD_SERVICE} through RSD (iOS 17+), {@value #LOCKDOWN_SECURE} through lockdown (14-16,
 * TLS kept) and {@value #LOCKDOWN} (up to 13, TLS handshake then plain DTX): the same DTX service registry
 * ({@link #registry()}) on each.
 */
final class MockTestmanagerd implements DeviceState.ProcessListener {
  private static final Logger LOG = LoggerFactory.getLogger(MockTestmanagerd.class);

  /** testmanagerd through RSD (iOS 17 and later), plain DTX. */
  static final String RSD_SERVICE = "com.apple.dt.testmanagerd.remote";
  /** testmanagerd through lockdown on iOS 14 to 16: TLS for the whole connection. */
  static final String LOCKDOWN_SECURE = "com.apple.testmanagerd.lockdown.secure";
  /** testmanagerd through lockdown up to iOS 13: a TLS handshake, then plain DTX. */
  static final String LOCKDOWN = "com.apple.testmanagerd.lockdown";
  /** The protocol version this daemon speaks (Xcode 12 and later send 36). */
  static final long PROTOCOL_VERSION = 36;
  /** The most test runners playing at once; a runner launched beyond it exits at once. */
  static final int MAX_RUNNERS = 16;

  /** What the daemon answers {@code _IDE_initiate...WithCapabilities:} with. */
  static final XCTCapabilities DAEMON_CAPABILITIES = new XCTCapabilities(capabilities(
      "daemon container sandbox extension", "request diagnostics for specific devices",
      "skipped test capability", "XCTIssue capability"));

  private final DeviceState state;
  private final int iosMajor;
  private final Map<String, MockTestPlan> plans;
  private final Duration runnerWait;
  private final ThreadFactory threads;
  private final DtxServiceRegistry registry = new DtxServiceRegistry();
  private final Map<UUID, Session> sessions = new ConcurrentHashMap<>();
  private final Set<Integer> authorized = ConcurrentHashMap.newKeySet();
  private final Map<Integer, MockTestRunner> runners = new ConcurrentHashMap<>();
  private final AtomicInteger refusedRunners = new AtomicInteger();

  /** A test session: the IDE's connection its runner's callbacks go to, and the protocol version agreed. */
  record Session(UUID identifier, DtxConnection connection, long protocolVersion, XCTCapabilities ideCapabilities) {}

  MockTestmanagerd(DeviceState state, int iosMajor, Map<String, MockTestPlan> plans, Duration runnerWait,
      ThreadFactory threads) {
    this.state = state;
    this.iosMajor = iosMajor;
    this.plans = Map.copyOf(plans);
    this.runnerWait = runnerWait;
    this.threads = threads;
    registry.registerProxy(XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class,
        (channel, ide) -> new Daemon(channel));
    state.addListener(this);
  }

  /** The services a testmanagerd connection serves. */
  DtxServiceRegistry registry() {
    return registry;
  }

  /** The lockdown service name on this iOS version, or null on 17+ (only through RSD). */
  String lockdownService() {
    return iosMajor >= 17 ? null : iosMajor >= 14 ? LOCKDOWN_SECURE : LOCKDOWN;
  }

  /** Whether the RSD face advertises {@value #RSD_SERVICE} (iOS 17 and later). */
  boolean servedThroughRsd() {
    return iosMajor >= 17;
  }

  /** The session of this identifier, or null. */
  Session session(UUID identifier) {
    return sessions.get(identifier);
  }

  /** Whether the control session let this pid join its test session (always true before iOS 12: no such call). */
  boolean authorized(int pid) {
    return iosMajor < 12 || authorized.contains(pid);
  }

  int iosMajor() {
    return iosMajor;
  }

  Duration runnerWait() {
    return runnerWait;
  }

  DeviceState state() {
    return state;
  }

  /** Runners launched beyond {@link #MAX_RUNNERS}. */
  int refusedRunners() {
    return refusedRunners.get();
  }

  @Override
  public void started(MockProcess process) {
    MockTestPlan plan = process.bundleIdentifier() == null ? null : plans.get(process.bundleIdentifier());
    String session = process.environment().get("XCTestSessionIdentifier");
    String configPath = process.environment().getOrDefault("XCTestConfigurationFilePath", "");
    if (plan == null || (session == null && configPath.isEmpty())) {
      return; // not launched for a test run: an app like any other
    }
    UUID id = null;
    if (session != null) {
      try {
        id = UUID.fromString(session.trim());
      } catch (IllegalArgumentException e) {
        LOG.info("runner {} launched with an XCTestSessionIdentifier that is no UUID ({}): it exits",
            process.bundleIdentifier(), session);
      }
    } else {
      // Without the variable a runner learns its session from its configuration file (Xcode 11, appium).
      XCTestConfiguration c = MockTestRunner.configurationFile(state, configPath);
      id = c == null ? null : c.sessionIdentifier();
      if (id == null) {
        LOG.info("runner {} launched without XCTestSessionIdentifier and no configuration at {}: it exits",
            process.bundleIdentifier(), configPath);
      }
    }
    if (id == null) {
      exitLater(process, 1);
      return;
    }
    if (runners.size() >= MAX_RUNNERS) {
      refusedRunners.incrementAndGet();
      exitLater(process, 1);
      return;
    }
    MockTestRunner runner = new MockTestRunner(this, process, id, plan);
    runners.put(process.pid(), runner);
    Thread t = threads.newThread(runner::run);
    t.setName("mock-test-runner-" + process.pid());
    runner.thread(t);
    t.start();
  }

  /** A process that cannot play ends as a crashed runner would, after its launch reply has gone out. */
  private void exitLater(MockProcess process, int status) {
    state.scheduler.schedule(() -> state.terminate(process.pid(), status, null), 20,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public void terminated(MockProcess process, Integer exitCode, Integer signal) {
    authorized.remove(process.pid());
    MockTestRunner runner = runners.remove(process.pid());
    if (runner != null) {
      runner.killed();
    }
  }

  /** Stops every runner (the device is closing). */
  void close() {
    for (MockTestRunner runner : List.copyOf(runners.values())) {
      runner.killed();
    }
    runners.clear();
  }

  private void session(DtxChannel channel, UUID identifier, long version, XCTCapabilities capabilities) {
    DtxConnection connection = channel.connection();
    sessions.put(identifier, new Session(identifier, connection, version, capabilities));
    connection.closeFuture().thenRun(() -> {
      sessions.remove(identifier);
      // The IDE is gone: its runner has nobody to report to, and ends.
      for (MockTestRunner r : List.copyOf(runners.values())) {
        if (r.session().equals(identifier)) {
          r.sessionEnded();
        }
      }
    });
  }

  /** One channel's daemon: what the IDE calls on testmanagerd. */
  private final class Daemon implements XCTestManagerDaemonConnectionInterface {
    private final DtxChannel channel;

    Daemon(DtxChannel channel) {
      this.channel = channel;
    }

    @Override
    public XCTCapabilities initiateControlSessionWithCapabilities(XCTCapabilities capabilities) {
      return DAEMON_CAPABILITIES;
    }

    @Override
    public long initiateControlSessionWithProtocolVersion(long protocolVersion) {
      return Math.min(protocolVersion, PROTOCOL_VERSION);
    }

    @Override
    public XCTCapabilities initiateSessionWithIdentifierAndCapabilities(UUID sessionIdentifier,
        XCTCapabilities capabilities) {
      session(channel, java.util.Objects.requireNonNull(sessionIdentifier, "sessionIdentifier"), PROTOCOL_VERSION,
          capabilities);
      return DAEMON_CAPABILITIES;
    }

    @Override
    public long initiateSessionWithIdentifier(UUID sessionIdentifier, String client, String path,
        long protocolVersion) {
      long version = Math.min(protocolVersion, PROTOCOL_VERSION);
      session(channel, java.util.Objects.requireNonNull(sessionIdentifier, "sessionIdentifier"), version, null);
      return version;
    }

    @Override
    public boolean authorizeTestSessionWithProcessId(long pid) {
      return authorize(pid);
    }

    @Override
    public Object initiateControlSessionForTestProcessIdWithVersion(long pid, long protocolVersion) {
      return authorize(pid) ? Math.min(protocolVersion, PROTOCOL_VERSION) : 0L;
    }

    @Override
    public Object initiateControlSessionForTestProcessId(long pid) {
      return authorize(pid);
    }

    @Override
    public List<Object> collectNewCrashReports(List<String> directories, List<String> processNames) {
      return List.of();
    }

    private boolean authorize(long pid) {
      if (pid <= 0 || pid > Integer.MAX_VALUE || state.process((int) pid) == null) {
        return false;
      }
      authorized.add((int) pid);
      MockTestRunner runner = runners.get((int) pid);
      if (runner != null) {
        runner.authorizationChanged();
      }
      return true;
    }
  }

  static Map<String, Object> capabilities(String... names) {
    Map<String, Object> caps = new LinkedHashMap<>();
    for (String name : names) {
      caps.put(name, 1L);
    }
    return caps;
  }
}
