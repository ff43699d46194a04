package dtxkit.services.mock;

/**
 * The mock device's mach clock: 24 MHz ticks (timebase 125/3, as on Apple silicon phones) since the device started.
 */
final class MockClock {

    static final long NUMER = 125;
    static final long DENOM = 3;

    private final long bootNanos = System.nanoTime();
    /** A plausible uptime at start (about three days), so times do not look like a fresh boot. */
    private static final long UPTIME_AT_START_TICKS = 3L * 24 * 3600 * 24_000_000L;

    long now() {
        return UPTIME_AT_START_TICKS + (System.nanoTime() - bootNanos) * DENOM / NUMER;
    }
}
