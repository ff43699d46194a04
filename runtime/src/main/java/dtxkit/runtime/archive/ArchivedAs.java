package dtxkit.runtime.archive;

import java.util.List;
import java.util.Objects;

/**
 * Archives {@code value} with a chosen {@code $classes} chain instead of its default one. Some XCTest APIs reject an
 * {@code NSArray} where they expect an {@code NSMutableArray}:
 *
 * <pre>{@code
 * NSKeyedArchiver.archive(ArchivedAs.mutableArray(List.of("a", "b")));
 * // $classes [NSMutableArray, NSArray, NSObject]
 * }</pre>
 *
 * <p>The archiver encodes {@code value} with the codec registered for {@code classChain.get(0)} when that codec
 * accepts the value (this is how a String becomes an {@code NSMutableString}), otherwise with the codec for the
 * value's Java type; either way the object is written with {@code classChain}.
 *
 * @param value the value to archive; not null and not a plist primitive unless a codec for the class name takes it
 * @param classChain the {@code $classes} to write, most derived first; not empty
 */
public record ArchivedAs(Object value, List<String> classChain) {
  /** Checks the arguments and copies the chain. */
  public ArchivedAs {
    Objects.requireNonNull(value, "value");
    classChain = List.copyOf(classChain);
    if (classChain.isEmpty()) {
      throw new IllegalArgumentException("classChain is empty");
    }
  }

  /** {@code value} with {@code $classes} {@code chain}. */
  public static ArchivedAs of(Object value, String... chain) {
    return new ArchivedAs(value, List.of(chain));
  }

  /** A List archived as {@code NSMutableArray} ({@code [NSMutableArray, NSArray, NSObject]}). */
  public static ArchivedAs mutableArray(List<?> value) {
    return new ArchivedAs(value, BuiltInCodecs.MUTABLE_ARRAY_CHAIN);
  }

  /** A Map archived as {@code NSMutableDictionary}. */
  public static ArchivedAs mutableDictionary(java.util.Map<?, ?> value) {
    return new ArchivedAs(value, BuiltInCodecs.MUTABLE_DICTIONARY_CHAIN);
  }

  /** A Set archived as {@code NSMutableSet}. */
  public static ArchivedAs mutableSet(java.util.Set<?> value) {
    return new ArchivedAs(value, BuiltInCodecs.MUTABLE_SET_CHAIN);
  }

  /** A String archived as {@code NSMutableString} ({@code NS.string}). */
  public static ArchivedAs mutableString(String value) {
    return new ArchivedAs(value, BuiltInCodecs.MUTABLE_STRING_CHAIN);
  }

  /** Bytes archived as {@code NSMutableData} ({@code NS.data}). */
  public static ArchivedAs mutableData(byte[] value) {
    return new ArchivedAs(value, BuiltInCodecs.MUTABLE_DATA_CHAIN);
  }
}
