package dtxkit.services.xctest;

import dtxkit.runtime.DtxClientHandle;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxException;
import dtxkit.runtime.DtxProxyHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.archive.NSKeyedArchiver;
import dtxkit.runtime.archive.NSURL;
import dtxkit.runtime.archive.XCTCapabilities;
import dtxkit.runtime.archive.XCTTestIdentifier;
import dtxkit.runtime.archive.XCTTestIdentifierSet;
import dtxkit.runtime.archive.XCTestConfiguration;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.processcontrol.ProcessControl;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs XCTest bundles (XCUITest runners, WebDriverAgent) on a device, the way Xcode does over testmanagerd.
 *
 * <pre>{@code
 * try (RsdClient rsd = RsdClient.connect(host, port);
 *      XcTestRun run = XcTestRunner.on(XcTestDevice.rsd(rsd)).start(
 *          XcTestRequest.builder("com.example.UITests.xctrunner").targetApp("com.example.app").build())) {
 *     XcTestSummary summary = run.summary().get(10, TimeUnit.MINUTES);
 *     System.out.println(summary.passed() + " passed, " + summary.failed() + " failed");
 * }
 * }</pre>
 *
 * <p>The steps ({@link #start}): find the runner (and the app under test) with installation_proxy {@code Lookup};
 * build the {@link XCTestConfiguration} (its {@code testBundleURL} in the runner's {@code PlugIns}, a new session
 * identifier, the tests to run or skip, Xcode's capabilities); open two testmanagerd connections, each with the
 * {@code dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface} channel, a control session and
 * a test session (accepting the runner's {@code dtxproxy:XCTestDriverInterface:XCTestManager_IDEInterface} channel);
 * launch the runner through processcontrol with the XCTest environment; authorize its process; wait for its channel;
 * start the plan. The configuration reaches the runner as the reply to
 * {@code _XCT_testRunnerReadyWithCapabilities:} and, on iOS 13 and earlier, also as a file in its container. Which
 * calls depends on the iOS version: see {@link Flow}.
 */
public final class XcTestRunner {

  /** The client and path Xcode names in {@code _IDE_initiateSessionWithIdentifier:forClient:atPath:...}. */
  static final String XCODE_PATH = "/Applications/Xcode.app/Contents/Developer/usr/bin/xcodebuild";

  /** The flows by iOS version. */
  public enum Flow {
    /**
     * iOS 17 and later, through RSD ({@value XcTestDevice#TESTMANAGERD_REMOTE}): sessions with capabilities
     * ({@code _IDE_initiateControlSessionWithCapabilities:}, {@code _IDE_initiateSessionWithIdentifier:capabilities:}),
     * {@code XCTestManagerVariant=DDI} and {@code /System/Developer} paths in the runner's environment, no
     * configuration file.
     */
    RSD(36, null, false),
    /**
     * iOS 14 to 16, through lockdown ({@value XcTestDevice#TESTMANAGERD_SECURE}): sessions with protocol version 36
     * ({@code _IDE_initiateControlSessionWithProtocolVersion:},
     * {@code _IDE_initiateSessionWithIdentifier:forClient:atPath:protocolVersion:}), no configuration file.
     */
    SECURE(36, XcTestDevice.TESTMANAGERD_SECURE, false),
    /**
     * iOS 12 and 13 ({@value XcTestDevice#TESTMANAGERD_LOCKDOWN}): as {@link #SECURE}, and the configuration also
     * written into the runner's container (house_arrest), named by {@code XCTestConfigurationFilePath}.
     */
    LOCKDOWN(36, XcTestDevice.TESTMANAGERD_LOCKDOWN, true),
    /**
     * iOS 11 and earlier: protocol 25; no control session before the launch, the runner authorized with
     * {@code _IDE_initiateControlSessionForTestProcessID:protocolVersion:}; the configuration file as
     * {@link #LOCKDOWN}.
     */
    LEGACY(25, XcTestDevice.TESTMANAGERD_LOCKDOWN, true);

    private final int protocolVersion;
    private final String lockdownService;
    private final boolean configurationFile;

    Flow(int protocolVersion, String lockdownService, boolean configurationFile) {
      this.protocolVersion = protocolVersion;
      this.lockdownService = lockdownService;
      this.configurationFile = configurationFile;
    }

    /**
     * The flow of an iOS version.
     *
     * @param productVersion e.g. {@code 17.4}, {@code 15.8}
     * @throws IllegalArgumentException not a version number
     */
    public static Flow of(String productVersion) {
      int major;
      try {
        major = Integer.parseInt(Objects.requireNonNull(productVersion, "productVersion").strip().split("\\.", 2)[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an iOS version: '" + productVersion + "'", e);
      }
      return major >= 17 ? RSD : major >= 14 ? SECURE : major >= 12 ? LOCKDOWN : LEGACY;
    }

    /** The protocol version sent to the daemon and with {@code _IDE_startExecutingTestPlanWithProtocolVersion:}. */
    public int protocolVersion() {
      return protocolVersion;
    }

    /** The lockdown service of testmanagerd, or null for {@link #RSD}. */
    public String lockdownService() {
      return lockdownService;
    }

    /** Whether the runner reads its configuration from a file in its container. */
    public boolean configurationFile() {
      return configurationFile;
    }
  }

  /**
   * Default {@link #authorizationDelay(Duration)}: the second go-ios and pymobiledevice3 wait between launching the
   * runner and authorizing its process on iOS 16 and earlier.
   */
  public static final Duration DEFAULT_AUTHORIZATION_DELAY = Duration.ofSeconds(1);

  /** Waits; {@code TimeUnit.sleep} outside tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final XcTestDevice device;
  private final Duration authorizationDelay;
  private final Sleeper sleeper;

  private XcTestRunner(XcTestDevice device, Duration authorizationDelay, Sleeper sleeper) {
    this.device = Objects.requireNonNull(device, "device");
    this.authorizationDelay = authorizationDelay;
    this.sleeper = sleeper;
  }

  /** A runner for tests on {@code device}. */
  public static XcTestRunner on(XcTestDevice device) {
    return new XcTestRunner(device, DEFAULT_AUTHORIZATION_DELAY, d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
  }

  /**
   * How long to wait after launching the runner before authorizing its process on iOS 16 and earlier (every
   * {@link Flow} but {@link Flow#RSD}): {@code _IDE_authorizeTestSessionWithProcessID:}, or on iOS 11 and earlier
   * {@code _IDE_initiateControlSessionForTestProcessID:protocolVersion:}. go-ios and pymobiledevice3 wait
   * about a second there, so that testmanagerd knows the new process when asked; on iOS 17
   * and later nobody waits and neither does this runner. Zero turns it off (tests against a mock device).
   *
   * @param delay at least zero (default {@link #DEFAULT_AUTHORIZATION_DELAY})
   * @return a runner like this one with that delay
   */
  public XcTestRunner authorizationDelay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("authorizationDelay must not be negative: " + delay);
    }
    return new XcTestRunner(device, delay, sleeper);
  }

  /** The delay before authorizing the runner's process on iOS 16 and earlier. */
  public Duration authorizationDelay() {
    return authorizationDelay;
  }

  /** The same runner, waiting with {@code sleeper} (tests: record the wait instead of sleeping). */
  XcTestRunner sleeper(Sleeper sleeper) {
    return new XcTestRunner(device, authorizationDelay, Objects.requireNonNull(sleeper, "sleeper"));
  }

  /**
   * Starts a run and returns once the runner has connected and its plan was started; events and the summary follow
   * on the returned run. Close the run to stop it (a WebDriverAgent run stays up until then).
   *
   * @throws XcTestException the runner or target app is not installed, the runner did not connect in time, or the
   *     daemon refused a step
   * @throws IOException a device service cannot be reached
   */
  public XcTestRun start(XcTestRequest request) throws IOException {
    Objects.requireNonNull(request, "request");
    Flow flow = Flow.of(device.productVersion());
    InstalledApp runner = installed(request.runnerBundleId(), "runner");
    if (runner.path() == null) {
      throw new XcTestException("installation_proxy gave no Path for the runner " + request.runnerBundleId());
    }
    InstalledApp target = request.targetBundleId() == null ? null : installed(request.targetBundleId(), "target app");
    String bundleName = testBundleName(request, runner);
    UUID session = UUID.randomUUID();
    String testBundlePath = runner.path() + "/PlugIns/" + bundleName;
    XCTestConfiguration configuration = configuration(request, flow, target, bundleName, testBundlePath, session);

    XcTestRun run = new XcTestRun(request, flow, configuration);
    try {
      DtxServiceRegistry registry = new DtxServiceRegistry();
      registry.registerProxy(XCTestManagerIdeInterface.class, XCTestDriverInterface.class, run::runnerConnected);
      DtxConnection control = run.own(device.connectTestManager(new DtxServiceRegistry(), "xctest-control"));
      DtxConnection main = run.own(device.connectTestManager(registry, "xctest-session"));
      run.watch(control, "control");
      run.watch(main, "session");
      XCTestManagerDaemonConnectionInterface controlDaemon = control.openProxy(
          XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class, run.ide()).remote();
      XCTestManagerDaemonConnectionInterface sessionDaemon = main.openProxy(
          XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class, run.ide()).remote();
      String client = "dtxkit-" + session.toString().toUpperCase(Locale.ROOT);
      switch (flow) {
        case RSD -> {
          controlDaemon.initiateControlSessionWithCapabilities(new XCTCapabilities(Map.of()));
          sessionDaemon.initiateSessionWithIdentifierAndCapabilities(session, configuration.ideCapabilities());
        }
        case SECURE, LOCKDOWN -> {
          controlDaemon.initiateControlSessionWithProtocolVersion(flow.protocolVersion());
          sessionDaemon.initiateSessionWithIdentifier(session, client, XCODE_PATH, flow.protocolVersion());
        }
        case LEGACY -> sessionDaemon.initiateSessionWithIdentifier(session, client, XCODE_PATH,
            flow.protocolVersion());
      }
      String configurationPath = "";
      if (flow.configurationFile()) {
        if (runner.container() == null) {
          throw new XcTestException("installation_proxy gave no Container for the runner "
              + request.runnerBundleId() + "; iOS " + device.productVersion() + " reads its configuration there");
        }
        String relative = "tmp/" + session.toString().toUpperCase(Locale.ROOT) + ".xctestconfiguration";
        device.writeToAppContainer(request.runnerBundleId(), relative, NSKeyedArchiver.archive(configuration));
        configurationPath = runner.container() + "/" + relative;
      }

      DtxConnection instruments = run.own(device.connectInstruments());
      DtxClientHandle<ProcessControl, ProcessControl.Events> processControl = instruments.openService(
          ProcessControl.class, ProcessControl.Events.class, run.processEvents());
      int pid = processControl.client().launchSuspendedProcess("", request.runnerBundleId(),
          environment(request, flow, runner, testBundlePath, session, configurationPath), arguments(request),
          Map.of("StartSuspendedKey", false, "ActivateSuspended", true));
      run.launched(pid, processControl.client());

      if (flow != Flow.RSD && !authorizationDelay.isZero()) {
        try {
          sleeper.sleep(authorizationDelay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new XcTestException("interrupted while waiting to authorize the runner's process " + pid, e);
        }
      }
      if (flow == Flow.LEGACY) {
        controlDaemon.initiateControlSessionForTestProcessIdWithVersion(pid, flow.protocolVersion());
      } else if (!controlDaemon.authorizeTestSessionWithProcessId(pid)) {
        throw new XcTestException("testmanagerd refused to authorize the runner's process " + pid);
      }
      XCTestDriverInterface driver;
      try {
        driver = run.driver().get(request.runnerTimeout().toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new XcTestException("the runner " + request.runnerBundleId() + " (pid " + pid + ") did not open its"
            + " dtxproxy:XCTestDriverInterface channel within " + request.runnerTimeout(), e);
      } catch (ExecutionException e) {
        throw new XcTestException("the run ended before the runner connected: " + e.getCause().getMessage(),
            e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new XcTestException("interrupted while waiting for the runner", e);
      }
      driver.startExecutingTestPlan(flow.protocolVersion());
      return run;
    } catch (IOException | RuntimeException e) {
      run.close();
      if (e instanceof DtxException || e instanceof IOException) {
        throw e;
      }
      throw new XcTestException("cannot start " + request.runnerBundleId() + ": " + e.getMessage(), e);
    }
  }

  private InstalledApp installed(String bundleId, String what) throws IOException {
    InstalledApp app = device.lookupApp(bundleId);
    if (app == null) {
      throw new XcTestException("the " + what + " " + bundleId + " is not installed on the device");
    }
    return app;
  }

  /** The {@code .xctest} plug-in: named in the request, or the runner's executable without {@code -Runner}. */
  static String testBundleName(XcTestRequest request, InstalledApp runner) {
    if (request.testBundleName() != null) {
      return request.testBundleName().endsWith(".xctest") ? request.testBundleName()
          : request.testBundleName() + ".xctest";
    }
    Object executable = runner.attributes().get("CFBundleExecutable");
    if (executable instanceof String name && name.endsWith("-Runner") && name.length() > "-Runner".length()) {
      return name.substring(0, name.length() - "-Runner".length()) + ".xctest";
    }
    throw new XcTestException("cannot tell the test bundle of " + runner.bundleIdentifier() + " from its executable "
        + executable + " (expected NAME-Runner); name it with XcTestRequest.Builder.testBundleName");
  }

  static XCTestConfiguration configuration(XcTestRequest request, Flow flow, InstalledApp target, String bundleName,
      String testBundlePath, UUID session) {
    XCTestConfiguration.Builder builder = XCTestConfiguration.builder(NSURL.fileUrl(testBundlePath), session)
        .productModuleName(bundleName.substring(0, bundleName.length() - ".xctest".length()))
        .targetApplicationArguments(request.targetArguments())
        .targetApplicationEnvironment(request.targetEnvironment());
    if (target != null) {
      builder.targetApplicationBundleId(target.bundleIdentifier());
      if (target.path() != null) {
        builder.targetApplicationPath(target.path());
      }
    }
    if (!request.testsToRun().isEmpty()) {
      builder.testsToRun(new LinkedHashSet<>(request.testsToRun()));
    }
    if (!request.testsToSkip().isEmpty()) {
      builder.testsToSkip(new LinkedHashSet<>(request.testsToSkip()));
    }
    if (flow == Flow.RSD) {
      if (!request.testsToRun().isEmpty()) {
        builder.testIdentifiersToRun(identifiers(request.testsToRun()));
      }
      if (!request.testsToSkip().isEmpty()) {
        builder.testIdentifiersToSkip(identifiers(request.testsToSkip()));
      }
    }
    return builder.build();
  }

  private static XCTTestIdentifierSet identifiers(List<String> names) {
    List<XCTTestIdentifier> ids = new ArrayList<>();
    for (String name : names) {
      int slash = name.indexOf('/');
      ids.add(slash < 0 ? XCTTestIdentifier.testClass(name)
          : XCTTestIdentifier.method(name.substring(0, slash), name.substring(slash + 1)));
    }
    return new XCTTestIdentifierSet(ids);
  }

  /** The runner's environment: what Xcode sets for the flow, then the request's own variables. */
  static Map<String, String> environment(XcTestRequest request, Flow flow, InstalledApp runner, String testBundlePath,
      UUID session, String configurationPath) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CA_ASSERT_MAIN_THREAD_TRANSACTIONS", "0");
    env.put("CA_DEBUG_TRANSACTIONS", "0");
    String frameworks = runner.path() + "/Frameworks";
    env.put("DYLD_FRAMEWORK_PATH", flow == Flow.RSD ? frameworks + ":/System/Developer/Library/Frameworks"
        : frameworks + ":");
    env.put("DYLD_LIBRARY_PATH", flow == Flow.RSD ? frameworks + ":/System/Developer/usr/lib" : frameworks);
    env.put("DYLD_INSERT_LIBRARIES", "/Developer/usr/lib/libMainThreadChecker.dylib");
    env.put("MTC_CRASH_ON_REPORT", "1");
    env.put("NSUnbufferedIO", "YES");
    env.put("OS_ACTIVITY_DT_MODE", "YES");
    env.put("SQLITE_ENABLE_THREAD_ASSERTIONS", "1");
    env.put("XCTestBundlePath", testBundlePath);
    env.put("XCTestConfigurationFilePath", configurationPath);
    env.put("XCTestSessionIdentifier", session.toString().toUpperCase(Locale.ROOT));
    if (flow == Flow.RSD) {
      env.put("XCTestManagerVariant", "DDI");
    }
    env.putAll(request.environment());
    return env;
  }

  static List<String> arguments(XcTestRequest request) {
    List<String> args = new ArrayList<>(List.of("-NSTreatUnknownArgumentsAsOpen", "NO",
        "-ApplePersistenceIgnoreState", "YES"));
    args.addAll(request.arguments());
    return args;
  }
}
