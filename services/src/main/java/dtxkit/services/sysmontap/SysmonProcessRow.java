package dtxkit.services.sysmontap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One process in a {@link SysmonSample}: its pid and each configured attribute by name.
 *
 * @param pid the process id
 * @param attributes attribute name to value, in the configured order
 */
public record SysmonProcessRow(int pid, Map<String, Object> attributes) {

    /**
     * Copies the attributes (values may be null).
     *
     * @param pid the process id
     * @param attributes attribute name to value, in the configured order
     */
    public SysmonProcessRow {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(attributes, "attributes")));
    }

    /**
     * An attribute's value.
     *
     * @param name e.g. {@code "cpuUsage"}
     * @return the value, or null when not sampled
     */
    public Object get(String name) {
        return attributes.get(name);
    }

    /**
     * The {@code name} attribute.
     *
     * @return the process name, or null when not sampled
     */
    public String name() {
        return attributes.get("name") instanceof String s ? s : null;
    }

    /**
     * The {@code cpuUsage} attribute, in percent of one CPU.
     *
     * @return the usage, or NaN when not sampled
     */
    public double cpuUsage() {
        return attributes.get("cpuUsage") instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * The {@code physFootprint} attribute, in bytes.
     *
     * @return the footprint, or -1 when not sampled
     */
    public long physFootprint() {
        return attributes.get("physFootprint") instanceof Number n ? n.longValue() : -1;
    }
}
