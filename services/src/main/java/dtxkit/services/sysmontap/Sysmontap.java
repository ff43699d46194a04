package dtxkit.services.sysmontap;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnData;
import java.util.Map;

/**
 * System and per-process resource samples: the {@code sysmontap} Instruments service.
 *
 * <p>The sequence is {@link #setConfig}, {@link #start}, then samples stream in until {@link #stop}; none of the three
 * gets a reply. Samples arrive as OBJECT notifications (or DATA messages on some devices) holding the values in the
 * order of the configured attribute names; {@link SysmonDecoder} turns them into {@link SysmonSample}s. The first
 * sample after {@code start} carries invalid CPU usage. {@code dtxkit.services.Instruments#sysmon} does all of it.
 *
 * <pre>{@code
 * Map<String, Object> config = SysmonConfig.of(info.sysmonProcessAttributes(), info.sysmonSystemAttributes(),
 *         Duration.ofMillis(500));
 * }</pre>
 */
@DtxService("com.apple.instruments.server.services.sysmontap")
public interface Sysmontap {

    /**
     * Configures the sampling (no reply); see {@link SysmonConfig}.
     *
     * @param config {@code ur}, {@code bm}, {@code procAttrs}, {@code sysAttrs}, {@code cpuUsage},
     *     {@code physFootprint}, {@code sampleInterval} (ns)
     */
    @DtxMethod(value = "setConfig:", oneway = true)
    void setConfig(Map<String, Object> config);

    /** Starts sampling (no reply). */
    @DtxMethod(value = "start", oneway = true)
    void start();

    /** Stops sampling (no reply). */
    @DtxMethod(value = "stop", oneway = true)
    void stop();

    /** Raw DATA messages of the channel (samples some devices send as archived bytes). */
    interface Events {

        /**
         * One DATA message.
         *
         * @param chunk the bytes, owned by the receiver
         */
        @OnData
        default void data(byte[] chunk) {
        }
    }
}
