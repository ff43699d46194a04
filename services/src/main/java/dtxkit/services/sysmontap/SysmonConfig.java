package dtxkit.services.sysmontap;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Builds the {@link Sysmontap#setConfig} dictionary the way Instruments does. */
public final class SysmonConfig {

  /** Key of the per-process attribute names. */
  public static final String PROC_ATTRS = "procAttrs";
  /** Key of the system attribute names. */
  public static final String SYS_ATTRS = "sysAttrs";
  /** Key of the sample interval in nanoseconds. */
  public static final String SAMPLE_INTERVAL = "sampleInterval";

  private SysmonConfig() {
  }

  /**
   * A configuration sampling these attributes at this interval: {@code ur} 1 (output rate in ms: the minimum, so
   * that the interval sets the pace), {@code bm} 0,
   * {@code cpuUsage} and {@code physFootprint} on.
   *
   * @param processAttributes names from {@code DeviceInfo#sysmonProcessAttributes()} (or a subset)
   * @param systemAttributes names from {@code DeviceInfo#sysmonSystemAttributes()} (or a subset)
   * @param interval the sample interval, positive
   * @return a new mutable dictionary, in key order
   * @throws IllegalArgumentException a non-positive interval
   */
  public static Map<String, Object> of(List<String> processAttributes, List<String> systemAttributes,
      Duration interval) {
    Objects.requireNonNull(processAttributes, "processAttributes");
    Objects.requireNonNull(systemAttributes, "systemAttributes");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("sample interval must be positive, got " + interval);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("ur", 1);
    config.put("bm", 0);
    config.put(PROC_ATTRS, List.copyOf(processAttributes));
    config.put(SYS_ATTRS, List.copyOf(systemAttributes));
    config.put("cpuUsage", true);
    config.put("physFootprint", true);
    config.put(SAMPLE_INTERVAL, interval.toNanos());
    return config;
  }
}
