package dtxkit.services.sysmontap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One decoded sysmontap sample.
 *
 * @param valid false for the first sample after {@code start}, whose CPU usage the device has not measured yet
 *     (it reads 0 or 100); true afterwards
 * @param processes one row per process, in the device's order; empty when the sample has none
 * @param system system attribute name to value, in the configured order; empty when the sample has none
 * @param cpuTotalLoad {@code SystemCPUUsage.CPU_TotalLoad}, or NaN when absent
 * @param cpuUserLoad {@code SystemCPUUsage.CPU_UserLoad}, or NaN when absent
 * @param cpuSystemLoad {@code SystemCPUUsage.CPU_SystemLoad}, or NaN when absent
 * @param cpuCount {@code CPUCount}, or -1 when absent
 * @param startMachAbsTime {@code StartMachAbsTime}, or -1 when absent
 * @param endMachAbsTime {@code EndMachAbsTime}, or -1 when absent
 */
public record SysmonSample(boolean valid, List<SysmonProcessRow> processes, Map<String, Object> system,
        double cpuTotalLoad, double cpuUserLoad, double cpuSystemLoad, int cpuCount, long startMachAbsTime,
        long endMachAbsTime) {

    /**
     * Copies the rows and the system attributes.
     *
     * @param valid false for the first sample after {@code start}, whose CPU usage the device has not measured yet
     *     (it reads 0 or 100); true afterwards
     * @param processes one row per process, in the device's order; empty when the sample has none
     * @param system system attribute name to value, in the configured order; empty when the sample has none
     * @param cpuTotalLoad {@code SystemCPUUsage.CPU_TotalLoad}, or NaN when absent
     * @param cpuUserLoad {@code SystemCPUUsage.CPU_UserLoad}, or NaN when absent
     * @param cpuSystemLoad {@code SystemCPUUsage.CPU_SystemLoad}, or NaN when absent
     * @param cpuCount {@code CPUCount}, or -1 when absent
     * @param startMachAbsTime {@code StartMachAbsTime}, or -1 when absent
     * @param endMachAbsTime {@code EndMachAbsTime}, or -1 when absent
     */
    public SysmonSample {
        processes = List.copyOf(processes);
        system = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(system, "system")));
    }

    /**
     * The row of one process.
     *
     * @param pid the process id
     * @return the row, or null when the process is not in this sample
     */
    public SysmonProcessRow process(int pid) {
        for (SysmonProcessRow row : processes) {
            if (row.pid() == pid) {
                return row;
            }
        }
        return null;
    }
}
