package dtxkit.services.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dtxkit.runtime.DtxArgument;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.DtxUnrecognizedSelectorException;
import dtxkit.runtime.archive.NSError;
import dtxkit.services.DeviceStream;
import dtxkit.services.Instruments;
import dtxkit.services.LaunchRequest;
import dtxkit.services.ProcessEvent;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.applications.ApplicationListing;
import dtxkit.services.conditioninducer.ConditionGroup;
import dtxkit.services.conditioninducer.ConditionInducer;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.MachTimeInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import dtxkit.services.energy.EnergySample;
import dtxkit.services.graphics.GraphicsSample;
import dtxkit.services.networking.NetworkEvent;
import dtxkit.services.notifications.AppStateNotification;
import dtxkit.services.notifications.MemoryLevelNotification;
import dtxkit.services.processcontrol.ProcessControl;
import dtxkit.services.screenshot.ImageFormat;
import dtxkit.services.sysmontap.SysmonSample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every catalogue service against the mock device, reached through RSD discovery by {@link MockDeviceExtension} and
 * called as a user calls them: through {@link Instruments} or a typed client.
 */
@ExtendWith(MockDeviceExtension.class)
class MockDeviceCatalogueTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  MockDevice device;
  Instruments instruments;
  DtxConnection connection;
  DeviceInfo deviceInfo;

  // ---- deviceinfo ---------------------------------------------------------------------------------------------

  @Test
  void processListHasTheUsualDaemonsWithStartDates() {
    List<ProcessInfo> processes = instruments.processes();
    Map<String, ProcessInfo> byName = processes.stream()
        .collect(Collectors.toMap(ProcessInfo::name, p -> p, (a, b) -> a));
    assertEquals(1, byName.get("launchd").pid());
    for (String name : List.of("launchd", "SpringBoard", "backboardd", "logd", "DTServiceHub")) {
      ProcessInfo p = byName.get(name);
      assertNotNull(p, name);
      assertNotNull(p.startDate(), name);
      assertEquals(false, p.isApplication(), name);
      assertNull(p.bundleIdentifier(), name);
    }
  }

  @Test
  void execnameAndNamesAndRunningState() {
    assertEquals("/sbin/launchd", instruments.execname(1));
    assertNull(deviceInfo.execnameForPid(99_999));
    assertTrue(deviceInfo.isRunningPid(1));
    assertFalse(deviceInfo.isRunningPid(99_999));
    assertEquals("mobile", deviceInfo.nameForUid(501));
    assertEquals("root", deviceInfo.nameForUid(0));
    assertEquals("wheel", deviceInfo.nameForGid(0));
    assertNull(deviceInfo.nameForUid(4242));
  }

  @Test
  void directoryListingAndTheErrorForAMissingPath() {
    assertTrue(deviceInfo.directoryListingForPath("/").containsAll(List.of("Applications", "usr", "var")));
    assertTrue(deviceInfo.directoryListingForPath("/Applications").contains("MobileSafari.app"));
    DtxRemoteException e = assertThrows(DtxRemoteException.class,
        () -> deviceInfo.directoryListingForPath("/nope/missing"));
    assertEquals("NSCocoaErrorDomain", e.domain());
    assertEquals(260, e.code());
  }

  @Test
  void deviceDictionariesClockAndKernel() {
    assertEquals(device.identity().productType(), deviceInfo.systemInformation().get("ProductType"));
    assertEquals(6, deviceInfo.hardwareInformation().get("numberOfCpus"));
    assertEquals("Wi-Fi", deviceInfo.networkInformation().get("en0"));
    MachTimeInfo clock = MachTimeInfo.of(deviceInfo.machTimeInfo());
    assertEquals(125, clock.numer());
    assertEquals(3, clock.denom());
    assertTrue(clock.machAbsoluteTime() > 0);
    // A device names its kernel file (e.g. "/mach.release.t8030", "/System/Library/Kernels/kernel.release.t8110"),
    // not the uname version string.
    String kernel = deviceInfo.machKernelName();
    assertTrue(kernel.matches("/.*(mach|kernel)\\.release\\.t\\d+"), kernel);
  }

  @Test
  void machTimeInfoHasTheDeviceShape() {
    // A device answers [machAbsoluteTime, numer, denom, machContinuousTime, systemTime, timezone]: the system
    // time is a fractional number of seconds since 1970 and the time zone a name, so the reply is no List<Long>.
    List<?> raw = deviceInfo.machTimeInfo();
    assertEquals(6, raw.size(), String.valueOf(raw));
    for (int i = 0; i < 4; i++) {
      assertTrue(raw.get(i) instanceof Long || raw.get(i) instanceof Integer, "element " + i + " of " + raw);
    }
    assertInstanceOf(Double.class, raw.get(4));
    double systemTime = (Double) raw.get(4);
    assertTrue(Math.abs(systemTime - System.currentTimeMillis() / 1000.0) < 3600, "seconds since 1970: " + raw);
    assertInstanceOf(String.class, raw.get(5));
    assertTrue(java.time.ZoneId.getAvailableZoneIds().contains((String) raw.get(5)), String.valueOf(raw));
    assertTrue(((Number) raw.get(3)).longValue() >= ((Number) raw.get(0)).longValue(), "continuous >= absolute");
    assertEquals(3, MachTimeInfo.of(raw).denom());
  }

  @Test
  void kpepDatabaseIsABinaryPlist() throws Exception {
    byte[] db = deviceInfo.kpepDatabase();
    assertEquals("bplist00", new String(db, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    NSDictionary parsed = (NSDictionary) PropertyListParser.parse(db);
    assertTrue(((NSDictionary) parsed.get("events")).containsKey("FIXED_CYCLES"));
  }

  @Test
  void traceCodesFileIsALargeTable() {
    String table = deviceInfo.traceCodesFile();
    assertTrue(table.length() > 256 * 1024, "table is " + table.length() + " chars");
    String[] lines = table.split("\n");
    assertTrue(lines.length > 5000);
    for (String line : List.of(lines[0], lines[lines.length / 2], lines[lines.length - 1])) {
      assertTrue(line.matches("0x[0-9a-f]+\t[A-Za-z0-9_]+"), line);
    }
    assertEquals(MockDevice.traceCodesSize(), table.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  @Test
  void sysmonAttributeNames() {
    assertTrue(deviceInfo.sysmonProcessAttributes().containsAll(List.of("pid", "name", "cpuUsage",
        "physFootprint")));
    assertTrue(deviceInfo.sysmonSystemAttributes().contains("physMemSize"));
  }

  // ---- processcontrol -----------------------------------------------------------------------------------------

  @Test
  void launchShowsTheProcessAndItsOutput() {
    try (DeviceStream.Iterator<ProcessEvent> events = instruments.processEvents().iterator()) {
      int pid = instruments.launch(LaunchRequest.of("com.apple.mobilesafari")
          .withEnvironment(Map.of("OS_ACTIVITY_DT_MODE", "1"))
          .withArguments(List.of("-AppleLanguages", "(fr)"))
          .withKillExisting(true));
      ProcessInfo launched = instruments.processes().stream().filter(p -> p.pid() == pid).findFirst()
          .orElseThrow();
      assertEquals("com.apple.mobilesafari", launched.bundleIdentifier());
      assertEquals("MobileSafari", launched.name());
      assertEquals(true, launched.isApplication());
      assertEquals(pid, instruments.service(ProcessControl.class)
          .processIdentifierForBundleIdentifier("com.apple.mobilesafari"));

      StringBuilder output = new StringBuilder();
      while (!output.toString().contains("env OS_ACTIVITY_DT_MODE=1")) {
        ProcessEvent event = events.poll(WAIT);
        assertNotNull(event, "output so far: " + output);
        if (event instanceof ProcessEvent.Output o && o.pid() == pid) {
          assertTrue(o.machTime() > 0);
          output.append(o.text());
        }
      }
      String text = output.toString();
      assertTrue(text.contains("MobileSafari[" + pid + "]: started com.apple.mobilesafari"), text);
      assertTrue(text.contains("argv[1] = -AppleLanguages"), text);
      assertTrue(text.contains("argv[2] = (fr)"), text);
      instruments.kill(pid);
    }
  }

  @Test
  void launchingAMissingBundleAnswersTheDevicesNSError() {
    DtxRemoteException e = assertThrows(DtxRemoteException.class, () -> instruments.launch("com.example.absent"));
    assertEquals("com.apple.dt.deviceprocesscontrolservice", e.domain());
    assertEquals(1, e.code());
    assertEquals("Request to launch com.example.absent failed.", e.nsError().localizedDescription());
    NSError underlying = (NSError) e.nsError().userInfo().get("NSUnderlyingError");
    assertEquals("FBSOpenApplicationErrorDomain", underlying.domain());
    assertEquals(4, underlying.code());
    assertTrue(underlying.localizedDescription().contains("returned nil for \"com.example.absent\""));
    // an app extension is installed but cannot be launched either
    assertThrows(DtxRemoteException.class,
        () -> instruments.launch("com.apple.mobilesafari.SafariWidgetExtension"));
  }

  @Test
  void killSendsTheTerminationCallback() {
    try (DeviceStream.Iterator<ProcessEvent> events = instruments.processEvents().iterator()) {
      int pid = instruments.launch("com.apple.Preferences");
      assertTrue(deviceInfo.isRunningPid(pid));
      instruments.kill(pid);
      ProcessEvent.Terminated end = null;
      while (end == null) {
        ProcessEvent event = events.poll(WAIT);
        assertNotNull(event, "no termination callback for " + pid);
        if (event instanceof ProcessEvent.Terminated t && t.pid() == pid) {
          end = t;
        }
      }
      assertNull(end.exitCode());
      assertEquals(9, end.signal());
      assertFalse(deviceInfo.isRunningPid(pid));
      assertNull(device.process(pid));
    }
  }

  @Test
  void killPidIsOnewayAndKills() {
    int pid = instruments.launch("com.apple.MobileSMS");
    ProcessControl pc = instruments.service(ProcessControl.class);
    pc.killPid(pid);
    // killPid: has no reply; a later call on the same channel is answered after it was handled.
    assertEquals(0, pc.processIdentifierForBundleIdentifier("com.apple.MobileSMS"));
    assertFalse(deviceInfo.isRunningPid(pid));
  }

  @Test
  void sendSignalStopsOrRefusesAsADeviceDoes() {
    int pid = instruments.launch(LaunchRequest.of("com.apple.Maps").withKillExisting(true));
    instruments.signal(17, pid); // SIGSTOP does not end it
    assertTrue(deviceInfo.isRunningPid(pid));
    DtxRemoteException denied = assertThrows(DtxRemoteException.class, () -> instruments.signal(15, 1));
    assertEquals("NSPOSIXErrorDomain", denied.domain());
    assertEquals(1, denied.code());
    DtxRemoteException missing = assertThrows(DtxRemoteException.class, () -> instruments.signal(15, 99_999));
    assertEquals(3, missing.code());
    instruments.signal(15, pid);
    assertFalse(deviceInfo.isRunningPid(pid));
  }

  @Test
  void memoryLimitsAndObserving() {
    int pid = instruments.launch("com.apple.camera");
    ProcessControl pc = instruments.service(ProcessControl.class);
    assertTrue(pc.requestDisableMemoryLimits(pid));
    assertFalse(pc.requestDisableMemoryLimits(99_999));
    pc.startObservingPid(pid);
    pc.stopObservingPid(pid);
    instruments.kill(pid);
  }

  // ---- screenshot ---------------------------------------------------------------------------------------------

  @Test
  void screenshotIsARealPng() throws Exception {
    byte[] png = instruments.screenshot();
    assertEquals(ImageFormat.PNG, ImageFormat.of(png));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertNotNull(image, "ImageIO could not read the PNG");
    assertEquals(390, image.getWidth());
    assertEquals(844, image.getHeight());
    assertEquals(0x101010, image.getRGB(10, 10) & 0xFFFFFF); // the status bar
  }

  // ---- streams ------------------------------------------------------------------------------------------------

  @Test
  void sysmonRowsAreNamedAndTheFirstIsInvalid() {
    List<SysmonSample> samples = new ArrayList<>();
    try (DeviceStream.Iterator<SysmonSample> it = instruments.sysmon(Duration.ofMillis(20)).iterator()) {
      while (samples.size() < 3) {
        SysmonSample s = it.poll(WAIT);
        assertNotNull(s, "sample " + samples.size() + " did not arrive");
        samples.add(s);
      }
    }
    assertFalse(samples.get(0).valid());
    assertEquals(100.0, samples.get(0).cpuTotalLoad());
    assertTrue(samples.get(1).valid());
    assertTrue(samples.get(2).valid());
    SysmonSample s = samples.get(1);
    assertEquals("launchd", s.process(1).name());
    assertEquals(1, s.process(1).get("pid"));
    assertTrue(s.process(1).physFootprint() > 0);
    assertEquals(6L * 1024 * 1024 * 1024, s.system().get("physMemSize"));
    assertEquals(6, s.cpuCount());
    assertTrue(s.endMachAbsTime() >= s.startMachAbsTime());
    assertEquals(device.processes().size(), s.processes().size());
  }

  @Test
  void sysmonWithChosenAttributes() {
    try (DeviceStream.Iterator<SysmonSample> it = instruments.sysmon(Duration.ofMillis(20),
        List.of("pid", "name", "cpuUsage"), List.of("threadCount")).iterator()) {
      it.poll(WAIT);
      SysmonSample valid = it.poll(WAIT);
      assertNotNull(valid);
      assertEquals(List.of("pid", "name", "cpuUsage"), List.copyOf(valid.process(1).attributes().keySet()));
      assertEquals(Set.of("threadCount"), valid.system().keySet());
      assertTrue(valid.process(1).cpuUsage() >= 0);
    }
  }

  @Test
  void graphicsSamplesCarryFps() {
    try (DeviceStream.Iterator<GraphicsSample> it = instruments.graphics(Duration.ofMillis(20)).iterator()) {
      for (int i = 0; i < 2; i++) {
        GraphicsSample s = it.poll(WAIT);
        assertNotNull(s);
        assertTrue(s.framesPerSecond() >= 55 && s.framesPerSecond() <= 60, "fps " + s.framesPerSecond());
        assertTrue(s.deviceUtilization() >= 0);
        assertEquals("Built-In", s.counters().get("IOGLBundleName"));
      }
    }
  }

  @Test
  void networkEventsAreDecodedWithTheirAddresses() throws Exception {
    List<NetworkEvent> events = new ArrayList<>();
    try (DeviceStream.Iterator<NetworkEvent> it = instruments.network().iterator()) {
      while (events.stream().noneMatch(e -> e instanceof NetworkEvent.ConnectionUpdate)) {
        NetworkEvent e = it.poll(WAIT);
        assertNotNull(e);
        events.add(e);
      }
    }
    assertTrue(events.contains(new NetworkEvent.InterfaceDetection(12, "en0")));
    NetworkEvent.ConnectionDetection push = events.stream()
        .filter(e -> e instanceof NetworkEvent.ConnectionDetection)
        .map(NetworkEvent.ConnectionDetection.class::cast)
        .filter(c -> c.remote().getPort() == 5223).findFirst().orElseThrow();
    assertEquals(InetAddress.getByName("17.57.146.52"), push.remote().getAddress());
    assertEquals(InetAddress.getByName("192.168.1.23"), push.local().getAddress());
    assertEquals(device.processes().stream().filter(p -> p.name().equals("apsd")).findFirst().orElseThrow().pid(),
        push.pid());
    NetworkEvent.ConnectionDetection v6 = events.stream()
        .filter(e -> e instanceof NetworkEvent.ConnectionDetection)
        .map(NetworkEvent.ConnectionDetection.class::cast)
        .filter(c -> c.serialNumber() == 4).findFirst().orElseThrow();
    assertEquals(InetAddress.getByName("2a00:1450:4007:80e::200e"), v6.remote().getAddress());
    assertEquals(443, v6.remote().getPort());
  }

  @Test
  void notificationsAfterEnabling() {
    int pid;
    try (DeviceStream.Iterator<Object> it = instruments.notifications().iterator()) {
      MemoryLevelNotification first = null;
      while (first == null) {
        Object n = it.poll(WAIT);
        assertNotNull(n);
        if (n instanceof MemoryLevelNotification m) {
          first = m;
        }
      }
      assertEquals(0, first.code());
      assertEquals(-1, first.pid());
      pid = instruments.launch(LaunchRequest.of("com.apple.mobilenotes").withKillExisting(true));
      AppStateNotification running = null;
      while (running == null) {
        Object n = it.poll(WAIT);
        assertNotNull(n, "no app state notification for the launch");
        if (n instanceof AppStateNotification a && a.pid() == pid
            && "Foreground Running".equals(a.stateDescription())) {
          running = a;
        }
      }
      assertEquals("com.apple.mobilenotes", running.bundleIdentifier());
      assertNotNull(running.timestamp());
    }
    instruments.kill(pid);
  }

  @Test
  void activityTraceTapHandsOutDataChunks() {
    try (DeviceStream.Iterator<byte[]> it = instruments.activityTrace(Map.of("ur", 500, "bm", 0)).iterator()) {
      byte[] opening = it.poll(WAIT);
      assertNotNull(opening);
      assertEquals("bplist00", new String(opening, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
      byte[] chunk = it.poll(WAIT);
      assertNotNull(chunk);
      assertEquals(0, chunk.length % 2, "16-bit words");
    }
  }

  @Test
  void coreProfileTapHandsOutNoticeStackshotAndKdebug() {
    try (DeviceStream.Iterator<byte[]> it = instruments.coreProfile(Map.of("rp", 100, "bm", 0)).iterator()) {
      byte[] notice = it.poll(WAIT);
      assertNotNull(notice);
      byte[] stackshot = it.poll(WAIT);
      assertNotNull(stackshot);
      assertEquals(0x59A25807, java.nio.ByteBuffer.wrap(stackshot).order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .getInt());
      byte[] kdebug = it.poll(WAIT);
      assertNotNull(kdebug);
      assertEquals(0x55AA0200, java.nio.ByteBuffer.wrap(kdebug).order(java.nio.ByteOrder.LITTLE_ENDIAN)
          .getInt());
    }
  }

  // ---- conditions, location, apps, energy -------------------------------------------------------------------

  @Test
  void conditionsListEnableDisable() {
    List<ConditionGroup> groups = instruments.conditions();
    ConditionGroup network = groups.stream().filter(g -> g.identifier().equals("SlowNetworkCondition"))
        .findFirst().orElseThrow();
    assertTrue(network.profiles().stream().anyMatch(p -> p.identifier().equals("SlowNetwork3GGood")));
    assertTrue(groups.stream().anyMatch(g -> g.identifier().equals("ThermalCondition")));

    assertTrue(instruments.enableCondition("SlowNetworkCondition", "SlowNetwork3GGood"));
    assertEquals(new MockDevice.Condition("SlowNetworkCondition", "SlowNetwork3GGood"), device.activeCondition());
    ConditionGroup active = instruments.conditions().get(0);
    assertEquals(true, active.isActive());
    assertEquals("SlowNetwork3GGood", active.activeProfile());
    assertThrows(DtxRemoteException.class, () -> instruments.enableCondition("ThermalCondition", "ThermalFair"));

    ConditionInducer inducer = instruments.service(ConditionInducer.class);
    assertTrue(inducer.disableActiveCondition());
    assertFalse(inducer.availableConditionInducers().get(0).isActive());
    // with nothing active a device sends an empty activeProfile, not a missing one
    assertEquals("", inducer.availableConditionInducers().get(0).activeProfile());
    assertNull(device.activeCondition());
    assertThrows(DtxRemoteException.class, inducer::disableActiveCondition, "nothing is active: the device's NSError");
    assertFalse(instruments.disableCondition());
    assertThrows(DtxRemoteException.class, () -> instruments.enableCondition("NoSuchCondition", "x"));
  }

  @Test
  void locationSetAndClearAreRecorded() {
    instruments.setLocation(48.8584, 2.2945);
    assertEquals(new MockDevice.Location(48.8584, 2.2945), device.location());
    instruments.clearLocation();
    instruments.conditions(); // any answered call: the oneway clear was handled before it
    List<MockDevice.Location> history = device.locationHistory();
    assertEquals(new MockDevice.Location(48.8584, 2.2945), history.get(history.size() - 2));
    assertNull(history.get(history.size() - 1));
    assertThrows(DtxRemoteException.class, () -> instruments.setLocation(123, 0));
  }

  @Test
  void aSimulatedLocationEndsWithTheClientThatSetIt() throws Exception {
    // As on a device (pymobiledevice3 #767: "When the process exits, the simulation ends").
    try (Instruments other = Instruments.connect(device.rsdHost(), device.rsdPort())) {
      other.setLocation(35.6586, 139.7454);
      assertEquals(new MockDevice.Location(35.6586, 139.7454), device.location());
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (device.location() != null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertNull(device.location(), "the simulation outlived the connection that set it");
    // a position set by a client still connected is left alone when another one leaves
    instruments.setLocation(48.8584, 2.2945);
    try (Instruments other = Instruments.connect(device.rsdHost(), device.rsdPort())) {
      other.setLocation(1, 2);
      other.setLocation(48.8584, 2.2945);
      other.clearLocation();
      // stopLocationSimulation is one-way: wait for it to take effect (a call on another channel is no barrier, each
      // channel's deliveries run on their own; run late, the stop cleared the position set below).
      long stopped = System.nanoTime() + WAIT.toNanos();
      while (device.location() != null && System.nanoTime() < stopped) {
        Thread.sleep(10);
      }
      assertNull(device.location(), "the one-way stop never took effect");
      instruments.setLocation(48.8584, 2.2945);
    }
    instruments.conditions();
    assertEquals(new MockDevice.Location(48.8584, 2.2945), device.location());
    instruments.clearLocation();
  }

  @Test
  void appListHasTheSystemApps() {
    List<AppInfo> apps = instruments.apps();
    Set<String> ids = apps.stream().map(AppInfo::bundleIdentifier).collect(Collectors.toSet());
    assertTrue(ids.containsAll(List.of("com.apple.mobilesafari", "com.apple.Preferences", "com.apple.MobileSMS",
        "com.apple.mobileslideshow", "com.apple.camera", "com.apple.Maps")));
    AppInfo safari = apps.stream().filter(a -> a.bundleIdentifier().equals("com.apple.mobilesafari"))
        .findFirst().orElseThrow();
    assertEquals("Safari", safari.displayName());
    assertEquals("System", safari.type());
    List<AppInfo> one = instruments.service(ApplicationListing.class)
        .installedApplicationsMatching(Map.of("CFBundleIdentifier", "com.apple.Maps"), "");
    assertEquals(1, one.size());
    assertEquals("Maps", one.get(0).executableName());
  }

  @Test
  void energySamplesForRunningProcesses() {
    int pid = instruments.launch(LaunchRequest.of("com.apple.weather").withKillExisting(true));
    Map<Integer, EnergySample> samples = instruments.energy(List.of(pid, 99_999));
    assertEquals(Set.of(pid), samples.keySet());
    EnergySample s = samples.get(pid);
    assertTrue(s.cpuCost() > 0);
    assertEquals(s.cost(), s.cpuCost() + s.gpuCost() + s.networkingCost(), 1e-9);
    assertTrue(device.energySampledPids().contains(pid));
    instruments.kill(pid);
  }

  // ---- dynamic ----------------------------------------------------------------------------------------------

  @Test
  void unknownSelectorThroughOpenDynamic() {
    DtxChannel channel = connection.openChannel("com.apple.instruments.server.services.deviceinfo");
    try {
      assertEquals("/sbin/launchd", channel.invoke("execnameForPid:", DtxArgument.object(1)));
      DtxRemoteException e = assertThrows(DtxRemoteException.class,
          () -> channel.invoke("noSuchSelector:", DtxArgument.object(1)));
      assertInstanceOf(DtxUnrecognizedSelectorException.class, e);
    } finally {
      channel.cancel();
    }
  }

  @Test
  void unknownServiceIsRefused() {
    assertThrows(DtxRemoteException.class, () -> connection.openChannel("com.apple.instruments.server.nothing"));
  }

  @Test
  void screenshotTwiceGivesEqualImages() {
    assertArrayEquals(instruments.screenshot(), instruments.screenshot());
  }
}
