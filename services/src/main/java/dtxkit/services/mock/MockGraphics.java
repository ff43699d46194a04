package dtxkit.services.mock;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import dtxkit.services.graphics.Graphics;
import dtxkit.services.graphics.GraphicsSample;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The mock device's graphics.opengl, one per channel: a counters dictionary per interval (one second for 0.0). */
final class MockGraphics implements Graphics {

    private final DeviceState state;
    private final DtxChannel channel;
    private final Random random = new Random(60);
    private ScheduledFuture<?> sampling;

    MockGraphics(DeviceState state, DtxChannel channel) {
        this.state = state;
        this.channel = channel;
    }

    @Override
    public synchronized void startSamplingAtTimeInterval(double interval) {
        if (sampling != null) {
            return;
        }
        long micros = interval <= 0 || Double.isNaN(interval) ? 1_000_000 : Math.max(10_000, (long) (interval * 1e6));
        sampling = state.scheduler.scheduleAtFixedRate(this::sample, 0, micros, TimeUnit.MICROSECONDS);
    }

    @Override
    public synchronized void stopSampling() {
        if (sampling != null) {
            sampling.cancel(false);
            sampling = null;
        }
    }

    private void sample() {
        if (!channel.isOpen()) {
            stopSampling();
            return;
        }
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put(GraphicsSample.FPS, 55 + random.nextInt(6));
        counters.put(GraphicsSample.DEVICE_UTILIZATION, random.nextInt(40));
        counters.put(GraphicsSample.RENDERER_UTILIZATION, random.nextInt(35));
        counters.put(GraphicsSample.TILER_UTILIZATION, random.nextInt(20));
        counters.put(GraphicsSample.TIMESTAMP, state.clock.now() * MockClock.NUMER / MockClock.DENOM / 1000);
        counters.put("Alloc system memory", 350_000_000L + random.nextInt(10_000_000));
        counters.put("In use system memory", 120_000_000L + random.nextInt(10_000_000));
        counters.put("In use system memory (driver)", 0);
        counters.put("IOGLBundleName", "Built-In");
        counters.put("recoveryCount", 0);
        counters.put("SplitSceneCount", 0);
        counters.put("TiledSceneBytes", 0);
        try {
            channel.sendNotification(counters);
        } catch (DtxException closed) {
            stopSampling();
        }
    }
}
