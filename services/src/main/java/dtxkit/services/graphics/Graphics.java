package dtxkit.services.graphics;

import dtxkit.annotations.DtxMethod;
import dtxkit.annotations.DtxService;

/**
 * GPU and Core Animation counters, including frames per second: the {@code graphics.opengl} Instruments service.
 *
 * <p>After {@link #startSamplingAtTimeInterval} the device pushes one OBJECT notification per sample, a dictionary
 * of counters; {@link GraphicsSample#of(java.util.Map)} reads it.
 */
@DtxService("com.apple.instruments.server.services.graphics.opengl")
public interface Graphics {

    /**
     * Starts sampling.
     *
     * @param interval the interval in seconds; 0.0 lets the device choose (about one sample a second)
     */
    @DtxMethod("startSamplingAtTimeInterval:")
    void startSamplingAtTimeInterval(double interval);

    /** Stops sampling (no reply). */
    @DtxMethod(value = "stopSampling", oneway = true)
    void stopSampling();
}
