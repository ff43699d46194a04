package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import dtxkit.services.sysmontap.SysmonConfig;
import dtxkit.services.sysmontap.Sysmontap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock device's sysmontap, one per channel: after {@code start} an acknowledgement, then one sample per
 * configured interval as an OBJECT notification holding an array with one sample dictionary. The first sample's CPU
 * figures are invalid (0 per process, 100 system-wide), as a device's are.
 */
final class MockSysmontap implements Sysmontap {

    private static final Logger LOG = LoggerFactory.getLogger(MockSysmontap.class);
    /** The fastest the mock samples, whatever the configuration says. */
    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final DeviceState state;
    private final DtxChannel channel;
    private final Random random = new Random(17);
    private List<String> processAttributes = SysmonAttributes.PROCESS;
    private List<String> systemAttributes = SysmonAttributes.SYSTEM;
    private long intervalNanos = DEFAULT_INTERVAL_NANOS;
    private ScheduledFuture<?> sampling;
    private boolean first;
    private long lastSampleTicks;

    MockSysmontap(DeviceState state, DtxChannel channel) {
        this.state = state;
        this.channel = channel;
    }

    @Override
    public synchronized void setConfig(Map<String, Object> config) {
        if (config.get(SysmonConfig.PROC_ATTRS) instanceof List<?> names) {
            processAttributes = strings(names);
        }
        if (config.get(SysmonConfig.SYS_ATTRS) instanceof List<?> names) {
            systemAttributes = strings(names);
        }
        if (config.get(SysmonConfig.SAMPLE_INTERVAL) instanceof Number n && n.longValue() > 0) {
            intervalNanos = Math.max(MIN_INTERVAL_NANOS, n.longValue());
        }
    }

    @Override
    public synchronized void start() {
        if (sampling != null) {
            return;
        }
        first = true;
        lastSampleTicks = state.clock.now();
        channel.sendNotification(Map.of("Status", 0, "Type", 0));
        sampling = state.scheduler.scheduleAtFixedRate(this::sample, intervalNanos, intervalNanos,
                TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (sampling != null) {
            sampling.cancel(false);
            sampling = null;
        }
    }

    private synchronized void sample() {
        if (!channel.isOpen()) {
            stop();
            return;
        }
        long now = state.clock.now();
        Map<Object, Object> processes = new LinkedHashMap<>();
        for (MockProcess p : state.processes()) {
            List<Object> values = new ArrayList<>(processAttributes.size());
            for (String attribute : processAttributes) {
                values.add(processValue(p, attribute));
            }
            processes.put(p.pid(), values);
        }
        List<Object> system = new ArrayList<>(systemAttributes.size());
        for (String attribute : systemAttributes) {
            system.add(systemValue(attribute));
        }
        double user = first ? 100.0 : 5 + random.nextDouble() * 20;
        double sys = first ? 0.0 : 2 + random.nextDouble() * 8;
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("CPU_TotalLoad", first ? 100.0 : user + sys);
        cpu.put("CPU_UserLoad", user);
        cpu.put("CPU_SystemLoad", sys);
        cpu.put("CPU_NiceLoad", 0.0);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Type", 7);
        row.put("Processes", processes);
        row.put("System", system);
        row.put("SystemCPUUsage", cpu);
        row.put("CPUCount", 6);
        row.put("EnabledCPUs", 6);
        row.put("StartMachAbsTime", lastSampleTicks);
        row.put("EndMachAbsTime", now);
        lastSampleTicks = now;
        first = false;
        try {
            channel.sendNotification(List.of(row));
        } catch (DtxException closed) {
            LOG.debug("sysmontap sample not delivered: {}", closed.getMessage());
            stop();
        }
    }

    private Object processValue(MockProcess p, String attribute) {
        int seed = p.pid() * 31;
        return switch (attribute) {
            case "pid" -> p.pid();
            case "name" -> p.name();
            case "uid" -> p.uid();
            case "ppid", "responsiblePID" -> p.pid() <= 1 ? 0 : 1;
            case "pgid" -> p.pid();
            case "cpuUsage" -> first ? 0.0 : (p.isApplication() ? 8.0 : 0.2) + random.nextDouble() * 2;
            case "physFootprint" -> (p.isApplication() ? 120L : 4L) * 1024 * 1024 + seed * 4096L;
            case "memResidentSize" -> (p.isApplication() ? 180L : 6L) * 1024 * 1024 + seed * 4096L;
            case "memVirtualSize" -> 400_000_000_000L + seed * 65536L;
            case "threadCount" -> p.isApplication() ? 14 : 3 + p.pid() % 5;
            case "procStatus" -> 2;
            case "__arch" -> "arm64e";
            case "__sandbox", "__restricted", "__suddenTerm", "appSleep" -> false;
            case "startAbsTime" -> p.startDate().toEpochMilli();
            default -> (long) (seed + random.nextInt(1000));
        };
    }

    private Object systemValue(String attribute) {
        return switch (attribute) {
            case "physMemSize" -> 6L * 1024 * 1024 * 1024;
            case "threadCount" -> 1800 + random.nextInt(100);
            case "__vmSwapUsage" -> List.of(0L, 0L, 0L);
            default -> (long) (10_000 + random.nextInt(100_000));
        };
    }

    private static List<String> strings(List<?> names) {
        List<String> out = new ArrayList<>(names.size());
        for (Object name : names) {
            out.add(String.valueOf(name));
        }
        return List.copyOf(out);
    }
}
