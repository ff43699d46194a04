package dtxkit.services.deviceinfo;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import java.util.List;
import java.util.Map;

/**
 * What the device says about itself and its processes: the {@code deviceinfo} Instruments service.
 *
 * <pre>{@code
 * DeviceInfo info = connection.open(DeviceInfo.class);
 * for (ProcessInfo p : info.runningProcesses()) {
 *     System.out.println(p.pid() + " " + p.name());
 * }
 * String launchd = info.execnameForPid(1);
 * }</pre>
 *
 * <p>Every selector expects a reply; arguments travel NSKeyedArchived, as the device expects.
 */
@DtxService("com.apple.instruments.server.services.deviceinfo")
public interface DeviceInfo {

  /**
   * The processes running on the device, including apps and daemons.
   *
   * @return one entry per process
   */
  @DtxMethod("runningProcesses")
  List<ProcessInfo> runningProcesses();

  /**
   * The path of the executable of a process.
   *
   * @param pid the process id
   * @return the executable path, or null when no such process runs
   */
  @DtxMethod("execnameForPid:")
  String execnameForPid(int pid);

  /**
   * Whether a process with this id runs.
   *
   * @param pid the process id
   * @return true while it runs
   */
  @DtxMethod("isRunningPid:")
  boolean isRunningPid(int pid);

  /**
   * The user name of a uid, e.g. {@code "mobile"} for 501.
   *
   * @param uid the user id
   * @return the name, or null when unknown
   */
  @DtxMethod("nameForUID:")
  String nameForUid(int uid);

  /**
   * The group name of a gid.
   *
   * @param gid the group id
   * @return the name, or null when unknown
   */
  @DtxMethod("nameForGID:")
  String nameForGid(int gid);

  /**
   * The names in a directory of the device's file system.
   *
   * @param path an absolute path
   * @return the entry names, or null when the path is no readable directory
   * @throws dtxkit.runtime.DtxRemoteException the device answered with an NSError
   */
  @DtxMethod("directoryListingForPath:")
  List<String> directoryListingForPath(String path);

  /**
   * The system information dictionary (OS version, build, ...).
   *
   * @return the dictionary as the device sends it
   */
  @DtxMethod("systemInformation")
  Map<String, Object> systemInformation();

  /**
   * The hardware information dictionary (CPU counts, architecture, ...).
   *
   * @return the dictionary as the device sends it
   */
  @DtxMethod("hardwareInformation")
  Map<String, Object> hardwareInformation();

  /**
   * The network information dictionary (interfaces by name).
   *
   * @return the dictionary as the device sends it
   */
  @DtxMethod("networkInformation")
  Map<String, Object> networkInformation();

  /**
   * The device clock: {@code [mach_absolute_time, numer, denom, mach_continuous_time, system time, time zone]},
   * where the system time is fractional seconds since 1970 (a double) and the time zone a name such as
   * {@code "Europe/Paris"}; see {@link MachTimeInfo#of(List)}.
   *
   * @return the raw array
   */
  @DtxMethod("machTimeInfo")
  List<Object> machTimeInfo();

  /**
   * The name of the booted kernel: its file path.
   *
   * @return the path of the booted kernel, e.g. {@code "/System/Library/Kernels/kernel.release.t8110"} (older
   *     devices: {@code "/mach.release.t8030"})
   */
  @DtxMethod("machKernelName")
  String machKernelName();

  /**
   * The kperf event database (a binary plist), used to configure performance counters.
   *
   * @return the bytes, or null when the device has none
   */
  @DtxMethod("kpepDatabase")
  byte[] kpepDatabase();

  /**
   * The kdebug trace code table: one {@code "0xCODE\tName"} line per code. Hundreds of KiB on a device.
   *
   * @return the text
   */
  @DtxMethod("traceCodesFile")
  String traceCodesFile();

  /**
   * The per-process attribute names sysmontap can sample (the {@code procAttrs} of its configuration).
   *
   * @return the names
   */
  @DtxMethod("sysmonProcessAttributes")
  List<String> sysmonProcessAttributes();

  /**
   * The system-wide attribute names sysmontap can sample (the {@code sysAttrs} of its configuration).
   *
   * @return the names
   */
  @DtxMethod("sysmonSystemAttributes")
  List<String> sysmonSystemAttributes();
}
