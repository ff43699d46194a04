package dtxkit.runtime.auxdict;

import java.util.Objects;

/**
 * One key/value pair of an aux dictionary. Positional arguments have the {@link AuxValue#NULL} key.
 *
 * @param key the key (usually {@link AuxValue#NULL})
 * @param value the value
 */
public record AuxEntry(AuxValue key, AuxValue value) {
  /** Both must be non-null (use {@link AuxValue#NULL} for the null primitive). */
  public AuxEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** A positional argument: {@code value} under the null key. */
  public static AuxEntry positional(AuxValue value) {
    return new AuxEntry(AuxValue.NULL, value);
  }
}
