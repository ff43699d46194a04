package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceFactory;
import dtxkit.runtime.DtxServiceHandle;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.server.RsdCheckinResponder;
import dtxkit.runtime.rsd.server.RsdServer;
import dtxkit.runtime.xpc.XpcString;
import dtxkit.services.Instruments;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.applications.ApplicationListing;
import dtxkit.services.conditioninducer.ConditionInducer;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.energy.Energy;
import dtxkit.services.graphics.Graphics;
import dtxkit.services.location.LocationSimulation;
import dtxkit.services.networking.NetworkMonitor;
import dtxkit.services.notifications.MobileNotifications;
import dtxkit.services.processcontrol.ProcessControl;
import dtxkit.services.screenshot.Screenshot;
import dtxkit.services.sysmontap.Sysmontap;
import dtxkit.services.taps.ActivityTraceTap;
import dtxkit.services.taps.CoreProfileSessionTap;
import dtxkit.runtime.DtxTransport;
import dtxkit.services.lockdown.AfcClient;
import dtxkit.services.lockdown.HouseArrest;
import dtxkit.services.lockdown.ImageMounter;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.ServiceConnection;
import dtxkit.services.lockdown.SyslogRelay;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake iPhone on the network: an RSD server (RemoteXPC) advertising {@code com.apple.instruments.dtservicehub},
 * and on that port a DTX server hosting fake implementations of the whole Instruments catalogue, written against
 * the {@code dtxkit.services} interfaces and served through their generated dispatchers. Clients find it as they find
 * a device behind a tunnel: through RSD at {@link #rsdHost()}:{@link #rsdPort()}.
 *
 * <pre>{@code
 * try (MockDevice device = MockDevice.start();
 *      Instruments instruments = Instruments.connect(device.rsdHost(), device.rsdPort())) {
 *     int pid = instruments.launch("com.apple.mobilesafari");
 *     byte[] png = instruments.screenshot();
 * }
 * }</pre>
 *
 * <p>What it does, in short: a process list with launchd, SpringBoard, backboardd and friends; system apps that can be
 * launched (they appear in {@code runningProcesses} and write a few lines of output) and killed (a termination
 * callback follows when the client announced the capability); the NSError a device sends for an app that is not
 * installed; a real PNG screenshot; sysmontap samples at the configured interval (the first one invalid); graphics,
 * network and energy samples; condition inducer profiles; recorded location changes; notifications; tap DATA
 * streams; and a trace code table of a few hundred KiB. Replace any service with {@link Builder#service(Class,
 * Object)}, or add services of your own.
 *
 * <p>Thread-safe. {@link #close()} stops both servers, closes every client connection and stops the streams.
 */
public final class MockDevice implements AutoCloseable {

  /**
   * The bundle identifier of the UI-test runner app every mock device has installed (a user app, as Xcode installs
   * it): {@code UITests-Runner.app} with {@code PlugIns/UITests.xctest}, testing {@link #EXAMPLE_APP}.
   */
  public static final String UI_TESTS_RUNNER = "com.example.UITests.xctrunner";
  /** WebDriverAgent's runner app, installed on every mock device: its test plan never finishes. */
  public static final String WDA_RUNNER = "com.facebook.WebDriverAgentRunner.xctrunner";
  /** The app {@link #UI_TESTS_RUNNER} tests, installed on every mock device. */
  public static final String EXAMPLE_APP = "com.example.app";

  /** The service that {@link #rsdPort()} advertises, where the DTX server listens. */
  public static final String DTSERVICEHUB = "com.apple.instruments.dtservicehub";

  /**
   * Who the device says it is.
   *
   * @param udid {@code UniqueDeviceID}
   * @param productType e.g. {@code iPhone15,2}
   * @param osVersion e.g. {@code 17.4}
   * @param buildVersion e.g. {@code 21E219}
   * @param hardwareModel e.g. {@code D73AP}
   * @param deviceName the user-visible name
   */
  public record Identity(String udid, String productType, String osVersion, String buildVersion,
      String hardwareModel, String deviceName) {

    /**
     * Checks that nothing is null.
     *
     * @param udid {@code UniqueDeviceID}
     * @param productType e.g. {@code iPhone15,2}
     * @param osVersion e.g. {@code 17.4}
     * @param buildVersion e.g. {@code 21E219}
     * @param hardwareModel e.g. {@code D73AP}
     * @param deviceName the user-visible name
     */
    public Identity {
      Objects.requireNonNull(udid, "udid");
      Objects.requireNonNull(productType, "productType");
      Objects.requireNonNull(osVersion, "osVersion");
      Objects.requireNonNull(buildVersion, "buildVersion");
      Objects.requireNonNull(hardwareModel, "hardwareModel");
      Objects.requireNonNull(deviceName, "deviceName");
    }
  }

  /**
   * A simulated position.
   *
   * @param latitude degrees
   * @param longitude degrees
   */
  public record Location(double latitude, double longitude) {
  }

  /**
   * The active simulated condition.
   *
   * @param identifier the group, e.g. {@code SlowNetworkCondition}
   * @param profileIdentifier the profile, e.g. {@code SlowNetwork3GGood}
   */
  public record Condition(String identifier, String profileIdentifier) {
  }

  private static final AtomicInteger DEVICES = new AtomicInteger();
  private static final Logger LOG = LoggerFactory.getLogger(MockDevice.class);

  /** {@link Builder#testRunnerWait(java.time.Duration)}'s default, in seconds. */
  public static final int DEFAULT_TEST_RUNNER_WAIT_SECONDS = 300;
  static final java.time.Duration DEFAULT_TEST_RUNNER_WAIT = java.time.Duration.ofSeconds(
      DEFAULT_TEST_RUNNER_WAIT_SECONDS);

  /** The most lockdown service connections (installation_proxy, syslog_relay, ...) served at once. */
  public static final int MAX_SERVICE_CONNECTIONS = 64;

  private final DeviceState state;
  private final ScheduledThreadPoolExecutor scheduler;
  private final DtxServiceRegistry registry;
  private final DtxServer dtxServer;
  /** Set before anything can connect (the usbmuxd face serves DTX within them too). */
  private volatile dtxkit.runtime.wire.DtxMemoryBudget dtxBudget;
  private volatile java.time.Duration dtxIdle;
  private final RsdServer rsdServer;
  private final MockEnergy energy;
  private final Map<Class<?>, DtxServiceHandle<?>> handles;
  private final MockInstallationProxy installationProxy;
  private final MockImageMounter imageMounter;
  private final MockSyslogRelay syslogRelay;
  private final MockAfc afc;
  private final MockHouseArrest houseArrest;
  private final ThreadPoolExecutor serviceThreads;
  private final MockUsbFace usbFace;
  private final RsdCheckinResponder installationProxyShim;
  private final MockTestmanagerd testmanagerd;
  private final DtxServer testmanagerdServer;

  private MockDevice(Builder b) throws IOException {
    int number = DEVICES.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "mock-device-" + number + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    scheduler = new ScheduledThreadPoolExecutor(2, factory);
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    List<AppInfo> catalogue = new ArrayList<>(MockApplicationListing.defaultCatalogue());
    catalogue.addAll(MockApplicationListing.testApps());
    catalogue.addAll(b.extraApps);
    state = new DeviceState(b.identity, catalogue, scheduler);
    energy = new MockEnergy(state);
    installationProxy = new MockInstallationProxy(state);
    imageMounter = new MockImageMounter(state, b.developerImageMounted);
    syslogRelay = new MockSyslogRelay(state.syslog);
    afc = new MockAfc(state);
    houseArrest = new MockHouseArrest(state, afc);
    serviceThreads = new ThreadPoolExecutor(0, MAX_SERVICE_CONNECTIONS, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "mock-device-" + number + "-service-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    registry = new DtxServiceRegistry();
    registerCatalogue();
    int iosMajor = Builder.majorVersion(b.identity.osVersion());
    Map<String, MockTestPlan> plans = new LinkedHashMap<>();
    plans.put(UI_TESTS_RUNNER, MockTestPlan.passing());
    plans.put(WDA_RUNNER, MockTestPlan.webDriverAgent(MockTestPlan.WDA_URL));
    plans.putAll(b.testPlans);
    testmanagerd = new MockTestmanagerd(state, iosMajor, plans, b.testRunnerWait, factory);
    handles = new LinkedHashMap<>();
    for (Consumer<MockDevice> override : b.overrides) {
      override.accept(this);
    }
    DtxServer dtx = null;
    DtxServer tm = null;
    RsdCheckinResponder shim = null;
    try {
      DtxServer.Builder dtxBuilder = DtxServer.builder(registry).bindAddress(b.host).port(b.dtxPort)
          .idleTimeout(b.idleTimeout);
      if (b.memoryBudgetBytes > 0) {
        dtxBuilder.memoryBudget(dtxkit.runtime.wire.DtxMemoryBudget.of(b.memoryBudgetBytes));
      }
      dtx = dtxBuilder.start();
      dtxBudget = dtx.memoryBudget();
      dtxIdle = dtx.idleTimeout();
      if (testmanagerd.servedThroughRsd()) {
        tm = DtxServer.builder(testmanagerd.registry()).bindAddress(b.host).port(0).start();
      }
      shim = new RsdCheckinResponder(b.host, this::serveInstallationProxyShim, factory);
      PeerInfo.Builder peerInfoBuilder = PeerInfo.builder()
          .udid(b.identity.udid())
          .productType(b.identity.productType())
          .osVersion(b.identity.osVersion())
          .buildVersion(b.identity.buildVersion())
          .property("DeviceClass", new XpcString("iPhone"))
          .property("HardwareModel", new XpcString(b.identity.hardwareModel()))
          .property("ProductName", new XpcString("iPhone OS"))
          .property("DeviceName", new XpcString(b.identity.deviceName()))
          .uuid(UUID.nameUUIDFromBytes(b.identity.udid().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .service(RsdService.of(DTSERVICEHUB, dtx.port(), false))
          .service(RsdService.of(InstallationProxy.SHIM_SERVICE, shim.port(), false));
      if (tm != null) {
        peerInfoBuilder.service(RsdService.of(MockTestmanagerd.RSD_SERVICE, tm.port(), false));
      }
      PeerInfo peerInfo = peerInfoBuilder.build();
      rsdServer = RsdServer.builder(peerInfo).bindAddress(b.host).port(b.rsdPort).start();
      try {
        usbFace = new MockUsbFace(this, state, registry, imageMounter, testmanagerd, iosMajor, b.usbmuxdSocket,
            b.coreDeviceProxyStream);
      } catch (IOException | RuntimeException e) {
        rsdServer.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      if (dtx != null) {
        dtx.close();
      }
      if (shim != null) {
        shim.close();
      }
      if (tm != null) {
        tm.close();
      }
      testmanagerd.close();
      scheduler.shutdownNow();
      serviceThreads.shutdownNow();
      throw e;
    }
    dtxServer = dtx;
    installationProxyShim = shim;
    testmanagerdServer = tm;
  }

  /**
   * One client of {@value InstallationProxy#SHIM_SERVICE} after its {@code RSDCheckin}: installation_proxy's plist
   * messages, as behind lockdown, on the checkin thread until the client closes.
   */
  private void serveInstallationProxyShim(java.net.Socket socket, String label) throws IOException {
    DtxTransport transport = DtxTransport.of(socket);
    try (ServiceConnection connection = ServiceConnection.over(transport)) {
      installationProxy.serve(connection);
    }
  }

  /** The whole catalogue; services that push to their client get one implementation per channel. */
  private void registerCatalogue() {
    MockDeviceInfo deviceInfo = new MockDeviceInfo(state);
    MockScreenshot screenshot = new MockScreenshot();
    MockConditionInducer conditions = new MockConditionInducer(state);
    MockApplicationListing apps = new MockApplicationListing(state);
    registry.register(DeviceInfo.class, deviceInfo);
    registry.registerPerChannel(ProcessControl.class, ProcessControl.Events.class, (ch, client) -> {
      MockProcessControl pc = new MockProcessControl(state, ch, client);
      return onClose(ch, () -> state.removeListener(pc), pc);
    });
    registry.registerPerChannel(Sysmontap.class, ch -> {
      MockSysmontap tap = new MockSysmontap(state, ch);
      return onClose(ch, tap::stop, tap);
    });
    registry.register(Screenshot.class, screenshot);
    registry.registerPerChannel(Graphics.class, ch -> {
      MockGraphics graphics = new MockGraphics(state, ch);
      return onClose(ch, graphics::stopSampling, graphics);
    });
    registry.registerPerChannel(NetworkMonitor.class, ch -> {
      MockNetworkMonitor monitor = new MockNetworkMonitor(state, ch);
      return onClose(ch, monitor::stopMonitoring, monitor);
    });
    registry.register(ConditionInducer.class, conditions);
    registry.registerPerChannel(LocationSimulation.class, ch -> {
      MockLocationSimulation location = new MockLocationSimulation(state);
      return onClose(ch, location::channelClosed, location);
    });
    registry.register(ApplicationListing.class, apps);
    registry.registerPerChannel(MobileNotifications.class, MobileNotifications.Events.class, (ch, client) -> {
      MockMobileNotifications notifications = new MockMobileNotifications(state, ch, client);
      return onClose(ch, () -> state.removeListener(notifications), notifications);
    });
    registry.register(Energy.class, energy);
    registry.registerPerChannel(ActivityTraceTap.class, ch -> {
      MockActivityTraceTap tap = new MockActivityTraceTap(state, ch);
      return onClose(ch, tap::stop, tap);
    });
    registry.registerPerChannel(CoreProfileSessionTap.class, ch -> {
      MockCoreProfileSessionTap tap = new MockCoreProfileSessionTap(state, ch);
      return onClose(ch, tap::stop, tap);
    });
  }

  /** Stops what a channel's fake pushes as soon as the channel ends (cancelled, or the connection dropped). */
  private static <T> T onClose(DtxChannel channel, Runnable cleanup, T implementation) {
    channel.setListener(new DtxChannelListener() {
      @Override
      public void onClosed(Throwable causeOrNull) {
        cleanup.run();
      }
    });
    return implementation;
  }

  /**
   * Starts a mock device on loopback with free ports and the default identity.
   *
   * @return the running device
   * @throws IOException a server cannot bind
   */
  public static MockDevice start() throws IOException {
    return builder().start();
  }

  /**
   * A builder for a mock device.
   *
   * @return a builder with loopback, free ports and the default identity
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The address the RSD server listens on, as an IP literal (e.g. {@code 127.0.0.1} or {@code ::1}).
   *
   * @return the host
   */
  public String rsdHost() {
    return rsdServer.address().getHostAddress();
  }

  /**
   * The RSD port.
   *
   * @return the port
   */
  public int rsdPort() {
    return rsdServer.port();
  }

  /**
   * The DTX port, advertised as {@link #DTSERVICEHUB}.
   *
   * @return the port
   */
  public int dtxPort() {
    return dtxServer.port();
  }

  /** The memory budget all of the device's DTX connections share (see {@link Builder#memoryBudget}). */
  public dtxkit.runtime.wire.DtxMemoryBudget dtxMemoryBudget() {
    return dtxBudget;
  }

  /** The idle timeout of the device's DTX connections (see {@link Builder#idleTimeout}). */
  public java.time.Duration dtxIdleTimeout() {
    return dtxIdle;
  }

  /**
   * The device's {@code UniqueDeviceID}.
   *
   * @return the udid
   */
  public String udid() {
    return state.identity.udid();
  }

  /**
   * Who the device says it is.
   *
   * @return the identity
   */
  public Identity identity() {
    return state.identity;
  }

  /**
   * The peer info the RSD server sends.
   *
   * @return the peer info
   */
  public PeerInfo peerInfo() {
    return rsdServer.peerInfo();
  }

  /**
   * The services clients may open on the DTX port.
   *
   * @return the identifiers, in registration order
   */
  public List<String> serviceIdentifiers() {
    return registry.identifiers();
  }

  /**
   * The DTX connections clients have open (through RSD and through lockdown).
   *
   * @return the server side of each connection
   */
  public List<DtxConnection> connections() {
    List<DtxConnection> all = new ArrayList<>(dtxServer.connections());
    all.addAll(usbFace.connections());
    return all;
  }

  /**
   * The Unix socket of the device's usbmuxd, which lists this device and leads to its lockdown.
   *
   * @return the socket path
   */
  public java.nio.file.Path usbmuxdSocket() {
    return usbFace.unixSocket();
  }

  /**
   * The loopback TCP address of the same usbmuxd.
   *
   * @return the address
   */
  public java.net.InetSocketAddress usbmuxdTcp() {
    return usbFace.tcp();
  }

  /**
   * The pair record the device's usbmuxd answers {@code ReadPairRecord} with (a pairing generated at start:
   * certificates with empty names, as a real record's).
   *
   * @return the record's plist bytes
   */
  public byte[] pairRecord() {
    return usbFace.pairRecord();
  }

  /**
   * The Instruments service lockdown starts on the iOS version the device plays
   * ({@code com.apple.instruments.remoteserver.DVTSecureSocketProxy} on 14-16,
   * {@code com.apple.instruments.remoteserver} up to 13), or null on 17 and later (Instruments only through RSD).
   *
   * @return the service name, or null
   */
  public String lockdownInstrumentsService() {
    return usbFace.instrumentsService();
  }

  /** The device's state, for tests of this package. */
  DeviceState state() {
    return state;
  }

  /** The mock's testmanagerd, for tests of this package. */
  MockTestmanagerd testmanagerd() {
    return testmanagerd;
  }

  /**
   * The testmanagerd service lockdown starts on the iOS version the device plays
   * ({@code com.apple.testmanagerd.lockdown.secure} on 14-16, {@code com.apple.testmanagerd.lockdown} up to 13), or
   * null on 17 and later, where RSD advertises {@code com.apple.dt.testmanagerd.remote}.
   *
   * @return the service name, or null
   */
  public String lockdownTestmanagerdService() {
    return testmanagerd.lockdownService();
  }

  /**
   * The handle of a service registered with {@link Builder#service(Class, Object)}, to push its callbacks.
   *
   * @param type the service interface
   * @param <T> the interface type
   * @return the handle
   * @throws IllegalArgumentException no implementation of {@code type} was given to the builder
   */
  public <T> DtxServiceHandle<T> handle(Class<T> type) {
    DtxServiceHandle<?> handle = handles.get(type);
    if (handle == null) {
      throw new IllegalArgumentException("no implementation of " + type.getName() + " was given to the builder");
    }
    @SuppressWarnings("unchecked")
    DtxServiceHandle<T> typed = (DtxServiceHandle<T>) handle;
    return typed;
  }

  /**
   * The processes running now.
   *
   * @return by pid
   */
  public List<MockProcess> processes() {
    return state.processes();
  }

  /**
   * The process with this pid.
   *
   * @param pid the pid
   * @return the process, or null when none runs
   */
  public MockProcess process(int pid) {
    return state.process(pid);
  }

  /**
   * The installed apps.
   *
   * @return the catalogue
   */
  public List<AppInfo> apps() {
    return state.apps();
  }

  /**
   * The simulated position.
   *
   * @return the position, or null when none is simulated
   */
  public Location location() {
    return state.location();
  }

  /**
   * Every location change since start, oldest first; a null element records a {@code stopLocationSimulation}.
   *
   * @return the changes
   */
  public List<Location> locationHistory() {
    return state.locationHistory();
  }

  /**
   * The active simulated condition.
   *
   * @return the condition, or null when none is active
   */
  public Condition activeCondition() {
    String[] active = state.activeCondition();
    return active == null ? null : new Condition(active[0], active[1]);
  }

  /**
   * The pids the Energy gauge samples ({@code startSamplingForPIDs:} minus {@code stopSamplingForPIDs:}).
   *
   * @return the pids
   */
  public Set<Integer> energySampledPids() {
    return energy.sampling();
  }

  /**
   * The size of the trace code table {@code traceCodesFile} returns.
   *
   * @return UTF-8 bytes
   */
  public static int traceCodesSize() {
    return TraceCodes.byteSize();
  }

  /**
   * A client for this device, connected the way a user connects to a real one: through RSD discovery. It sends a
   * fresh random host UUID (a mock does not care), so nothing is written to the user's configuration.
   *
   * @return a new client, owned by the caller
   * @throws IOException discovery or the DTX connection fails
   */
  public Instruments connect() throws IOException {
    return Instruments.connect(rsdHost(), rsdPort(), RsdClient.Options.DEFAULT.withHostUuid(UUID.randomUUID()));
  }

  /**
   * Puts a file into the device's media area, as an AFC upload does (e.g. {@code PublicStaging/MyApp.ipa}, which
   * installation_proxy's {@code Install} then reads).
   *
   * @param path the path, relative to the media area or absolute ({@code /private/var/mobile/Media/...})
   * @param content the bytes
   * @throws IllegalStateException the area would exceed 512 MiB
   */
  public void putFile(String path, byte[] content) {
    state.putFile(path, content);
  }

  /**
   * A file of the device: in the media area (AFC) or, by its absolute path, in an app's container (house_arrest):
   * e.g. the {@code .xctestconfiguration} an XCTest host wrote for a runner on iOS 13 and earlier.
   *
   * @param path relative to the media area, or absolute
   * @return a copy of the content, or null when there is no such file
   */
  public byte[] file(String path) {
    return state.file(path);
  }

  /**
   * True when a developer disk image is mounted (always, unless built {@link Builder#withoutDeveloperDiskImage()}
   * and nothing was mounted yet through {@value dtxkit.services.lockdown.ImageMounter#SERVICE}).
   *
   * @return whether Instruments services can start
   */
  public boolean developerDiskImageMounted() {
    return imageMounter.developerImageMounted();
  }

  /**
   * The lockdown services (other than Instruments) this device serves over a service stream.
   *
   * @return the service names
   */
  public static List<String> lockdownServiceNames() {
    return List.of(InstallationProxy.SERVICE, SyslogRelay.SERVICE, ImageMounter.SERVICE, AfcClient.SERVICE,
        HouseArrest.SERVICE);
  }

  /**
   * Serves one of {@link #lockdownServiceNames()} on a stream, on a thread of its own, until the stream closes:
   * what happens behind lockdown's {@code StartService}.
   *
   * @param service the service name
   * @param transport the stream to the client; closed when the service ends
   * @throws IllegalArgumentException the device serves no such lockdown service
   * @throws java.util.concurrent.RejectedExecutionException {@link #MAX_SERVICE_CONNECTIONS} are being served
   */
  public void serveLockdownService(String service, DtxTransport transport) {
    ServiceLoop loop = switch (service) {
      case InstallationProxy.SERVICE -> installationProxy::serve;
      case SyslogRelay.SERVICE -> syslogRelay::serve;
      case ImageMounter.SERVICE -> imageMounter::serve;
      case AfcClient.SERVICE -> afc::serve;
      case HouseArrest.SERVICE -> houseArrest::serve;
      default -> throw new IllegalArgumentException("the mock serves no lockdown service " + service);
    };
    serviceThreads.execute(() -> {
      try (ServiceConnection connection = ServiceConnection.over(transport)) {
        loop.serve(connection);
      } catch (IOException | RuntimeException e) {
        LOG.debug("{} connection {} ended: {}", service, transport.description(), e.toString());
      } finally {
        try {
          transport.close();
        } catch (IOException ignored) {
          // Ending anyway.
        }
      }
    });
  }

  /**
   * Connects to one of {@link #lockdownServiceNames()} in memory (no usbmuxd, no lockdown), for tests.
   *
   * @param service the service name
   * @return the client's end
   * @throws IOException the stream cannot be set up
   */
  public ServiceConnection openLockdownService(String service) throws IOException {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    serveLockdownService(service, pair.b());
    return ServiceConnection.over(pair.a());
  }

  private interface ServiceLoop {
    void serve(ServiceConnection connection) throws IOException;
  }

  /**
   * One line of JSON that other tools read to connect: {@code {"rsdHost": "127.0.0.1", "rsdPort": 49152,
   * "udid": "...", "osVersion": "17.4", "usbmuxd": "/tmp/.../usbmuxd", "usbmuxdTcp": "127.0.0.1:49155",
   * "services": {"com.apple.instruments.dtservicehub": 49153}}}.
   *
   * @return the JSON object, without a line break
   */
  public String toJson() {
    StringBuilder json = new StringBuilder();
    json.append("{\"rsdHost\": ").append(quote(rsdHost()))
        .append(", \"rsdPort\": ").append(rsdPort())
        .append(", \"udid\": ").append(quote(udid()))
        .append(", \"osVersion\": ").append(quote(identity().osVersion()))
        .append(", \"usbmuxd\": ").append(quote(usbmuxdSocket().toString()))
        .append(", \"usbmuxdTcp\": ").append(quote(usbmuxdTcp().getAddress().getHostAddress() + ":"
            + usbmuxdTcp().getPort()))
        .append(", \"services\": {");
    boolean first = true;
    for (RsdService service : peerInfo().services().values()) {
      json.append(first ? "" : ", ").append(quote(service.name())).append(": ").append(service.port());
      first = false;
    }
    return json.append("}}").toString();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** Stops the RSD and DTX servers (closing every client connection) and the streams. Idempotent. */
  @Override
  public void close() {
    try {
      usbFace.close();
      rsdServer.close();
      closeQuietly(installationProxyShim);
      testmanagerd.close();
      if (testmanagerdServer != null) {
        testmanagerdServer.close();
      }
    } finally {
      try {
        dtxServer.close();
      } finally {
        scheduler.shutdownNow();
        serviceThreads.shutdownNow();
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("closing {}", closeable, e);
    }
  }

  @Override
  public String toString() {
    return "MockDevice " + udid() + " rsd " + rsdHost() + ":" + rsdPort() + " dtx " + dtxPort();
  }

  /** Configures a {@link MockDevice}. */
  public static final class Builder {
    private InetAddress host = InetAddress.getLoopbackAddress();
    private int rsdPort;
    private int dtxPort;
    private Identity identity = new Identity("00008120-001A2B3C4D5E601E", "iPhone15,4", "17.4", "21E219",
        "D27AP", "dtxkit mock iPhone");
    private final List<AppInfo> extraApps = new ArrayList<>();
    private final List<Consumer<MockDevice>> overrides = new ArrayList<>();
    private boolean developerImageMounted = true;
    private java.nio.file.Path usbmuxdSocket;
    private java.util.function.UnaryOperator<dtxkit.runtime.DtxTransport> coreDeviceProxyStream =
        java.util.function.UnaryOperator.identity();
    private long memoryBudgetBytes;
    private java.time.Duration idleTimeout = DtxServer.Builder.DEFAULT_IDLE_TIMEOUT;
    private final Map<String, MockTestPlan> testPlans = new LinkedHashMap<>();
    private java.time.Duration testRunnerWait = DEFAULT_TEST_RUNNER_WAIT;

    private Builder() {
    }

    /**
     * The test plan a runner app plays when launched for an XCTest run (see {@link MockTestPlan}). By default
     * {@link MockDevice#UI_TESTS_RUNNER} plays {@link MockTestPlan#passing()} and {@link MockDevice#WDA_RUNNER}
     * {@link MockTestPlan#webDriverAgent(String)}; another bundle must also be installed ({@link #app(AppInfo)}).
     *
     * @param runnerBundleIdentifier the runner app, e.g. {@link MockDevice#UI_TESTS_RUNNER}
     * @param plan what it runs
     * @return this builder
     */
    public Builder testPlan(String runnerBundleIdentifier, MockTestPlan plan) {
      testPlans.put(Objects.requireNonNull(runnerBundleIdentifier, "runnerBundleIdentifier"),
          Objects.requireNonNull(plan, "plan"));
      return this;
    }

    /**
     * How long a test runner waits for the IDE at each step (its test session and authorization, the start of its
     * plan, the end of the session) before it gives up and exits; {@value #DEFAULT_TEST_RUNNER_WAIT_SECONDS} s by
     * default.
     *
     * @param wait the bound, more than zero
     * @return this builder
     */
    public Builder testRunnerWait(java.time.Duration wait) {
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("testRunnerWait must be more than zero: " + wait);
      }
      this.testRunnerWait = wait;
      return this;
    }

    /**
     * Where both servers listen (loopback by default).
     *
     * @param host an address of this machine
     * @return this builder
     */
    public Builder host(InetAddress host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * The RSD port (0, the default, picks a free one).
     *
     * @param port the port
     * @return this builder
     */
    public Builder rsdPort(int port) {
      this.rsdPort = checkPort(port);
      return this;
    }

    /**
     * The DTX port (0, the default, picks a free one).
     *
     * @param port the port
     * @return this builder
     */
    public Builder dtxPort(int port) {
      this.dtxPort = checkPort(port);
      return this;
    }

    /**
     * Who the device says it is.
     *
     * @param identity the identity
     * @return this builder
     */
    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * Another installed app, launchable like the system apps.
     *
     * @param app the app; {@code bundleIdentifier}, {@code executableName} and {@code bundlePath} are needed to
     *     launch it
     * @return this builder
     */
    public Builder app(AppInfo app) {
      Objects.requireNonNull(app.bundleIdentifier(), "app.bundleIdentifier");
      extraApps.add(app);
      return this;
    }

    /**
     * Serves {@code implementation} for a {@code @DtxService} interface: replaces the mock's own implementation
     * of a catalogue service, or adds a service. One instance serves every channel, so it must be thread-safe;
     * push its callbacks through {@link MockDevice#handle(Class)}.
     *
     * @param type the service interface
     * @param implementation the implementation
     * @param <T> the interface type
     * @return this builder
     */
    public <T> Builder service(Class<T> type, T implementation) {
      Objects.requireNonNull(implementation, "implementation");
      overrides.add(device -> device.handles.put(type, device.registry.register(type, implementation)));
      return this;
    }

    /**
     * Serves any service by identifier with a handler per channel (for services without an interface).
     *
     * @param identifier the service identifier
     * @param factory creates the handler of each channel a client opens
     * @return this builder
     */
    public Builder service(String identifier, DtxServiceFactory factory) {
      Objects.requireNonNull(identifier, "identifier");
      Objects.requireNonNull(factory, "factory");
      overrides.add(device -> device.registry.register(identifier, factory));
      return this;
    }

    /**
     * The iOS version the device plays, which decides how Instruments is reached through lockdown: 17 and later
     * only through RSD (lockdown answers {@code InvalidService}, as a device does); 14 to 16
     * {@code com.apple.instruments.remoteserver.DVTSecureSocketProxy} with TLS for the whole connection; 13 and
     * earlier {@code com.apple.instruments.remoteserver}, a TLS handshake then plain DTX. From 17.4 lockdown also
     * offers CoreDeviceProxy, the tunnel to RSD and DTX ({@code dtxkit.runtime.tunnel.CoreDeviceTunnel}). Sets the identity's
     * version, build and product type to a device of that era (keeping the UDID and name).
     *
     * @param version e.g. {@code 15.8}, {@code 13.7}, {@code 17.4}
     * @return this builder
     * @throws IllegalArgumentException not a version from 10 to 26
     */
    public Builder ios(String version) {
      int major = majorVersion(version);
      String[] device = major >= 17 ? new String[] {"iPhone15,4", "21E219", "D27AP"}
          : major >= 15 ? new String[] {"iPhone14,5", "19H370", "D17AP"}
          : major == 14 ? new String[] {"iPhone13,2", "18H17", "D53gAP"}
          : new String[] {"iPhone11,8", "17H35", "N841AP"};
      this.identity = new Identity(identity.udid(), device[0], version, device[1], device[2], identity.deviceName());
      return this;
    }

    /**
     * Where the device's usbmuxd listens (the default: {@code usbmuxd} in a new temporary folder, removed on close).
     *
     * @param path a path that does not exist yet
     * @return this builder
     */
    public Builder usbmuxdSocket(java.nio.file.Path path) {
      this.usbmuxdSocket = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * A seam for tests: wraps the device's side of every CoreDeviceProxy stream once TLS is on (what passes through
     * it is the CDTunnel handshake, then the IPv6 packets both ways), e.g. to inject loss, reordering, duplication or
     * split and merged writes between the host's userspace TCP and the device's. Default: the stream as it is.
     *
     * @param wrap makes the stream the device's tunnel reads and writes from the TLS stream
     * @return this builder
     */
    public Builder coreDeviceProxyStream(java.util.function.UnaryOperator<dtxkit.runtime.DtxTransport> wrap) {
      this.coreDeviceProxyStream = Objects.requireNonNull(wrap, "wrap");
      return this;
    }

    /**
     * Builds a device whose developer disk image is not mounted yet: lockdown refuses the Instruments services
     * with {@code InvalidService} until an image is mounted through
     * {@value dtxkit.services.lockdown.ImageMounter#SERVICE}, as on an iOS 16 or earlier phone fresh from a reboot.
     *
     * @return this builder
     */
    public Builder withoutDeveloperDiskImage() {
      this.developerImageMounted = false;
      return this;
    }

    /**
     * The memory budget the device's DTX connections share, those through lockdown included (default:
     * {@link DtxServer}'s default, 256 MiB or half the heap): messages being reassembled, decompressed payloads and
     * replies queued for clients that do not read. A client that would pass it loses its own connection.
     *
     * @param bytes the budget, positive
     * @return this builder
     */
    public Builder memoryBudget(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("memory budget must be positive: " + bytes);
      }
      this.memoryBudgetBytes = bytes;
      return this;
    }

    /**
     * How long a DTX connection may see no traffic either way before the device closes it (default
     * {@link DtxServer.Builder#DEFAULT_IDLE_TIMEOUT}); {@link java.time.Duration#ZERO} for never.
     *
     * @param timeout the timeout, or zero
     * @return this builder
     */
    public Builder idleTimeout(java.time.Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("idle timeout must not be negative: " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * Starts the device.
     *
     * @return the running device
     * @throws IOException a server cannot bind
     */
    public MockDevice start() throws IOException {
      return new MockDevice(this);
    }

    static int majorVersion(String version) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(\\.\\d+){0,2}").matcher(
          Objects.requireNonNull(version, "version"));
      if (!m.matches()) {
        throw new IllegalArgumentException("not an iOS version: '" + version + "' (expected e.g. 15.8)");
      }
      int major = Integer.parseInt(m.group(1));
      if (major < 10 || major > 26) {
        throw new IllegalArgumentException("iOS " + version + " is not one the mock plays (10 to 26)");
      }
      return major;
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return port;
    }
  }
}
