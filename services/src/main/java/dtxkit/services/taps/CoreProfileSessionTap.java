package dtxkit.services.taps;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;
import dtxkit.annotations.OnData;
import java.util.Map;

/**
 * Kernel trace (kdebug) and stackshots: the {@code coreprofilesessiontap} Instruments service.
 *
 * <p>{@link #setConfig}, {@link #start}, {@link #stop} get no reply. The stream arrives as DATA messages handed out
 * as byte chunks through {@link Events#data}: a bplist notice first, then a KCDATA stackshot, then kdebug buffers.
 */
@DtxService("com.apple.instruments.server.services.coreprofilesessiontap")
public interface CoreProfileSessionTap {

    /**
     * Configures the tap (no reply): {@code tc} (trigger configs), {@code rp}, {@code bm}.
     *
     * @param config the configuration
     */
    @DtxMethod(value = "setConfig:", oneway = true)
    void setConfig(Map<String, Object> config);

    /** Starts the stream (no reply). */
    @DtxMethod(value = "start", oneway = true)
    void start();

    /** Stops the stream (no reply). */
    @DtxMethod(value = "stop", oneway = true)
    void stop();

    /** The stream. */
    interface Events {

        /**
         * One DATA message of the stream.
         *
         * @param chunk the bytes, owned by the receiver
         */
        @OnData
        default void data(byte[] chunk) {
        }
    }
}
