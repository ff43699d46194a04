package dtxkit.runtime.auxdict;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One typed primitive of an aux dictionary; one record per wire tag.
 *
 * <table>
 *   <caption>Tags</caption>
 *   <tr><th>tag</th><th>record</th><th>value bytes (little-endian)</th></tr>
 *   <tr><td>1</td><td>{@link Str}</td><td>u32 length + UTF-8</td></tr>
 *   <tr><td>2</td><td>{@link Buffer}</td><td>u32 length + bytes (usually an NSKeyedArchive; not unarchived here)</td></tr>
 *   <tr><td>3</td><td>{@link Int32}</td><td>i32</td></tr>
 *   <tr><td>4, 6</td><td>{@link Int64}</td><td>i64 (both read; 6 written)</td></tr>
 *   <tr><td>9</td><td>{@link Float64}</td><td>IEEE-754 double</td></tr>
 *   <tr><td>10</td><td>{@link Null}</td><td>none (the key of positional arguments)</td></tr>
 *   <tr><td>0xF0</td><td>{@link Dictionary}</td><td>see {@link AuxCodec}</td></tr>
 * </table>
 */
public sealed interface AuxValue
    permits AuxValue.Str, AuxValue.Buffer, AuxValue.Int32, AuxValue.Int64, AuxValue.Float64, AuxValue.Null,
        AuxValue.Dictionary {

  /** Tag 1. */
  int TAG_STRING = 1;
  /** Tag 2. */
  int TAG_BUFFER = 2;
  /** Tag 3. */
  int TAG_INT32 = 3;
  /** Tag 4: an older int64 tag, read but not written. */
  int TAG_INT64_OLD = 4;
  /** Tag 6. */
  int TAG_INT64 = 6;
  /** Tag 9. */
  int TAG_DOUBLE = 9;
  /** Tag 10. */
  int TAG_NULL = 10;
  /** Tag 0xF0 (low byte of the dictionary tag word). */
  int TAG_DICTIONARY = 0xF0;

  /** The tag this value is written with. */
  int tag();

  /** The plain Java value: String, byte[], Integer, Long, Double, null, or the list of entries. */
  Object javaValue();

  /** The null primitive (tag 10). */
  Null NULL = new Null();

  /** Tag 1, a string. */
  static Str string(String value) {
    return new Str(value);
  }

  /** Tag 2, bytes (copied). */
  static Buffer buffer(byte[] value) {
    return new Buffer(value);
  }

  /** Tag 3. */
  static Int32 int32(int value) {
    return new Int32(value);
  }

  /** Tag 6. */
  static Int64 int64(long value) {
    return new Int64(value);
  }

  /** Tag 9. */
  static Float64 float64(double value) {
    return new Float64(value);
  }

  /**
   * Tag 1: a UTF-8 string.
   *
   * @param value the string
   */
  record Str(String value) implements AuxValue {
    /** Requires a non-null value. */
    public Str {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int tag() {
      return TAG_STRING;
    }

    @Override
    public Object javaValue() {
      return value;
    }
  }

  /**
   * Tag 2: raw bytes, usually an NSKeyedArchive that the archive package decodes.
   *
   * @param value the bytes; copied in and out, so the record is immutable
   */
  record Buffer(byte[] value) implements AuxValue {
    /** Copies the bytes. */
    public Buffer {
      value = value.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The number of bytes. */
    public int length() {
      return value.length;
    }

    @Override
    public int tag() {
      return TAG_BUFFER;
    }

    @Override
    public Object javaValue() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Buffer b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Buffer[" + value.length + " bytes: "
          + HexFormat.of().formatHex(value, 0, Math.min(value.length, 32)) + (value.length > 32 ? "...]" : "]");
    }
  }

  /**
   * Tag 3: a signed 32-bit integer.
   *
   * @param value the integer
   */
  record Int32(int value) implements AuxValue {
    @Override
    public int tag() {
      return TAG_INT32;
    }

    @Override
    public Object javaValue() {
      return value;
    }
  }

  /**
   * Tag 6 (or 4 when read): a signed 64-bit integer.
   *
   * @param value the integer
   */
  record Int64(long value) implements AuxValue {
    @Override
    public int tag() {
      return TAG_INT64;
    }

    @Override
    public Object javaValue() {
      return value;
    }
  }

  /**
   * Tag 9: a double.
   *
   * @param value the double
   */
  record Float64(double value) implements AuxValue {
    @Override
    public int tag() {
      return TAG_DOUBLE;
    }

    @Override
    public Object javaValue() {
      return value;
    }
  }

  /** Tag 10: no value; the key of every positional argument. Use {@link AuxValue#NULL}. */
  record Null() implements AuxValue {
    @Override
    public int tag() {
      return TAG_NULL;
    }

    @Override
    public Object javaValue() {
      return null;
    }
  }

  /**
   * Tag 0xF0: a dictionary of entries in wire order (keys may repeat: positional arguments all have the null key).
   *
   * @param flags the bits of the 64-bit tag-and-flags word other than the 0xF0 tag byte; {@link #DEFAULT_FLAGS}
   *     (the 0x1F0 word everyone writes) unless read otherwise
   * @param entries the entries, in order
   */
  record Dictionary(long flags, List<AuxEntry> entries) implements AuxValue {
    /** The flag bits written by default: tag word 0x1F0. */
    public static final long DEFAULT_FLAGS = 0x100;

    /** Copies the entries; the flags must leave the tag byte clear. */
    public Dictionary {
      if ((flags & 0xFF) != 0) {
        throw new IllegalArgumentException("flags overlap the tag byte: 0x" + Long.toHexString(flags));
      }
      entries = List.copyOf(entries);
    }

    /** A dictionary with the default flags. */
    public Dictionary(List<AuxEntry> entries) {
      this(DEFAULT_FLAGS, entries);
    }

    @Override
    public int tag() {
      return TAG_DICTIONARY;
    }

    @Override
    public Object javaValue() {
      return entries;
    }
  }
}
