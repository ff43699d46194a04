package dtxkit.services.mock;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxChannel;
import dtxkit.services.taps.ActivityTraceTap;
import java.io.ByteArrayOutputStream;
import java.util.Map;

/**
 * The mock device's activitytracetap: a heartbeat plist, then chunks in the tap's stack-machine encoding (16-bit
 * little-endian words; values pushed as 14-bit groups whose top bits say continue (10) or end (11); opcode 0x02 ends
 * a row of table 0): one log row per chunk with its mach time, pid and message type.
 */
final class MockActivityTraceTap extends MockTapStream implements ActivityTraceTap {

    MockActivityTraceTap(DeviceState state, DtxChannel channel) {
        super(state, channel);
    }

    @Override
    byte[] opening(Map<String, Object> config) {
        NSDictionary heartbeat = new NSDictionary();
        heartbeat.put("k", 0);
        heartbeat.put("heartbeat", true);
        return binaryPlist(heartbeat);
    }

    @Override
    byte[] chunk(long sequence, Map<String, Object> config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int row = 0; row < 32; row++) {
            push(out, state.clock.now());
            push(out, 30 + (sequence + row) % 200);
            push(out, row % 5);
            word(out, 0x0200);
        }
        return out.toByteArray();
    }

    /** A value as 14-bit groups, most significant first: 10xxxxxx... for all but the last, 11xxxxxx... for it. */
    private static void push(ByteArrayOutputStream out, long value) {
        int groups = 1;
        while (groups < 5 && (value >>> (14 * groups)) != 0) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int bits = (int) ((value >>> (14 * g)) & 0x3FFF);
            word(out, (g == 0 ? 0xC000 : 0x8000) | bits);
        }
    }

    private static void word(ByteArrayOutputStream out, int word) {
        out.write(word & 0xFF);
        out.write((word >>> 8) & 0xFF);
    }
}
