package dtxkit.services.mock;

import com.dd.plist.NSDictionary;
import com.dd.plist.BinaryPropertyListWriter;
import dtxkit.runtime.DtxRemoteException;
import dtxkit.runtime.archive.NSError;
import dtxkit.services.applications.AppInfo;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.deviceinfo.ProcessInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The mock device's deviceinfo: answers from the shared process table and a small fake file system. */
final class MockDeviceInfo implements DeviceInfo {

  private static final Map<String, List<String>> DIRECTORIES = new TreeMap<>(Map.of(
      "/", List.of("Applications", "Developer", "Library", "System", "bin", "cores", "dev", "etc", "private",
          "sbin", "tmp", "usr", "var"),
      "/private", List.of("etc", "preboot", "var", "xarts"),
      "/usr", List.of("bin", "lib", "libexec", "sbin", "share", "standalone"),
      "/var", List.of("containers", "db", "installd", "logs", "mobile", "preferences", "root", "tmp"),
      "/var/mobile", List.of("Containers", "Documents", "Library", "Media"),
      "/tmp", List.of()));

  private static final Map<Integer, String> USERS = Map.of(0, "root", 501, "mobile", 1, "daemon", 24,
      "_networkd", 65, "_mdnsresponder", 263, "_analyticsd", 272, "_nearbyd");
  private static final Map<Integer, String> GROUPS = Map.of(0, "wheel", 501, "mobile", 1, "daemon", 20,
      "staff", 24, "_networkd", 65, "_mdnsresponder");

  private final DeviceState state;

  MockDeviceInfo(DeviceState state) {
    this.state = state;
  }

  @Override
  public List<ProcessInfo> runningProcesses() {
    List<ProcessInfo> list = new ArrayList<>();
    for (MockProcess p : state.processes()) {
      list.add(new ProcessInfo(p.pid(), p.name(), p.executablePath(), p.bundleIdentifier(), p.startDate(),
          p.isApplication()));
    }
    return list;
  }

  @Override
  public String execnameForPid(int pid) {
    MockProcess p = state.process(pid);
    return p == null ? null : p.executablePath();
  }

  @Override
  public boolean isRunningPid(int pid) {
    return state.process(pid) != null;
  }

  @Override
  public String nameForUid(int uid) {
    return USERS.get(uid);
  }

  @Override
  public String nameForGid(int gid) {
    return GROUPS.get(gid);
  }

  @Override
  public List<String> directoryListingForPath(String path) {
    String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (normalized.equals("/Applications")) {
      List<String> bundles = new ArrayList<>();
      for (AppInfo app : state.apps()) {
        if (app.bundlePath() != null && app.bundlePath().startsWith("/Applications/")) {
          bundles.add(app.bundlePath().substring("/Applications/".length()));
        }
      }
      return bundles;
    }
    List<String> listing = DIRECTORIES.get(normalized);
    if (listing == null) {
      String name = normalized.substring(normalized.lastIndexOf('/') + 1);
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("NSFilePath", normalized);
      info.put("NSLocalizedDescription", "The file \u201c" + name
          + "\u201d couldn\u2019t be opened because there is no such file.");
      info.put("NSUnderlyingError", new NSError("NSPOSIXErrorDomain", 2, Map.of("NSLocalizedDescription",
          "No such file or directory")));
      throw new DtxRemoteException(new NSError("NSCocoaErrorDomain", 260, info));
    }
    return listing;
  }

  @Override
  public Map<String, Object> systemInformation() {
    MockDevice.Identity id = state.identity;
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("_deviceDescription", id.deviceName() + " (" + id.productType() + ")");
    info.put("_deviceDisplayName", id.deviceName());
    info.put("_deviceIdentifier", id.udid());
    info.put("_deviceVersion", id.osVersion() + " (" + id.buildVersion() + ")");
    info.put("ProductName", "iPhone OS");
    info.put("ProductType", id.productType());
    info.put("ProductVersion", id.osVersion());
    info.put("BuildVersion", id.buildVersion());
    info.put("HardwareModel", id.hardwareModel());
    info.put("CPUArchitecture", "arm64e");
    info.put("DeviceClass", "iPhone");
    return info;
  }

  @Override
  public Map<String, Object> hardwareInformation() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("numberOfPhysicalCpus", 6);
    info.put("numberOfCpus", 6);
    info.put("hwCPUtype", 16777228);
    info.put("hwCPUsubtype", 2);
    info.put("hwCPU64BitCapable", 1);
    info.put("speedOfCpus", 0);
    info.put("physicalMemory", 6L * 1024 * 1024 * 1024);
    info.put("ProcessorTraceState", Map.of("Supported", false));
    return info;
  }

  @Override
  public Map<String, Object> networkInformation() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("lo0", "Loopback");
    info.put("en0", "Wi-Fi");
    info.put("en2", "Ethernet Adaptor (en2)");
    info.put("pdp_ip0", "Cellular (pdp_ip0)");
    info.put("anpi0", "Ethernet Adaptor (anpi0)");
    info.put("utun0", "VPN (utun0)");
    return info;
  }

  @Override
  public List<Object> machTimeInfo() {
    // As a device: absolute and continuous mach time (equal: the mock never sleeps), the timebase, the system
    // time in fractional seconds since 1970 and the time zone's name.
    long now = state.clock.now();
    return List.of(now, MockClock.NUMER, MockClock.DENOM, now, System.currentTimeMillis() / 1000.0,
        ZoneId.systemDefault().getId());
  }

  @Override
  public String machKernelName() {
    // A device names the kernel file it booted (the mock's hardware is a T8120), not the uname version string.
    return "/System/Library/Kernels/kernel.release.t8120";
  }

  @Override
  public byte[] kpepDatabase() {
    NSDictionary db = new NSDictionary();
    db.put("name", "a16");
    db.put("marketing_name", "Apple A16");
    db.put("architecture", "arm64");
    db.put("fixed_counters", 2);
    db.put("config_counters", 8);
    db.put("power_counters", 224);
    NSDictionary events = new NSDictionary();
    String[][] known = {{"FIXED_CYCLES", "0x02"}, {"FIXED_INSTRUCTIONS", "0x01"}, {"INST_ALL", "0x8c"},
      {"INST_BRANCH", "0x8d"}, {"BRANCH_MISPRED_NONSPEC", "0xcb"}, {"L1D_CACHE_MISS_LD", "0xa3"},
      {"L1I_CACHE_MISS_DEMAND", "0xdb"}, {"CORE_ACTIVE_CYCLE", "0x02"}};
    for (String[] event : known) {
      NSDictionary e = new NSDictionary();
      e.put("number", Integer.decode(event[1]));
      e.put("description", event[0].toLowerCase().replace('_', ' '));
      events.put(event[0], e);
    }
    db.put("events", events);
    try {
      return BinaryPropertyListWriter.writeToArray(db);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the kpep database plist", e);
    }
  }

  @Override
  public String traceCodesFile() {
    return TraceCodes.table();
  }

  @Override
  public List<String> sysmonProcessAttributes() {
    return SysmonAttributes.PROCESS;
  }

  @Override
  public List<String> sysmonSystemAttributes() {
    return SysmonAttributes.SYSTEM;
  }
}
