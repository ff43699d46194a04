package dtxkit.services.mock;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxChannel;
import dtxkit.services.taps.CoreProfileSessionTap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The mock device's coreprofilesessiontap: a notice plist (status 0: kperf is ours), a KCDATA stackshot (magic
 * {@code 0x59A25807} ... end {@code 0xF19158ED}), then kdebug RAW_VERSION2 data: a header, then 64-byte kd_buf
 * records, 64 per chunk.
 */
final class MockCoreProfileSessionTap extends MockTapStream implements CoreProfileSessionTap {

    static final int KCDATA_BUFFER_BEGIN_STACKSHOT = 0x59A25807;
    static final int KCDATA_TYPE_BUFFER_END = 0xF19158ED;
    static final int RAW_VERSION2 = 0x55AA0200;
    static final int KD_BUF_SIZE = 64;
    static final int EVENTS_PER_CHUNK = 64;

    MockCoreProfileSessionTap(DeviceState state, DtxChannel channel) {
        super(state, channel);
    }

    @Override
    byte[] opening(Map<String, Object> config) {
        NSDictionary notice = new NSDictionary();
        notice.put("notice", "kperf session started");
        notice.put("status", 0);
        return binaryPlist(notice);
    }

    @Override
    byte[] chunk(long sequence, Map<String, Object> config) {
        if (sequence == 0) {
            return stackshot();
        }
        boolean header = sequence == 1;
        ByteBuffer b = ByteBuffer.allocate((header ? 288 : 0) + EVENTS_PER_CHUNK * KD_BUF_SIZE)
                .order(ByteOrder.LITTLE_ENDIAN);
        if (header) {
            b.putInt(RAW_VERSION2).putInt(0).putLong(System.currentTimeMillis() / 1000)
                    .putInt((int) (System.currentTimeMillis() % 1000) * 1000).putInt(0);
            b.position(288); // the header is padded to a 288-byte boundary before the thread map (empty here)
        }
        long now = state.clock.now();
        for (int i = 0; i < EVENTS_PER_CHUNK; i++) {
            b.putLong(now + i * 24L);                    // timestamp
            b.putLong(i).putLong(sequence).putLong(0).putLong(0); // arg1..arg4
            b.putLong(0x1000 + i % 8);                    // arg5: thread id
            b.putInt(0x01400000 | ((i % 4) << 2) | (i % 2)); // debugid: MACH_sched, DBG_FUNC_START/END
            b.putInt(i % 6);                              // cpuid
            b.putLong(0);                                 // unused
        }
        return b.array();
    }

    /** A minimal stackshot: the begin item, a timestamp item, the end item. */
    private byte[] stackshot() {
        ByteBuffer b = ByteBuffer.allocate(16 + 16 + 8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(KCDATA_BUFFER_BEGIN_STACKSHOT).putInt(0).putLong(0);
        b.putInt(0x907).putInt(8).putLong(0).putLong(state.clock.now()); // STACKSHOT_KCTYPE_MACH_ABSOLUTE_TIME-like
        b.putInt(KCDATA_TYPE_BUFFER_END).putInt(0).putLong(0);
        return b.array();
    }
}
