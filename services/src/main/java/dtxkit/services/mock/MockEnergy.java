package dtxkit.services.mock;

import dtxkit.services.energy.Energy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mock device's Energy gauge: a sample per requested pid that runs, with costs growing since sampling started
 * for it; pids never started are sampled from the first request.
 */
final class MockEnergy implements Energy {

    private final DeviceState state;
    private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
    private final Set<Integer> sampling = ConcurrentHashMap.newKeySet();

    MockEnergy(DeviceState state) {
        this.state = state;
    }

    @Override
    public void startSamplingForPids(List<Integer> pids) {
        long now = state.clock.now();
        for (Integer pid : pids) {
            sampling.add(pid);
            startedAt.putIfAbsent(pid, now);
        }
    }

    @Override
    public void stopSamplingForPids(List<Integer> pids) {
        for (Integer pid : pids) {
            sampling.remove(pid);
            startedAt.remove(pid);
        }
    }

    @Override
    public Map<Object, Map<String, Object>> sampleAttributes(Map<String, Object> attributes, List<Integer> pids) {
        Map<Object, Map<String, Object>> result = new LinkedHashMap<>();
        long now = state.clock.now();
        for (Integer pid : pids) {
            MockProcess process = state.process(pid);
            if (process == null) {
                continue;
            }
            long since = startedAt.computeIfAbsent(pid, p -> now);
            double seconds = (now - since) * MockClock.NUMER / (double) MockClock.DENOM / 1e9;
            double cpu = process.isApplication() ? 42.0 + (pid % 7) : 1.5;
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("energy.version", 1);
            sample.put("kIDEGaugeSecondsSinceInitialQueryKey", (long) seconds);
            sample.put("energy.cost", cpu + 12.0 + 6.0);
            sample.put("energy.overhead", 120.0);
            sample.put("energy.cpu.cost", cpu);
            sample.put("energy.cpu.overhead", 0.0);
            sample.put("energy.gpu.cost", process.isApplication() ? 12.0 : 0.0);
            sample.put("energy.gpu.overhead", 0.0);
            sample.put("energy.networking.cost", process.isApplication() ? 6.0 : 0.0);
            sample.put("energy.networking.overhead", 0.0);
            sample.put("energy.display.cost", 0.0);
            sample.put("energy.display.overhead", 0.0);
            sample.put("energy.location.cost", 0.0);
            sample.put("energy.location.overhead", 0.0);
            sample.put("energy.appstate.cost", 8);
            sample.put("energy.appstate.overhead", 0);
            sample.put("energy.thermalstate.cost", 0);
            sample.put("energy.inducedthermalstate.cost", -1);
            result.put(pid, sample);
        }
        return result;
    }

    /** The pids a client asked to sample and has not stopped. */
    Set<Integer> sampling() {
        return Set.copyOf(sampling);
    }
}
