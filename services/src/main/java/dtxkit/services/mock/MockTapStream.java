package dtxkit.services.mock;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A tap's DATA stream, one per channel: {@code setConfig:} is kept, {@code start} sends the opening message and then
 * a chunk every 50 ms until {@code stop} or the channel closes. Subclasses make the bytes.
 */
abstract class MockTapStream {

    static final long CHUNK_PERIOD_MILLIS = 50;

    final DeviceState state;
    private final DtxChannel channel;
    private Map<String, Object> config = Map.of();
    private ScheduledFuture<?> streaming;
    private long sequence;

    MockTapStream(DeviceState state, DtxChannel channel) {
        this.state = state;
        this.channel = channel;
    }

    public synchronized void setConfig(Map<String, Object> newConfig) {
        config = new LinkedHashMap<>(newConfig);
    }

    public synchronized void start() {
        if (streaming != null) {
            return;
        }
        sequence = 0;
        channel.sendData(opening(config));
        streaming = state.scheduler.scheduleAtFixedRate(this::next, CHUNK_PERIOD_MILLIS, CHUNK_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (streaming != null) {
            streaming.cancel(false);
            streaming = null;
        }
    }

    private synchronized void next() {
        if (!channel.isOpen()) {
            stop();
            return;
        }
        try {
            channel.sendData(chunk(sequence++, config));
        } catch (DtxException closed) {
            stop();
        }
    }

    /** The first DATA message after {@code start}. */
    abstract byte[] opening(Map<String, Object> config);

    /** The DATA message number {@code sequence} (0-based) after the opening one. */
    abstract byte[] chunk(long sequence, Map<String, Object> config);

    static byte[] binaryPlist(NSDictionary dictionary) {
        try {
            return BinaryPropertyListWriter.writeToArray(dictionary);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a tap notice", e);
        }
    }
}
