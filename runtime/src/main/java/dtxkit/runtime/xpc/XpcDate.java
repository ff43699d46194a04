package dtxkit.runtime.xpc;

import java.time.Instant;

/**
 * XPC date (type {@code 0x7000}): nanoseconds since the Unix epoch, as a 64-bit integer.
 *
 * @param nanosSinceEpoch nanoseconds since 1970-01-01T00:00:00Z
 */
public record XpcDate(long nanosSinceEpoch) implements XpcObject {
  /** The date of an instant (nanosecond precision; overflows beyond year 2262 are the caller's mistake). */
  public static XpcDate of(Instant instant) {
    return new XpcDate(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano()));
  }

  /** This date as an instant. */
  public Instant toInstant() {
    return Instant.ofEpochSecond(Math.floorDiv(nanosSinceEpoch, 1_000_000_000L),
        Math.floorMod(nanosSinceEpoch, 1_000_000_000L));
  }

  @Override
  public int typeCode() {
    return XpcTypes.DATE;
  }
}
