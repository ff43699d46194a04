package dtxkit.runtime.archive;

import java.nio.charset.StandardCharsets;

/**
 * Read access to a binary property list ({@code bplist00}) held in a byte array slice, without building an object
 * tree: objects are addressed by their index in the offset table and read where they lie. Made for
 * {@link NSKeyedUnarchiver}; every read is checked against the bounds of the slice, and every count is checked against
 * the bytes that could hold it before anything is allocated for it.
 *
 * <p>Layout (CoreFoundation's CFBinaryPList): the 8-byte magic, the objects, the offset table (one big-endian
 * unsigned integer of {@code offsetSize} bytes per object), and a 32-byte trailer: 6 unused bytes, {@code offsetSize},
 * {@code refSize}, then the object count, the top object's index and the offset table's offset as 8-byte integers.
 * An object starts with a marker byte: high nibble the type, low nibble a size or count (15: the count follows as an
 * integer object).
 *
 * <p>Errors are {@link ArchiveFormatException}s whose field starts with {@code plist} and whose offset is the byte
 * offset in the slice.
 */
final class BinaryPlist {
  static final int NULL = 0x00;
  static final int BOOL = 0x08;
  static final int INT = 0x10;
  static final int REAL = 0x20;
  static final int DATE = 0x30;
  static final int DATA = 0x40;
  static final int ASCII = 0x50;
  static final int UTF16 = 0x60;
  static final int UID = 0x80;
  static final int ARRAY = 0xA0;
  static final int ORDERED_SET = 0xB0;
  static final int SET = 0xC0;
  static final int DICT = 0xD0;

  private static final int TRAILER = 32;
  /** Milliseconds from 1970 to 2001-01-01, the plist date reference. */
  private static final long REFERENCE_DATE_MILLIS = 978_307_200_000L;

  final byte[] bytes;
  /** The slice's first byte. */
  final int base;
  /** End of the object area (the offset table's start), relative to {@link #base}. */
  final int objectsEnd;
  final int offsetSize;
  final int refSize;
  final int objectCount;
  final int top;
  private final int offsetTable;
  /** Where the trailer starts (the slice's length less 32). */
  private final int trailerStart;

  /** Whether {@code bytes[base..base+length)} starts with {@code bplist0} (the binary format, major version 0). */
  static boolean isBinary(byte[] bytes, int base, int length) {
    return length >= 8 && bytes[base] == 'b' && bytes[base + 1] == 'p' && bytes[base + 2] == 'l'
        && bytes[base + 3] == 'i' && bytes[base + 4] == 's' && bytes[base + 5] == 't' && bytes[base + 6] == '0';
  }

  /**
   * Checks the trailer and the offset table's bounds.
   *
   * @throws ArchiveFormatException when the trailer is inconsistent with the slice
   */
  BinaryPlist(byte[] bytes, int base, int length) throws ArchiveFormatException {
    this.bytes = bytes;
    this.base = base;
    if (length < 8 + 1 + 1 + TRAILER) {
      throw error("plist", "length " + length + " is too short for a binary plist (at least 42 bytes)", 0);
    }
    int t = length - TRAILER;
    trailerStart = t;
    offsetSize = bytes[base + t + 6] & 0xFF;
    refSize = bytes[base + t + 7] & 0xFF;
    long count = readLong(t + 8);
    long topIndex = readLong(t + 16);
    long tableOffset = readLong(t + 24);
    if (offsetSize < 1 || offsetSize > 8) {
      throw error("plist.trailer.offsetSize", "bad value " + offsetSize + " (expected 1 to 8)", t + 6);
    }
    if (refSize < 1 || refSize > 8) {
      throw error("plist.trailer.refSize", "bad value " + refSize + " (expected 1 to 8)", t + 7);
    }
    if (tableOffset < 9 || tableOffset >= t) {
      throw error("plist.trailer.offsetTableOffset", "bad value " + Long.toUnsignedString(tableOffset)
          + " (expected 9.." + (t - 1) + ")", t + 24);
    }
    if (count < 1 || count > (t - tableOffset) / offsetSize) {
      throw error("plist.trailer.objectCount", "bad value " + Long.toUnsignedString(count) + " (expected 1.."
          + (t - tableOffset) / offsetSize + ", what the offset table's " + (t - tableOffset) + " bytes hold)", t + 8);
    }
    if (topIndex < 0 || topIndex >= count) {
      throw error("plist.trailer.topObject", "bad value " + Long.toUnsignedString(topIndex) + " (expected 0.."
          + (count - 1) + ")", t + 16);
    }
    objectCount = (int) count;
    top = (int) topIndex;
    offsetTable = (int) tableOffset;
    objectsEnd = offsetTable;
  }

  /**
   * An error in {@code field}: a String, or an object whose {@code toString} names the field (built only when an
   * error is thrown, so that the hot paths pass names without concatenating them).
   */
  static ArchiveFormatException error(Object field, String description, long offset) {
    return new ArchiveFormatException(String.valueOf(field), description, null, offset);
  }

  private long readLong(int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bytes[base + at + i] & 0xFF);
    }
    return v;
  }

  private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle BIG_ENDIAN_INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);

  /** Unsigned big-endian integer of {@code size} (1..8) bytes at {@code at}; the caller checked the bounds. */
  private long readUnsigned(int at, int size) {
    int p = base + at;
    switch (size) {
      case 1:
        return bytes[p] & 0xFF;
      case 2:
        return (bytes[p] & 0xFF) << 8 | (bytes[p + 1] & 0xFF);
      case 4:
        return (int) BIG_ENDIAN_INT.get(bytes, p) & 0xFFFF_FFFFL;
      case 8:
        return (long) BIG_ENDIAN_LONG.get(bytes, p);
      default:
        long v = 0;
        for (int i = 0; i < size; i++) {
          v = (v << 8) | (bytes[p + i] & 0xFF);
        }
        return v;
    }
  }

  /**
   * The offset table's entry for object {@code index} ({@code index} is below {@link #objectCount}, so the entry lies
   * inside the table: the trailer's check), unsigned; -1 for an 8-byte entry above {@code Long.MAX_VALUE}.
   */
  private long tableEntry(int index) {
    int p = base + offsetTable + index * offsetSize;
    switch (offsetSize) {
      case 1:
        return bytes[p] & 0xFF;
      case 2:
        return (bytes[p] & 0xFF) << 8 | (bytes[p + 1] & 0xFF);
      default:
        long v = readUnsigned(offsetTable + index * offsetSize, offsetSize);
        return v < 0 ? -1 : v;
    }
  }

  /**
   * The byte offset of object {@code index}; {@code index} is below {@link #objectCount}. The offset table is read
   * here, when an object is reached, not up front: an entry outside the object area ({@code 8} up to the offset
   * table) is refused when it is used.
   */
  int offsetOf(int index) throws ArchiveFormatException {
    long offset = tableEntry(index);
    if (offset < 8 || offset >= objectsEnd) {
      int at = offsetTable + index * offsetSize;
      throw error("plist.offsetTable[" + index + "]", "bad value "
          + Long.toUnsignedString(readUnsigned(at, offsetSize)) + " (expected 8.." + (objectsEnd - 1) + ")", at);
    }
    int o = (int) offset;
    if ((bytes[base + o] & 0x0F) == 0x0F) {
      checkExtendedLength(o);
    }
    return o;
  }

  /**
   * An object reached at {@code o} that declares an extended length (low nibble 0xF) must have an integer marker after
   * its own, else the plist is refused as {@link dtxkit.runtime.internal.BinaryPlists#malformedLength} reports it
   * (what dd-plist refuses; its parser would print). Checked when the object is reached ({@link #offsetOf}).
   */
  private void checkExtendedLength(int o) throws ArchiveFormatException {
    int type = (bytes[base + o] & 0xFF) >> 4;
    if ((type >= 0x4 && type <= 0x7 || type >= 0xA && type <= 0xD)
        && (o + 1 >= trailerStart || (bytes[base + o + 1] & 0xF0) != 0x10)) {
      byte[] slice = base == 0 && bytes.length == trailerStart + TRAILER ? bytes
          : java.util.Arrays.copyOfRange(bytes, base, base + trailerStart + TRAILER);
      throw new ArchiveFormatException(
          "plist", "not a property list: " + dtxkit.runtime.internal.BinaryPlists.malformedLength(slice), null);
    }
  }

  /**
   * {@code out[i] = offsetOf(ref(refs + i * refSize))} for {@code i} from {@code from} to the end of {@code out}: the
   * offsets of the objects an array's references name, in one pass. References and offsets of one or two bytes (every
   * plist below 64 KiB of objects) are read inline; anything out of range, and the wider widths, go through
   * {@link #ref} and {@link #offsetOf}, which check and report alike.
   */
  void offsetsOf(int refs, int from, int[] out, Object field) throws ArchiveFormatException {
    if (refSize > 2 || offsetSize > 2) {
      for (int i = from; i < out.length; i++) {
        out[i] = offsetOf(ref(refs + i * refSize, field));
      }
      return;
    }
    byte[] b = bytes;
    int p = base + refs + from * refSize;
    int table = base + offsetTable;
    for (int i = from; i < out.length; i++, p += refSize) {
      int r = refSize == 1 ? b[p] & 0xFF : (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
      int o = -1;
      if (r < objectCount) {
        int q = table + r * offsetSize;
        o = offsetSize == 1 ? b[q] & 0xFF : (b[q] & 0xFF) << 8 | (b[q + 1] & 0xFF);
      }
      if (o < 8 || o >= objectsEnd || (b[base + o] & 0x0F) == 0x0F) {
        o = offsetOf(ref(refs + i * refSize, field));
      }
      out[i] = o;
    }
  }

  /**
   * The {@code count} references stored from {@code at} as written, big-endian in one long ({@code count * refSize}
   * is at most 8; the caller checked that they lie before the offset table): for comparing references, not
   * following them.
   */
  long rawRefs(int at, int count) {
    long v = 0;
    int p = base + at;
    for (int i = 0, end = count * refSize; i < end; i++) {
      v = (v << 8) | (bytes[p + i] & 0xFF);
    }
    return v;
  }

  /** The offset of the object whose reference is stored at {@code at}: {@link #offsetOf}({@link #ref}). */
  int refOffset(int at, Object field) throws ArchiveFormatException {
    int p = base + at;
    int r;
    switch (refSize) {
      case 1 -> r = bytes[p] & 0xFF;
      case 2 -> r = (bytes[p] & 0xFF) << 8 | (bytes[p + 1] & 0xFF);
      default -> {
        return offsetOf(ref(at, field));
      }
    }
    if (r >= objectCount) {
      throw error(field, "object reference " + r + " is not below the object count " + objectCount, at);
    }
    return offsetOf(r);
  }

  /**
   * The value of the UID that the reference stored at {@code at} names, when that object is a UID of one or two bytes
   * inside the object area; -1 otherwise (another object, a wider UID, or a bad reference or offset:
   * {@link #refOffset} and {@link #uidValue} then read and report it). Every index and offset is checked before it
   * is used.
   */
  int uidRef(int at) {
    int p = base + at;
    int r;
    switch (refSize) {
      case 1 -> r = bytes[p] & 0xFF;
      case 2 -> r = (bytes[p] & 0xFF) << 8 | (bytes[p + 1] & 0xFF);
      default -> {
        return -1;
      }
    }
    if (r >= objectCount) {
      return -1;
    }
    long o = tableEntry(r);
    // o + 3 <= objectsEnd covers both widths (a 1-byte UID needs o + 2); a UID lying in the last two bytes before
    // the table takes the slow path, which reads it as well.
    if (o < 8 || o + 3 > objectsEnd) {
      return -1;
    }
    int q = base + (int) o;
    int m = bytes[q];
    if (m == (byte) 0x80) {
      return bytes[q + 1] & 0xFF;
    }
    if (m == (byte) 0x81) {
      return (bytes[q + 1] & 0xFF) << 8 | (bytes[q + 2] & 0xFF);
    }
    return -1;
  }

  /**
   * The commonest plain values read in one step: an integer of 1, 2, 4 or 8 bytes (an Integer when it fits, else a
   * Long), a real of 8 bytes (a Double), a boolean, or an ASCII string (its count in the marker, or in an integer of
   * one or two bytes after it), lying whole before the offset table; null for anything else, which
   * {@link #intValue}, {@link #realValue} and {@link #stringValue} then read (and report). The same values as theirs.
   */
  Object scalar(int offset) {
    int p = base + offset;
    int m = bytes[p] & 0xFF;
    switch (m) {
      case 0x10:
        return offset + 2 <= objectsEnd ? Integer.valueOf(bytes[p + 1] & 0xFF) : null;
      case 0x11:
        return offset + 3 <= objectsEnd ? Integer.valueOf((bytes[p + 1] & 0xFF) << 8 | (bytes[p + 2] & 0xFF)) : null;
      case 0x12: {
        if (offset + 5 > objectsEnd) {
          return null;
        }
        long v = (int) BIG_ENDIAN_INT.get(bytes, p + 1) & 0xFFFF_FFFFL;
        return v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
      }
      case 0x13: {
        if (offset + 9 > objectsEnd) {
          return null;
        }
        long v = (long) BIG_ENDIAN_LONG.get(bytes, p + 1);
        return v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
      }
      case 0x23:
        return offset + 9 <= objectsEnd ? Double.valueOf(Double.longBitsToDouble((long) BIG_ENDIAN_LONG.get(bytes, p + 1)))
            : null;
      case 0x08:
        return Boolean.FALSE;
      case 0x09:
        return Boolean.TRUE;
      case 0x5F: {
        // An ASCII string of 15 chars or more: its count an integer of one or two bytes after the marker.
        if (offset + 4 > objectsEnd) {
          return null;
        }
        int c = bytes[p + 1];
        int n;
        int start;
        if (c == 0x10) {
          n = bytes[p + 2] & 0xFF;
          start = p + 3;
        } else if (c == 0x11) {
          n = (bytes[p + 2] & 0xFF) << 8 | (bytes[p + 3] & 0xFF);
          start = p + 4;
        } else {
          return null;
        }
        return start - base + n <= objectsEnd ? new String(bytes, start, n, StandardCharsets.US_ASCII) : null;
      }
      default:
        int n = m & 0x0F;
        if ((m & 0xF0) == ASCII && n != 0x0F && offset + 1 + n <= objectsEnd) {
          return new String(bytes, p + 1, n, StandardCharsets.US_ASCII);
        }
        return null;
    }
  }

  /** The marker byte of the object at {@code offset}. */
  int marker(int offset) {
    return bytes[base + offset] & 0xFF;
  }

  /** The type (high nibble) of the object at {@code offset}; for the 0x0 type the whole marker, true as false. */
  int type(int offset) {
    int m = marker(offset);
    int type = m & 0xF0;
    return type == 0 ? (m == 0x09 ? BOOL : m) : type;
  }

  /** The object index stored as a reference at {@code at}, checked against the object count. */
  int ref(int at, Object field) throws ArchiveFormatException {
    long r = readUnsigned(at, refSize);
    if (r < 0 || r >= objectCount) {
      throw error(field, "object reference " + Long.toUnsignedString(r) + " is not below the object count "
          + objectCount, at);
    }
    return (int) r;
  }

  /**
   * The element count of the string, data, array, set or dictionary at {@code offset}, checked so that
   * {@code count * unit} bytes (plus {@code unitsPerElement} for dictionaries: keys and values) fit before the offset
   * table.
   */
  int count(int offset, int unit, Object field) throws ArchiveFormatException {
    int info = marker(offset) & 0x0F;
    if (info != 0x0F) {
      checkContent(offset, 1, (long) info * unit, field);
      return info;
    }
    int at = offset + 1;
    if (at >= objectsEnd) {
      throw error(field, "count marker past the end of the objects", at);
    }
    int m = marker(at);
    if ((m & 0xF0) != INT || (m & 0x0F) > 3) {
      throw error(field, "bad count marker 0x" + Integer.toHexString(m) + " (expected an integer of 1 to 8 bytes)",
          at);
    }
    int size = 1 << (m & 0x0F);
    if (at + 1 + size > objectsEnd) {
      throw error(field, "count of " + size + " bytes runs past the end of the objects", at);
    }
    long n = readUnsigned(at + 1, size);
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw error(field, "count " + Long.toUnsignedString(n) + " is out of range", at);
    }
    checkContent(offset, 2 + size, n * unit, field);
    return (int) n;
  }

  /** The offset of the content of the object at {@code offset} (after its marker and any count). */
  int contentOffset(int offset) {
    int info = marker(offset) & 0x0F;
    if (info != 0x0F) {
      return offset + 1;
    }
    return offset + 2 + (1 << (marker(offset + 1) & 0x0F));
  }

  private void checkContent(int offset, int header, long bytesNeeded, Object field) throws ArchiveFormatException {
    if (offset + header + bytesNeeded > objectsEnd) {
      throw error(field, "content of " + bytesNeeded + " bytes runs past the end of the objects ("
          + objectsEnd + ")", offset);
    }
  }

  /** The value of the integer object at {@code offset} (1, 2, 4 bytes unsigned, 8 signed, 16 the low 8 bytes). */
  long intValue(int offset, Object field) throws ArchiveFormatException {
    int info = marker(offset) & 0x0F;
    if (info > 4) {
      throw error(field, "integer of 2^" + info + " bytes (expected 1 to 16)", offset);
    }
    int size = 1 << info;
    checkContent(offset, 1, size, field);
    return readUnsigned(offset + 1 + Math.max(0, size - 8), Math.min(size, 8));
  }

  /** The value of the real object at {@code offset} (4 or 8 bytes). */
  double realValue(int offset, Object field) throws ArchiveFormatException {
    int info = marker(offset) & 0x0F;
    if (info == 2) {
      checkContent(offset, 1, 4, field);
      return Float.intBitsToFloat((int) readUnsigned(offset + 1, 4));
    }
    if (info == 3) {
      checkContent(offset, 1, 8, field);
      return Double.longBitsToDouble(readUnsigned(offset + 1, 8));
    }
    throw error(field, "real of 2^" + info + " bytes (expected 4 or 8)", offset);
  }

  /** The date object at {@code offset}, to the millisecond as dd-plist reads it. */
  java.time.Instant dateValue(int offset, Object field) throws ArchiveFormatException {
    if (marker(offset) != 0x33) {
      throw error(field, "date marker 0x" + Integer.toHexString(marker(offset)) + " (expected 0x33)", offset);
    }
    checkContent(offset, 1, 8, field);
    double seconds = Double.longBitsToDouble(readUnsigned(offset + 1, 8));
    return java.time.Instant.ofEpochMilli(REFERENCE_DATE_MILLIS + (long) (1000 * seconds));
  }

  /** The UID object at {@code offset}: 1 to 8 bytes; larger values than a long holds saturate. */
  long uidValue(int offset, Object field) throws ArchiveFormatException {
    int size = (marker(offset) & 0x0F) + 1;
    if (size <= 2 && offset + 1 + size <= objectsEnd) {
      int p = base + offset + 1;
      return size == 1 ? bytes[p] & 0xFF : (bytes[p] & 0xFF) << 8 | (bytes[p + 1] & 0xFF);
    }
    checkContent(offset, 1, size, field);
    if (size > 8) {
      for (int i = 0; i < size - 8; i++) {
        if (bytes[base + offset + 1 + i] != 0) {
          return Long.MAX_VALUE;
        }
      }
      return readUnsigned(offset + 1 + size - 8, 8);
    }
    long v = readUnsigned(offset + 1, size);
    return v < 0 ? Long.MAX_VALUE : v;
  }

  /**
   * The string object at {@code offset} (ASCII or UTF-16BE; CoreFoundation's {@code bplist00} has no other string
   * type, so a 0x7 marker is an error like any unknown marker).
   */
  String stringValue(int offset, Object field) throws ArchiveFormatException {
    int type = marker(offset) & 0xF0;
    if (type == ASCII) {
      int n = count(offset, 1, field);
      return new String(bytes, base + contentOffset(offset), n, StandardCharsets.US_ASCII);
    }
    if (type == UTF16) {
      int n = count(offset, 2, field);
      return new String(bytes, base + contentOffset(offset), 2 * n, StandardCharsets.UTF_16BE);
    }
    throw error(field, "not a string (marker 0x" + Integer.toHexString(marker(offset)) + ")", offset);
  }

  /**
   * Whether the string at {@code offset} is the ASCII string {@code s} (compared in place, nothing allocated). Its
   * count may be written either way the format allows: in the marker (below 15), or as an integer of 1 to 8 bytes
   * after it, which writers use for 15 and up but may use for any count (CoreFoundation and dd-plist read both).
   */
  boolean isAscii(int offset, String s) {
    int m = marker(offset);
    int n = s.length();
    int start;
    if (m == (ASCII | n) && n < 15) {
      start = offset + 1;
    } else if (m == (ASCII | 0x0F) && offset + 2 < objectsEnd && (marker(offset + 1) & 0xF0) == INT
        && (marker(offset + 1) & 0x0F) <= 3) {
      int size = 1 << (marker(offset + 1) & 0x0F);
      if (offset + 2 + size > objectsEnd || readUnsigned(offset + 2, size) != n) {
        return false;
      }
      start = offset + 2 + size;
    } else {
      return false;
    }
    if (start + n > objectsEnd) {
      return false;
    }
    int p = base + start;
    for (int i = 0; i < n; i++) {
      if (bytes[p + i] != (byte) s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A copy of the data object's bytes at {@code offset}. */
  byte[] dataValue(int offset, Object field) throws ArchiveFormatException {
    int n = count(offset, 1, field);
    int start = base + contentOffset(offset);
    byte[] out = new byte[n];
    System.arraycopy(bytes, start, out, 0, n);
    return out;
  }

  /** A short name of the object's type for error messages, as the dd-plist path names them. */
  String typeName(int offset) {
    int m = marker(offset);
    switch (m & 0xF0) {
      case 0x00:
        return m == 0x08 || m == 0x09 ? "a NSNumber" : m == 0 ? "nothing" : "an object of unknown type";
      case INT:
      case REAL:
        return "a NSNumber";
      case DATE:
        return "a NSDate";
      case DATA:
        return "a NSData";
      case ASCII:
      case UTF16:
        return "a NSString";
      case UID:
        return "a UID";
      case ARRAY:
        return "a NSArray";
      case ORDERED_SET:
      case SET:
        return "a NSSet";
      case DICT:
        return "a NSDictionary";
      default:
        return "an object of unknown type";
    }
  }
}
