package dtxkit.services.deviceinfo;

import java.util.List;
import java.util.Objects;

/**
 * The device clock from {@link DeviceInfo#machTimeInfo()}: mach ticks and the timebase that turns them into
 * nanoseconds ({@code ns = ticks * numer / denom}).
 *
 * @param machAbsoluteTime the device's {@code mach_absolute_time} when it answered
 * @param numer the timebase numerator
 * @param denom the timebase denominator, never 0
 */
public record MachTimeInfo(long machAbsoluteTime, long numer, long denom) {

  /**
   * Checks the timebase.
   *
   * @param machAbsoluteTime the device's {@code mach_absolute_time} when it answered
   * @param numer the timebase numerator
   * @param denom the timebase denominator, never 0
   * @throws IllegalArgumentException when {@code denom} is 0
   */
  public MachTimeInfo {
    if (denom == 0) {
      throw new IllegalArgumentException("machTimeInfo denominator is 0");
    }
  }

  /**
   * Reads the array the device sends.
   *
   * @param raw {@code [mach_absolute_time, numer, denom, ...]}; the elements after these three (continuous time,
   *     system time, time zone) are ignored
   * @return the clock
   * @throws IllegalArgumentException fewer than 3 elements, one of the first three not a whole number, or a zero
   *     denominator
   */
  public static MachTimeInfo of(List<?> raw) {
    Objects.requireNonNull(raw, "raw");
    if (raw.size() < 3) {
      throw new IllegalArgumentException("machTimeInfo has " + raw.size() + " elements, expected at least 3");
    }
    return new MachTimeInfo(whole(raw, 0, "mach_absolute_time"), whole(raw, 1, "numer"), whole(raw, 2, "denom"));
  }

  private static long whole(List<?> raw, int index, String name) {
    Object value = raw.get(index);
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException("machTimeInfo[" + index + "] (" + name + ") is "
        + (value == null ? "null" : value.getClass().getSimpleName() + " " + value) + ", expected a whole number");
  }

  /**
   * Converts mach ticks to nanoseconds with this timebase.
   *
   * @param ticks mach ticks
   * @return nanoseconds
   */
  public long toNanos(long ticks) {
    try {
      return Math.multiplyExact(ticks, numer) / denom;
    } catch (ArithmeticException overflow) {
      return (long) ((double) ticks * numer / denom);
    }
  }
}
