package dtxkit.services.graphics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One sample of {@link Graphics}: the counters most tools show, and all of them.
 *
 * @param framesPerSecond {@code CoreAnimationFramesPerSecond}, or -1 when absent
 * @param deviceUtilization {@code Device Utilization %}, or -1 when absent
 * @param rendererUtilization {@code Renderer Utilization %}, or -1 when absent
 * @param tilerUtilization {@code Tiler Utilization %}, or -1 when absent
 * @param timestamp {@code XRVideoCardRunTimeStamp} (device microseconds), or -1 when absent
 * @param counters every counter the device sent
 */
public record GraphicsSample(double framesPerSecond, double deviceUtilization, double rendererUtilization,
        double tilerUtilization, long timestamp, Map<String, Object> counters) {

    /** Key of the frames-per-second counter. */
    public static final String FPS = "CoreAnimationFramesPerSecond";
    /** Key of the GPU device utilization counter. */
    public static final String DEVICE_UTILIZATION = "Device Utilization %";
    /** Key of the renderer utilization counter. */
    public static final String RENDERER_UTILIZATION = "Renderer Utilization %";
    /** Key of the tiler utilization counter. */
    public static final String TILER_UTILIZATION = "Tiler Utilization %";
    /** Key of the sample time stamp. */
    public static final String TIMESTAMP = "XRVideoCardRunTimeStamp";

    /**
     * Copies the counters.
     *
     * @param framesPerSecond {@code CoreAnimationFramesPerSecond}, or -1 when absent
     * @param deviceUtilization {@code Device Utilization %}, or -1 when absent
     * @param rendererUtilization {@code Renderer Utilization %}, or -1 when absent
     * @param tilerUtilization {@code Tiler Utilization %}, or -1 when absent
     * @param timestamp {@code XRVideoCardRunTimeStamp} (device microseconds), or -1 when absent
     * @param counters every counter the device sent
     */
    public GraphicsSample {
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(counters, "counters")));
    }

    /**
     * Reads a sample dictionary as the device sends it.
     *
     * @param counters the notification value
     * @return the sample
     * @throws IllegalArgumentException a known counter is not a number
     */
    public static GraphicsSample of(Map<String, Object> counters) {
        return new GraphicsSample(number(counters, FPS), number(counters, DEVICE_UTILIZATION),
                number(counters, RENDERER_UTILIZATION), number(counters, TILER_UTILIZATION),
                (long) number(counters, TIMESTAMP), counters);
    }

    private static double number(Map<String, Object> counters, String key) {
        Object value = counters.get(key);
        if (value == null) {
            return -1;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("graphics counter " + key + " is " + value.getClass().getSimpleName()
                + ", expected a number");
    }
}
