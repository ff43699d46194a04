package dtxkit.services.mock;

import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.archive.NSError;
import dtxkit.services.applications.AppInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the services of one mock device share: the process table, the app catalogue, the simulated location and
 * condition, the clock and the scheduler that paces streams. Thread-safe.
 */
final class DeviceState {

  /** Someone who wants to know when processes start and end (processcontrol and notification channels). */
  interface ProcessListener {
    default void started(MockProcess process) {
    }

    default void terminated(MockProcess process, Integer exitCode, Integer signal) {
    }
  }

  /** The error domain of DTServiceHub's process control. */
  static final String PROCESS_CONTROL_DOMAIN = "com.apple.dt.deviceprocesscontrolservice";

  static final int UID_ROOT = 0;
  static final int UID_MOBILE = 501;

  final MockClock clock = new MockClock();
  final ScheduledExecutorService scheduler;
  final MockDevice.Identity identity;

  private final Map<Integer, MockProcess> processes = new TreeMap<>();
  private final Map<String, AppInfo> apps = new LinkedHashMap<>();
  private final List<ProcessListener> listeners = new CopyOnWriteArrayList<>();
  private final List<MockDevice.Location> locationHistory = new ArrayList<>();
  private MockDevice.Location location;
  private String[] activeCondition;
  private int nextPid = 412;

  DeviceState(MockDevice.Identity identity, List<AppInfo> catalogue, ScheduledExecutorService scheduler) {
    this.identity = identity;
    this.scheduler = scheduler;
    this.syslog = new MockSyslog(this);
    for (AppInfo app : catalogue) {
      apps.put(app.bundleIdentifier(), app);
    }
    Instant boot = Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    daemon(0, "kernel_task", "/kernel", boot);
    daemon(1, "launchd", "/sbin/launchd", boot);
    String[][] daemons = {
      {"logd", "/usr/libexec/logd"},
      {"UserEventAgent", "/usr/libexec/UserEventAgent"},
      {"configd", "/usr/libexec/configd"},
      {"fseventsd", "/System/Library/Frameworks/CoreServices.framework/fseventsd"},
      {"runningboardd", "/usr/libexec/runningboardd"},
      {"backboardd", "/usr/libexec/backboardd"},
      {"SpringBoard", "/System/Library/CoreServices/SpringBoard.app/SpringBoard"},
      {"mediaserverd", "/usr/sbin/mediaserverd"},
      {"locationd", "/usr/libexec/locationd"},
      {"wifid", "/usr/sbin/wifid"},
      {"CommCenter", "/System/Library/Frameworks/CoreTelephony.framework/Support/CommCenter"},
      {"mDNSResponder", "/usr/sbin/mDNSResponder"},
      {"apsd", "/System/Library/PrivateFrameworks/ApplePushService.framework/apsd"},
      {"nsurlsessiond", "/usr/libexec/nsurlsessiond"},
      {"installd", "/usr/libexec/installd"},
      {"sysmond", "/usr/libexec/sysmond"},
      {"remoted", "/usr/libexec/remoted"},
      {"DTServiceHub", "/Developer/Library/PrivateFrameworks/DVTInstrumentsFoundation.framework/DTServiceHub"},
    };
    int pid = 30;
    for (String[] d : daemons) {
      boolean mobile = d[0].equals("SpringBoard") || d[0].equals("apsd") || d[0].equals("nsurlsessiond");
      MockProcess p = new MockProcess(pid, d[0], d[1], null, boot.plusSeconds(pid / 3), mobile ? UID_MOBILE
          : UID_ROOT, Map.of(), List.of());
      processes.put(pid, p);
      pid += 7 + (pid % 11);
    }
  }

  private void daemon(int pid, String name, String path, Instant start) {
    processes.put(pid, new MockProcess(pid, name, path, null, start, UID_ROOT, Map.of(), List.of()));
  }

  // ---- processes --------------------------------------------------------------------------------------------

  synchronized List<MockProcess> processes() {
    return List.copyOf(processes.values());
  }

  synchronized MockProcess process(int pid) {
    return processes.get(pid);
  }

  synchronized MockProcess processForBundle(String bundleIdentifier) {
    for (MockProcess p : processes.values()) {
      if (bundleIdentifier.equals(p.bundleIdentifier())) {
        return p;
      }
    }
    return null;
  }

  synchronized AppInfo app(String bundleIdentifier) {
    return apps.get(bundleIdentifier);
  }

  synchronized List<AppInfo> apps() {
    return List.copyOf(apps.values());
  }

  /**
   * Starts an app as a device does: refuses one that is not installed with the NSError a device sends, kills a
   * running instance first when asked, else returns the running one.
   */
  MockProcess launch(String bundleIdentifier, Map<String, String> environment, List<String> arguments,
      boolean killExisting) {
    AppInfo app;
    MockProcess existing;
    synchronized (this) {
      app = apps.get(bundleIdentifier);
      existing = app == null ? null : processForBundle(bundleIdentifier);
    }
    if (app == null || app.executableName() == null || "PluginKit".equals(app.type())) {
      throw notInstalled(bundleIdentifier);
    }
    if (existing != null) {
      if (!killExisting) {
        return existing;
      }
      terminate(existing.pid(), null, 9);
    }
    MockProcess started;
    synchronized (this) {
      started = new MockProcess(nextPid, app.executableName(), app.bundlePath() + "/" + app.executableName(),
          bundleIdentifier, Instant.now(), UID_MOBILE, environment, arguments);
      processes.put(nextPid, started);
      nextPid += 1 + (nextPid % 5);
    }
    syslog.log("SpringBoard", "Bootstrapping " + bundleIdentifier + " with intent foreground-interactive; pid "
        + started.pid());
    for (ProcessListener listener : listeners) {
      listener.started(started);
    }
    return started;
  }

  /**
   * Ends a process and tells the listeners.
   *
   * @return the process, or null when it did not run
   */
  MockProcess terminate(int pid, Integer exitCode, Integer signal) {
    MockProcess gone;
    synchronized (this) {
      gone = processes.remove(pid);
    }
    if (gone != null) {
      syslog.log("runningboardd", "Process " + gone.name() + "[" + gone.pid() + "] exited"
          + (signal != null ? " on signal " + signal : exitCode != null ? " with status " + exitCode : ""));
      for (ProcessListener listener : listeners) {
        listener.terminated(gone, exitCode, signal);
      }
    }
    return gone;
  }

  void addListener(ProcessListener listener) {
    listeners.add(listener);
  }

  void removeListener(ProcessListener listener) {
    listeners.remove(listener);
  }

  // ---- installation ----------------------------------------------------------------------------------------

  /** Installs (or replaces) an app, as installation_proxy's {@code Install} ends. */
  void installApp(AppInfo app) {
    synchronized (this) {
      apps.put(app.bundleIdentifier(), app);
    }
    syslog.log("installd", "Installed " + app.bundleIdentifier() + " (" + app.version() + ") at "
        + app.bundlePath());
  }

  /**
   * Removes an app (and stops it if it runs).
   *
   * @return the app removed, or null when none was installed
   */
  AppInfo uninstallApp(String bundleIdentifier) {
    AppInfo removed;
    MockProcess running;
    synchronized (this) {
      removed = apps.remove(bundleIdentifier);
      running = removed == null ? null : processForBundle(bundleIdentifier);
    }
    if (running != null) {
      terminate(running.pid(), null, 9);
    }
    if (removed != null) {
      syslog.log("installd", "Uninstalled " + bundleIdentifier);
    }
    return removed;
  }

  // ---- files (what an AFC upload to PublicStaging leaves) ------------------------------------------------------

  /** The most bytes the device's file area holds. */
  static final long MAX_FILES = 512L << 20;

  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private long fileBytes;

  /** The media area's root, which AFC paths are relative to. */
  static final String MEDIA = "/private/var/mobile/Media/";

  static String mediaPath(String path) {
    String p = path.startsWith("/var/mobile/Media/") ? "/private" + path : path;
    if (p.startsWith(MEDIA)) {
      p = p.substring(MEDIA.length());
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p;
  }

  synchronized void putFile(String path, byte[] content) {
    String key = mediaPath(path);
    byte[] old = files.get(key);
    long after = fileBytes - (old == null ? 0 : old.length) + content.length;
    if (after > MAX_FILES) {
      throw new IllegalStateException("the mock device's file area is full: " + after + " > " + MAX_FILES
          + " bytes");
    }
    files.put(key, content.clone());
    fileBytes = after;
  }

  private final java.util.Set<String> directories = new java.util.HashSet<>(java.util.Set.of("", "PublicStaging"));

  /** Makes a directory of the media area (and its parents). */
  synchronized void makeDirectory(String path) {
    String p = mediaPath(path);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
      directories.add(p.substring(0, i));
    }
    directories.add(p);
  }

  synchronized boolean isDirectory(String path) {
    String p = mediaPath(path);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return directories.contains(p);
  }

  synchronized byte[] file(String path) {
    byte[] content = files.get(mediaPath(path));
    return content == null ? null : content.clone();
  }

  /**
   * The names of the files and directories directly in a directory, sorted, or null when it is no directory.
   */
  synchronized List<String> list(String path) {
    String dir = trimSlashes(mediaPath(path));
    if (!directories.contains(dir)) {
      return null;
    }
    String prefix = dir.isEmpty() ? "" : dir + "/";
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (String key : files.keySet()) {
      if (key.startsWith(prefix) && key.indexOf('/', prefix.length()) < 0) {
        names.add(key.substring(prefix.length()));
      }
    }
    for (String d : directories) {
      if (d.startsWith(prefix) && d.length() > prefix.length() && d.indexOf('/', prefix.length()) < 0) {
        names.add(d.substring(prefix.length()));
      }
    }
    return List.copyOf(names);
  }

  /**
   * Removes a file, or a directory with everything in it.
   *
   * @return whether anything was there
   */
  synchronized boolean remove(String path) {
    String p = trimSlashes(mediaPath(path));
    byte[] gone = files.remove(p);
    if (gone != null) {
      fileBytes -= gone.length;
      return true;
    }
    if (p.isEmpty() || !directories.remove(p)) {
      return false;
    }
    String prefix = p + "/";
    for (java.util.Iterator<Map.Entry<String, byte[]>> i = files.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<String, byte[]> e = i.next();
      if (e.getKey().startsWith(prefix)) {
        fileBytes -= e.getValue().length;
        i.remove();
      }
    }
    directories.removeIf(d -> d.startsWith(prefix));
    return true;
  }

  private static String trimSlashes(String p) {
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  // ---- system log --------------------------------------------------------------------------------------------

  /** The device's system log: what syslog_relay streams. */
  final MockSyslog syslog;

  // ---- location and conditions ------------------------------------------------------------------------------

  synchronized void location(MockDevice.Location newLocation) {
    location = newLocation;
    locationHistory.add(newLocation);
  }

  /** Ends the simulation if it is still this very position (a later one, set by anyone, is left alone). */
  synchronized void endLocation(MockDevice.Location set) {
    if (set != null && location == set) {
      location(null);
    }
  }

  synchronized MockDevice.Location location() {
    return location;
  }

  synchronized List<MockDevice.Location> locationHistory() {
    return new ArrayList<>(locationHistory);
  }

  synchronized String[] activeCondition() {
    return activeCondition == null ? null : activeCondition.clone();
  }

  synchronized void activeCondition(String[] condition) {
    activeCondition = condition == null ? null : condition.clone();
  }

  // ---- errors a device sends ---------------------------------------------------------------------------------

  /**
   * What DTServiceHub answers when FrontBoard does not know the bundle id: its own error, wrapping FrontBoard's.
   */
  static DtxRemoteException notInstalled(String bundleIdentifier) {
    String reason = "Application info provider (FBSApplicationLibrary) returned nil for \"" + bundleIdentifier
        + "\"";
    Map<String, Object> underlyingInfo = new LinkedHashMap<>();
    underlyingInfo.put("NSLocalizedDescription", reason);
    underlyingInfo.put("BSErrorCodeDescription", "NotFound");
    NSError underlying = new NSError("FBSOpenApplicationErrorDomain", 4, underlyingInfo);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("NSLocalizedDescription", "Request to launch " + bundleIdentifier + " failed.");
    info.put("NSLocalizedFailureReason", "The operation couldn\u2019t be completed. " + reason);
    info.put("NSUnderlyingError", underlying);
    return new DtxRemoteException(new NSError(PROCESS_CONTROL_DOMAIN, 1, info));
  }

  /** A POSIX error as processcontrol reports a failed signal. */
  static DtxRemoteException posix(int errno, String description) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("NSLocalizedDescription", description);
    return new DtxRemoteException(new NSError("NSPOSIXErrorDomain", errno, info));
  }
}
