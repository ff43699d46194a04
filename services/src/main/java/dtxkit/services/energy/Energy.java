package dtxkit.services.energy;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import java.util.List;
import java.util.Map;

/**
 * Per-process energy use: Xcode's debug gauge {@code Energy} data provider. The client polls.
 *
 * <pre>{@code
 * Energy energy = connection.open(Energy.class);
 * energy.startSamplingForPids(List.of(pid));
 * Map<Object, Map<String, Object>> sample = energy.sampleAttributes(Map.of(), List.of(pid));
 * EnergySample s = EnergySample.of(pid, sample.get(pid));
 * }</pre>
 */
@DtxService("com.apple.xcode.debug-gauge-data-providers.Energy")
public interface Energy {

    /**
     * Starts sampling these processes (no reply).
     *
     * @param pids the process ids
     */
    @DtxMethod(value = "startSamplingForPIDs:", oneway = true)
    void startSamplingForPids(List<Integer> pids);

    /**
     * Stops sampling these processes (no reply).
     *
     * @param pids the process ids
     */
    @DtxMethod(value = "stopSamplingForPIDs:", oneway = true)
    void stopSamplingForPids(List<Integer> pids);

    /**
     * The latest sample of each process; see {@link EnergySample#of(int, Map)}.
     *
     * @param attributes which attributes to return; empty for all
     * @param pids the process ids
     * @return a dictionary per pid, keyed by the pid as the device sends it (an NSNumber)
     */
    @DtxMethod("sampleAttributes:forPIDs:")
    Map<Object, Map<String, Object>> sampleAttributes(Map<String, Object> attributes, List<Integer> pids);
}
