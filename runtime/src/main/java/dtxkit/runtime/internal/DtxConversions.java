package dtxkit.runtime.internal;

import dtxkit.runtime.DtxException;
import dtxkit.runtime.archive.ArchiveValues;
import dtxkit.runtime.archive.NSURL;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Conversions between what the archive decodes (see {@code docs/runtime-contract.md}: NSNumber → Integer, Long,
 * Double or Boolean; NSArray → List; NSDictionary → Map; ...) and the types a service interface declares, called by
 * generated code. Decoders ({@code toX}) accept every form the peer may legitimately send for a type — a number
 * that came as an archived NSNumber or as a raw int32, int64 or double — and throw {@link DtxException} naming the
 * expected type and what arrived for anything else; they never guess (a string is not parsed as a number). Lossy
 * numeric conversions (a long that does not fit an int, a fractional double for a long) are errors too. {@code
 * null} (NSNull or an empty argument) becomes {@code null} for reference types and an error for primitives.
 * Collections come back as new unmodifiable copies in the decoded order. Encoders ({@code fromX}) turn declared
 * types the archiver has no codec for into ones it has.
 */
public final class DtxConversions {

  private DtxConversions() {}

  // ---- numbers and booleans -------------------------------------------------------------------------------------

  /** A boolean: {@code Boolean}, or a number (non-zero is true), as an NSNumber BOOL may decode either way. */
  public static boolean toBoolean(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    throw mismatch("boolean", value);
  }

  /** A {@code Boolean} parameter or reply: {@code null} stays {@code null}, else as {@link #toBoolean}. */
  public static Boolean toBooleanOrNull(Object value) {
    return value == null ? null : toBoolean(value);
  }

  /** A {@code byte}: a whole number in range. */
  public static byte toByte(Object value) {
    long v = integral("byte", value);
    if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
      throw new DtxException("expected a byte, got " + describe(value) + ", which is out of range");
    }
    return (byte) v;
  }

  /** A {@code Byte}: {@code null} stays {@code null}, else as {@link #toByte}. */
  public static Byte toByteOrNull(Object value) {
    return value == null ? null : toByte(value);
  }

  /** A {@code short}: a whole number in range. */
  public static short toShort(Object value) {
    long v = integral("short", value);
    if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
      throw new DtxException("expected a short, got " + describe(value) + ", which is out of range");
    }
    return (short) v;
  }

  /** A {@code Short}: {@code null} stays {@code null}, else as {@link #toShort}. */
  public static Short toShortOrNull(Object value) {
    return value == null ? null : toShort(value);
  }

  /** An {@code int}: a whole number in range (an archived NSNumber, or a raw int32 or int64). */
  public static int toInt(Object value) {
    long v = integral("int", value);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new DtxException("expected an int, got " + describe(value) + ", which is out of range");
    }
    return (int) v;
  }

  /** An {@code Integer}: {@code null} stays {@code null}, else as {@link #toInt}. */
  public static Integer toIntegerOrNull(Object value) {
    return value == null ? null : toInt(value);
  }

  /** A {@code long}: a whole number. */
  public static long toLong(Object value) {
    return integral("long", value);
  }

  /** A {@code Long}: {@code null} stays {@code null}, else as {@link #toLong}. */
  public static Long toLongOrNull(Object value) {
    return value == null ? null : toLong(value);
  }

  /** A {@code float}: any number, narrowed. */
  public static float toFloat(Object value) {
    return (float) toDouble(value);
  }

  /** A {@code Float}: {@code null} stays {@code null}, else as {@link #toFloat}. */
  public static Float toFloatOrNull(Object value) {
    return value == null ? null : toFloat(value);
  }

  /** A double from any number (an NSNumber may hold an integer even where the device documents a double). */
  public static double toDouble(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw mismatch("double", value);
  }

  /** A {@code Double}: {@code null} stays {@code null}, else as {@link #toDouble}. */
  public static Double toDoubleOrNull(Object value) {
    return value == null ? null : toDouble(value);
  }

  /** Integer, Long, Short, Byte, a Double or Float holding a whole number, or a Boolean (as 1 or 0). */
  private static long integral(String type, Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
      throw new DtxException("expected " + article(type) + " " + type + ", got " + describe(value)
          + ", which is not a whole number");
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw mismatch(type, value);
  }

  // ---- values -----------------------------------------------------------------------------------------------------

  /** An NSString (archived or a raw string primitive), or {@code null}. */
  public static String toStr(Object value) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw mismatch("String", value);
  }

  /** NSData; returned as decoded (the runtime hands each receiver its own array). */
  public static byte[] toBytes(Object value) {
    if (value == null || value instanceof byte[]) {
      return (byte[]) value;
    }
    throw mismatch("byte[]", value);
  }

  /** An NSDate, or {@code null}. */
  public static Instant toInstant(Object value) {
    if (value == null || value instanceof Instant) {
      return (Instant) value;
    }
    throw mismatch("Instant (NSDate)", value);
  }

  /** An NSUUID, or a string in the canonical form (some services send identifiers as strings). */
  public static UUID toUuid(Object value) {
    if (value == null || value instanceof UUID) {
      return (UUID) value;
    }
    if (value instanceof String s) {
      try {
        return UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        throw new DtxException("expected a UUID, got " + describe(value), e);
      }
    }
    throw mismatch("UUID", value);
  }

  /** An NSURL, a {@code URI}, or a string holding one. */
  public static URI toUri(Object value) {
    if (value == null || value instanceof URI) {
      return (URI) value;
    }
    if (value instanceof NSURL url) {
      return url.toUri();
    }
    if (value instanceof String s) {
      try {
        return new URI(s);
      } catch (java.net.URISyntaxException e) {
        throw new DtxException("expected a URI, got " + describe(value), e);
      }
    }
    throw mismatch("URI", value);
  }

  /** {@code value} as {@code type} (archive classes such as NSError), or {@code null}. */
  public static <T> T cast(Object value, Class<T> type) {
    if (value == null || type.isInstance(value)) {
      return type.cast(value);
    }
    throw mismatch(type.getSimpleName(), value);
  }

  // ---- collections ------------------------------------------------------------------------------------------------

  /** An NSArray (or NSSet, in its order) with each element converted. */
  public static <E> List<E> toList(Object value, Function<Object, ? extends E> element) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Collection<?> c)) {
      throw mismatch("List (NSArray)", value);
    }
    List<E> out = new ArrayList<>(c.size());
    for (Object e : c) {
      out.add(element.apply(e));
    }
    return Collections.unmodifiableList(out);
  }

  /** An NSSet (or NSArray) with each element converted, in decoded order. */
  public static <E> Set<E> toSet(Object value, Function<Object, ? extends E> element) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Collection<?> c)) {
      throw mismatch("Set (NSSet)", value);
    }
    Set<E> out = new LinkedHashSet<>();
    for (Object e : c) {
      out.add(hashable(element.apply(e)));
    }
    return Collections.unmodifiableSet(out);
  }

  /** An NSDictionary with each key and value converted, in decoded order. */
  public static <K, V> Map<K, V> toMap(Object value, Function<Object, ? extends K> key,
      Function<Object, ? extends V> val) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> m)) {
      throw mismatch("Map (NSDictionary)", value);
    }
    Map<K, V> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      out.put(hashable(key.apply(e.getKey())), val.apply(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  // ---- records ----------------------------------------------------------------------------------------------------

  /** The dictionary a record is read from, or {@code null}; {@code typeName} names the record in errors. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> dictionary(Object value, String typeName) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new DtxException("expected a dictionary for " + typeName + ", got " + describe(value));
  }

  /** The value under {@code key} for a primitive record component, which cannot be absent or NSNull. */
  public static Object required(Map<String, Object> map, String key, String typeName) {
    Object value = map.get(key);
    if (value == null) {
      throw new DtxException(typeName + ": key \"" + key + "\" is " + (map.containsKey(key) ? "null" : "missing")
          + ", but its component is primitive; present keys: " + map.keySet());
    }
    return value;
  }

  // ---- encoders ---------------------------------------------------------------------------------------------------

  /** A {@code URI} as the NSURL the archiver writes. */
  public static Object fromUri(URI value) {
    return value == null ? null : NSURL.of(value.toString());
  }

  /** A list whose elements the archiver cannot write as they are (records, URIs), converted; {@code null} stays. */
  public static <E> List<Object> fromList(Collection<E> value, Function<? super E, ?> element) {
    if (value == null) {
      return null;
    }
    List<Object> out = new ArrayList<>(value.size());
    for (E e : value) {
      out.add(element.apply(e));
    }
    return out;
  }

  /** A set converted element by element, in iteration order; {@code null} stays. */
  public static <E> Set<Object> fromSet(Collection<E> value, Function<? super E, ?> element) {
    if (value == null) {
      return null;
    }
    Set<Object> out = new LinkedHashSet<>();
    for (E e : value) {
      out.add(hashable(element.apply(e)));
    }
    return out;
  }

  /** A map converted key by key and value by value, in iteration order; {@code null} stays. */
  public static <K, V> Map<Object, Object> fromMap(Map<K, V> value, Function<? super K, ?> key,
      Function<? super V, ?> val) {
    if (value == null) {
      return null;
    }
    Map<Object, Object> out = new LinkedHashMap<>();
    for (Map.Entry<K, V> e : value.entrySet()) {
      out.put(hashable(key.apply(e.getKey())), val.apply(e.getValue()));
    }
    return out;
  }

  // ---- messages ---------------------------------------------------------------------------------------------------

  private static DtxException mismatch(String expected, Object value) {
    return new DtxException("expected " + article(expected) + " " + expected + ", got " + describe(value));
  }

  private static String article(String type) {
    return "aeiouAEIOU".indexOf(type.charAt(0)) >= 0 ? "an" : "a";
  }

  /** The most characters {@link #describe} shows of a value before cutting it with "...". */
  private static final int DESCRIBE_LIMIT = 80;

  /**
   * {@code String "abc"}, {@code Long 5}, {@code byte[] of 3 bytes}, {@code ArrayList [1, 2]}, {@code null}.
   * Containers are shown by {@link ArchiveValues#toString(Object, int)}: bounded, and a container inside itself shows
   * as {@code (cycle)} (a decoded archive may contain itself, and its own {@code toString} would then never end).
   */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[] b) {
      return "byte[] of " + b.length + " bytes";
    }
    String text = value instanceof String s
        ? "\"" + (s.length() > DESCRIBE_LIMIT ? s.substring(0, DESCRIBE_LIMIT) : s) + "\""
        : ArchiveValues.toString(value, DESCRIBE_LIMIT);
    if (text.length() > DESCRIBE_LIMIT) {
      text = text.substring(0, DESCRIBE_LIMIT - 3) + "...";
    }
    return value.getClass().getSimpleName() + " " + text;
  }

  /**
   * Checks that {@code value}, about to be hashed as a set element or map key, does not contain itself: hashing a
   * list that contains itself never ends.
   *
   * @throws DtxException naming the value when it contains itself
   */
  static <T> T hashable(T value) {
    if (ArchiveValues.containsItself(value)) {
      throw new DtxException("a set element or map key must not contain itself, got " + describe(value));
    }
    return value;
  }

}
