package dtxkit.services.sysmontap;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.DTTapMessage;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns what a sysmontap channel pushes into {@link SysmonSample}s, naming each value by the attribute names the
 * channel was configured with. One decoder per stream: it marks the first sample it produces invalid, as the device's
 * first CPU figures are (0 or 100).
 *
 * <pre>{@code
 * SysmonDecoder decoder = new SysmonDecoder(procAttrs, sysAttrs);
 * // in a DtxChannelListener of the sysmontap channel:
 * public void onNotification(Object value) { decoder.decode(value).forEach(queue::add); }
 * }</pre>
 *
 * <p>Accepted shapes: a sample dictionary; an array of them; a {@link DTTapMessage} wrapping either (heartbeats
 * wrap none and give nothing); the bytes of a DATA message holding an archive of any of these. Dictionaries without
 * {@code Processes}, {@code System} or {@code SystemCPUUsage} (the acknowledgement after {@code start}) give no
 * sample. Not thread-safe: feed it from one listener.
 */
public final class SysmonDecoder {

    private final List<String> processAttributes;
    private final List<String> systemAttributes;
    private boolean seenFirst;

    /**
     * A decoder for a stream configured with these attributes.
     *
     * @param processAttributes the {@code procAttrs} sent with {@code setConfig:}, in order
     * @param systemAttributes the {@code sysAttrs} sent with {@code setConfig:}, in order
     */
    public SysmonDecoder(List<String> processAttributes, List<String> systemAttributes) {
        this.processAttributes = List.copyOf(processAttributes);
        this.systemAttributes = List.copyOf(systemAttributes);
    }

    /**
     * Decodes one pushed message.
     *
     * @param message an OBJECT notification's value or a DATA message's bytes
     * @return the samples in it, possibly none
     * @throws DtxProtocolException a sample whose shape does not match the configuration (not fatal to the
     *     connection; the decoder stays usable)
     */
    public List<SysmonSample> decode(Object message) throws DtxProtocolException {
        List<SysmonSample> samples = new ArrayList<>();
        collect(message, samples, 0);
        return samples;
    }

    private void collect(Object message, List<SysmonSample> out, int depth) throws DtxProtocolException {
        if (depth > 4) {
            throw new DtxProtocolException("sysmontap message", "nested more than 4 levels deep",
                    DtxProtocolException.UNKNOWN_OFFSET, false, null);
        }
        if (message instanceof DTTapMessage tap) {
            if (tap.plist() != null) {
                collect(tap.plist(), out, depth + 1);
            }
        } else if (message instanceof byte[] bytes) {
            collect(NSKeyedUnarchiver.unarchive(bytes), out, depth + 1);
        } else if (message instanceof List<?> list) {
            for (Object element : list) {
                collect(element, out, depth + 1);
            }
        } else if (message instanceof Map<?, ?> map) {
            if (map.containsKey("Processes") || map.containsKey("System") || map.containsKey("SystemCPUUsage")) {
                out.add(row(map));
            }
        } else if (message != null) {
            throw bad("sysmontap message", "a dictionary, an array of them or archived bytes",
                    message.getClass().getSimpleName());
        }
    }

    private SysmonSample row(Map<?, ?> row) throws DtxProtocolException {
        List<SysmonProcessRow> processes = new ArrayList<>();
        Object processesValue = row.get("Processes");
        if (processesValue != null) {
            if (!(processesValue instanceof Map<?, ?> byPid)) {
                throw mismatch("Processes", "a dictionary pid -> values", processesValue);
            }
            for (Map.Entry<?, ?> entry : byPid.entrySet()) {
                int pid = pid(entry.getKey());
                processes.add(new SysmonProcessRow(pid,
                        named("Processes[" + pid + "]", processAttributes, entry.getValue())));
            }
        }
        Object systemValue = row.get("System");
        Map<String, Object> system = systemValue == null ? Map.of() : named("System", systemAttributes, systemValue);
        double total = Double.NaN;
        double user = Double.NaN;
        double sys = Double.NaN;
        Object usage = row.get("SystemCPUUsage");
        if (usage != null) {
            if (!(usage instanceof Map<?, ?> cpu)) {
                throw mismatch("SystemCPUUsage", "a dictionary", usage);
            }
            total = number(cpu, "CPU_TotalLoad");
            user = number(cpu, "CPU_UserLoad");
            sys = number(cpu, "CPU_SystemLoad");
        }
        boolean valid = seenFirst;
        seenFirst = true;
        return new SysmonSample(valid, processes, system, total, user, sys,
                (int) integral(row, "CPUCount"), integral(row, "StartMachAbsTime"), integral(row, "EndMachAbsTime"));
    }

    private static Map<String, Object> named(String field, List<String> names, Object values)
            throws DtxProtocolException {
        if (!(values instanceof List<?> list)) {
            throw mismatch(field, "an array of " + names.size() + " values", values);
        }
        if (list.size() != names.size()) {
            throw bad(field, names.size() + " values (one per configured attribute)", list.size() + " values");
        }
        Map<String, Object> named = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            named.put(names.get(i), list.get(i));
        }
        return named;
    }

    private static int pid(Object key) throws DtxProtocolException {
        if (key instanceof Number n) {
            return n.intValue();
        }
        if (key instanceof String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw mismatch("Processes key", "a pid", s);
            }
        }
        throw mismatch("Processes key", "a pid", key);
    }

    private static double number(Map<?, ?> map, String key) throws DtxProtocolException {
        Object value = map.get(key);
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw mismatch(key, "a number", value);
    }

    private static long integral(Map<?, ?> map, String key) throws DtxProtocolException {
        Object value = map.get(key);
        if (value == null) {
            return -1;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw mismatch(key, "a number", value);
    }

    private static DtxProtocolException mismatch(String field, String expected, Object actual) {
        Objects.requireNonNull(field);
        String shown = actual == null ? "null"
                : actual instanceof String s ? '"' + s + '"' : actual.getClass().getSimpleName();
        return bad(field, expected, shown);
    }

    /** A malformed sample: bad for this message only, the stream goes on. */
    private static DtxProtocolException bad(String field, String expected, String actual) {
        return new DtxProtocolException(field, "bad " + field + " " + actual + " (expected " + expected + ")",
                DtxProtocolException.UNKNOWN_OFFSET, false, null);
    }
}
