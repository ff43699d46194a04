package dtxkit.services.energy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One process's energy sample from {@link Energy#sampleAttributes}: the cost components Xcode's gauge shows, and
 * every attribute the device sent.
 *
 * @param pid the process id
 * @param cost {@code energy.cost}, the total, or -1 when absent
 * @param cpuCost {@code energy.cpu.cost}, or -1 when absent
 * @param gpuCost {@code energy.gpu.cost}, or -1 when absent
 * @param networkingCost {@code energy.networking.cost}, or -1 when absent
 * @param displayCost {@code energy.display.cost}, or -1 when absent
 * @param locationCost {@code energy.location.cost}, or -1 when absent
 * @param overhead {@code energy.overhead}, or -1 when absent
 * @param attributes every attribute as sent
 */
public record EnergySample(int pid, double cost, double cpuCost, double gpuCost, double networkingCost,
        double displayCost, double locationCost, double overhead, Map<String, Object> attributes) {

    /**
     * Copies the attributes.
     *
     * @param pid the process id
     * @param cost {@code energy.cost}, the total, or -1 when absent
     * @param cpuCost {@code energy.cpu.cost}, or -1 when absent
     * @param gpuCost {@code energy.gpu.cost}, or -1 when absent
     * @param networkingCost {@code energy.networking.cost}, or -1 when absent
     * @param displayCost {@code energy.display.cost}, or -1 when absent
     * @param locationCost {@code energy.location.cost}, or -1 when absent
     * @param overhead {@code energy.overhead}, or -1 when absent
     * @param attributes every attribute as sent
     */
    public EnergySample {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(attributes, "attributes")));
    }

    /**
     * Reads the dictionary the device sends for one pid.
     *
     * @param pid the process id
     * @param attributes the dictionary
     * @return the sample
     * @throws IllegalArgumentException a cost is not a number
     */
    public static EnergySample of(int pid, Map<String, Object> attributes) {
        Objects.requireNonNull(attributes, "attributes");
        return new EnergySample(pid, number(attributes, "energy.cost"), number(attributes, "energy.cpu.cost"),
                number(attributes, "energy.gpu.cost"), number(attributes, "energy.networking.cost"),
                number(attributes, "energy.display.cost"), number(attributes, "energy.location.cost"),
                number(attributes, "energy.overhead"), attributes);
    }

    private static double number(Map<String, Object> attributes, String key) {
        Object value = attributes.get(key);
        if (value == null) {
            return -1;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("energy attribute " + key + " is " + value.getClass().getSimpleName()
                + ", expected a number");
    }
}
