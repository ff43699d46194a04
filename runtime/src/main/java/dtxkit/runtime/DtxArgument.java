package dtxkit.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * One argument of a DTX method invocation, with its encoding in the aux dictionary stated explicitly. Devices are
 * particular about encodings: {@code _requestChannelWithCode:identifier:} wants the code as a raw int32 and the
 * identifier archived, {@code killPid:} an archived NSNumber, so the caller chooses.
 *
 * <pre>{@code
 * channel.invoke("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:",
 *     DtxArgument.object("/private/"), DtxArgument.object("com.example"), DtxArgument.object(Map.of()),
 *     DtxArgument.object(List.of()), DtxArgument.object(Map.of("StartSuspendedKey", 0)));
 * channel.invoke("_channelCanceled:", DtxArgument.int32(5));
 * }</pre>
 *
 * <table>
 *   <caption>Encodings</caption>
 *   <tr><th>factory</th><th>aux tag</th><th>bytes</th></tr>
 *   <tr><td>{@link #object}</td><td>2</td><td>NSKeyedArchived value; {@code null} → empty buffer</td></tr>
 *   <tr><td>{@link #int32}</td><td>3</td><td>raw little-endian int32</td></tr>
 *   <tr><td>{@link #int64}</td><td>6</td><td>raw little-endian int64</td></tr>
 *   <tr><td>{@link #float64}</td><td>9</td><td>raw IEEE-754 double</td></tr>
 *   <tr><td>{@link #string}</td><td>1</td><td>raw UTF-8 string primitive</td></tr>
 *   <tr><td>{@link #raw}</td><td>2</td><td>the bytes as they are, not archived</td></tr>
 * </table>
 *
 * <p>Instances are immutable (a {@link #raw} argument copies its bytes).
 */
public final class DtxArgument {

  /** How an argument is encoded. */
  public enum Kind {
    /** NSKeyedArchived object, aux tag 2. */
    OBJECT(2),
    /** Raw int32, aux tag 3. */
    INT32(3),
    /** Raw int64, aux tag 6. */
    INT64(6),
    /** Raw double, aux tag 9. */
    FLOAT64(9),
    /** Raw string, aux tag 1. */
    STRING(1),
    /** Raw bytes, not archived, aux tag 2. */
    RAW(2);

    private final int auxTag;

    Kind(int auxTag) {
      this.auxTag = auxTag;
    }

    /** The aux dictionary type tag this kind is written with. */
    public int auxTag() {
      return auxTag;
    }
  }

  private final Kind kind;
  private final Object value;

  private DtxArgument(Kind kind, Object value) {
    this.kind = kind;
    this.value = value;
  }

  /**
   * An object to NSKeyedArchive (an {@code int} becomes an archived NSNumber; {@code null} an empty buffer).
   *
   * @param value a value the archiver supports (String, Number, Boolean, byte[], List, Map, Set, UUID, ...), or null
   * @return the argument
   */
  public static DtxArgument object(Object value) {
    return new DtxArgument(Kind.OBJECT, value);
  }

  /**
   * A raw int32 primitive.
   *
   * @param value the value
   * @return the argument
   */
  public static DtxArgument int32(int value) {
    return new DtxArgument(Kind.INT32, value);
  }

  /**
   * A raw int64 primitive.
   *
   * @param value the value
   * @return the argument
   */
  public static DtxArgument int64(long value) {
    return new DtxArgument(Kind.INT64, value);
  }

  /**
   * A raw double primitive.
   *
   * @param value the value
   * @return the argument
   */
  public static DtxArgument float64(double value) {
    return new DtxArgument(Kind.FLOAT64, value);
  }

  /**
   * A raw string primitive (not archived).
   *
   * @param value the string
   * @return the argument
   * @throws NullPointerException if {@code value} is null
   */
  public static DtxArgument string(String value) {
    return new DtxArgument(Kind.STRING, Objects.requireNonNull(value, "value"));
  }

  /**
   * Bytes sent as they are in a tag-2 buffer, not archived (for payloads that already are an archive, or that a
   * service wants verbatim).
   *
   * @param bytes the bytes, copied
   * @return the argument
   * @throws NullPointerException if {@code bytes} is null
   */
  public static DtxArgument raw(byte[] bytes) {
    return new DtxArgument(Kind.RAW, Objects.requireNonNull(bytes, "bytes").clone());
  }

  /** The encoding. */
  public Kind kind() {
    return kind;
  }

  /**
   * The value: the object for {@link Kind#OBJECT}, an {@link Integer}, {@link Long}, {@link Double} or
   * {@link String} for the primitives, a copy of the bytes for {@link Kind#RAW}.
   */
  public Object value() {
    return value instanceof byte[] b ? b.clone() : value;
  }

  /** The value without a defensive copy, for the encoder. */
  Object rawValue() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DtxArgument other) || other.kind != kind) {
      return false;
    }
    if (value instanceof byte[] a && other.value instanceof byte[] b) {
      return Arrays.equals(a, b);
    }
    return Objects.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + (value instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(value));
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "("
        + (value instanceof byte[] b ? b.length + " bytes" : String.valueOf(value)) + ")";
  }
}
