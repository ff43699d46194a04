package dtxkit.runtime.archive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * The fast path for the commonest archives on a DTX connection: one NSString, NSNumber or NSData as the root (selectors,
 * string and number arguments, data replies). Writes exactly the bytes dd-plist's {@code BinaryPropertyListWriter}
 * writes for the archive {@link NSKeyedArchiver} builds around such a value, without building the plist object graph
 * and without dd-plist's equality-based object de-duplication, which hashes the whole graph (every byte of an NSData,
 * several times) on each write.
 *
 * <p>The archive is always the same 13 objects, in dd-plist's order: the root dictionary (0), its four keys (1-4),
 * {@code $version} 100000 (5), {@code "NSKeyedArchiver"} (6), the {@code $top} dictionary (7), {@code "root"} (8),
 * {@code UID 1} (9), the {@code $objects} array (10), {@code "$null"} (11) and the value (12). Everything before the
 * value is constant; after it come the offset table (entries as wide as the table's own offset needs) and the 32-byte
 * trailer. A value equal to one of the fixed objects (the string {@code "root"}, the number 100000...) would be
 * merged with it by dd-plist; such values are left to the general path, as is anything this class does not know.
 *
 * <p>Decoding recognises exactly the bytes {@link #encode} produces (it checks in place that encoding the value it
 * read would write these very bytes), so it never decodes anything differently from the general path; any other
 * archive, Apple's included, goes the general way.
 */
final class SingleValueArchives {

  /** Returned by {@link #decode} when the bytes are not an archive this class writes. */
  static final Object NO_MATCH = new Object();
  /** The number of objects in such an archive. */
  static final int OBJECT_COUNT = 13;

  /** Objects 0-11 as dd-plist writes them, after the {@code bplist00} magic. */
  private static final byte[] PREFIX = hex(
      "62706c6973743030" // bplist00
      + "d4010203040506070a" // 0: dict of 4, keys 1-4, values 5, 6, 7, 10
      + "582476657273696f6e" // 1: "$version"
      + "59246172636869766572" // 2: "$archiver"
      + "5424746f70" // 3: "$top"
      + "58246f626a65637473" // 4: "$objects"
      + "12000186a0" // 5: 100000
      + "5f100f4e534b657965644172636869766572" // 6: "NSKeyedArchiver"
      + "d10809" // 7: {8: 9}
      + "54726f6f74" // 8: "root"
      + "8001" // 9: UID 1
      + "a20b0c" // 10: [11, 12]
      + "55246e756c6c"); // 11: "$null"
  /** The offsets of objects 0-11 (object 12 starts at {@code PREFIX.length}). */
  private static final int[] OFFSETS = {0x08, 0x11, 0x1a, 0x24, 0x29, 0x32, 0x37, 0x49, 0x4c, 0x51, 0x53, 0x56};
  private static final int TRAILER = 32;
  private static final Set<String> FIXED_STRINGS =
      Set.of("$version", "$archiver", "$top", "$objects", "NSKeyedArchiver", "root", "$null");
  private static final long ARCHIVE_VERSION = 100000;
  /**
   * Strings of at least this many chars are checked for ASCII with the JDK's string code ({@link #asciiArchive});
   * shorter ones char by char, which costs less than the check's second string.
   */
  static final int ASCII_COPY_THRESHOLD = 256;

  private SingleValueArchives() {}

  /**
   * The archive of {@code value}, byte for byte what the general path writes, or null when {@code value} is not a
   * single String, Integer, Long, Short, Byte, Double, Float, Boolean or byte[] this path can write.
   */
  static byte[] encode(Object value) {
    if (value instanceof byte[] bytes) {
      return archive(0x4, bytes.length, bytes, 0, bytes.length);
    }
    if (value instanceof String s) {
      return encodeString(s);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      long v = ((Number) value).longValue();
      if (v == ARCHIVE_VERSION) {
        return null;
      }
      return withValue(integerObject(v));
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d == ARCHIVE_VERSION) {
        return null;
      }
      byte[] object = new byte[9];
      object[0] = 0x23;
      putLong(object, 1, Double.doubleToRawLongBits(d), 8);
      return withValue(object);
    }
    if (value instanceof Boolean b) {
      return withValue(new byte[] {(byte) (b ? 0x09 : 0x08)});
    }
    return null;
  }

  private static byte[] encodeString(String s) {
    if (s.length() <= 15 && FIXED_STRINGS.contains(s)) {
      return null;
    }
    int n = s.length();
    if (n >= ASCII_COPY_THRESHOLD) {
      byte[] out = asciiArchive(s);
      if (out != null) {
        return out;
      }
    }
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        // dd-plist's encoder reports unpaired surrogates; leave every surrogate to it.
        return null;
      }
      if (c >= 0x80) {
        ascii = false;
      }
    }
    if (ascii) {
      return archive(0x5, n, null, s, n);
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_16BE);
    return archive(0x6, n, bytes, 0, bytes.length);
  }

  /**
   * The archive of a long string when all its chars are ASCII, else null (then the caller decides char by char).
   * The low byte of every char is copied into the archive (one array copy for a Latin-1 string), and the string is
   * ASCII exactly when none of those bytes is 0x80 or above ({@link #allAscii}, eight bytes at a time) and the
   * string equals the Latin-1 string of those bytes (no char of 0x100 or above, whose low byte alone could look like
   * ASCII; {@code String.equals} compares arrays with the JDK's vectorised code). For a 350 KB trace code table this
   * is a quarter of what the loop over the chars cost (70 µs, twice the copy).
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, as wanted
  private static byte[] asciiArchive(String s) {
    int n = s.length();
    byte[] out = archive(0x5, n, null, s, n);
    if (out == null) {
      return null;
    }
    int start = PREFIX.length + countHeaderLength(n);
    if (!allAscii(out, start, start + n)) {
      return null;
    }
    return new String(out, start, n, StandardCharsets.ISO_8859_1).equals(s) ? out : null;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Strings of at least this many chars are archived into a buffer of three parts ({@link #encodeBuffer}). */
  static final int BUFFER_THRESHOLD = 16 * 1024;

  /**
   * The archive of {@code value} as {@link #encode} writes it, but for a long ASCII string in three parts: the bytes
   * before the string, the string's own bytes ({@code String.getBytes(ISO_8859_1)}: one copy, a plain array copy for
   * a Latin-1 string) and the offset table and trailer, so that the string is copied once instead of three times
   * (into the archive, and twice more to check it). Null when {@link #encode} would return null.
   */
  static io.netty.buffer.ByteBuf encodeBuffer(Object value) {
    if (value instanceof String s && s.length() >= BUFFER_THRESHOLD) {
      byte[] body = s.getBytes(StandardCharsets.ISO_8859_1);
      if (asciiAsIs(body, s)) {
        int n = body.length;
        byte[] header = countHeader(0x5, n);
        long tableOffset = (long) PREFIX.length + header.length + n;
        int offsetSize = offsetSize(tableOffset);
        if (tableOffset + (long) OBJECT_COUNT * offsetSize + TRAILER <= Integer.MAX_VALUE - 8) {
          byte[] head = new byte[PREFIX.length + header.length];
          System.arraycopy(PREFIX, 0, head, 0, PREFIX.length);
          System.arraycopy(header, 0, head, PREFIX.length, header.length);
          byte[] tail = new byte[OBJECT_COUNT * offsetSize + TRAILER];
          writeTail(tail, 0, (int) tableOffset, offsetSize);
          return io.netty.buffer.Unpooled.wrappedBuffer(head, body, tail);
        }
      }
    }
    byte[] archive = encode(value);
    return archive == null ? null : io.netty.buffer.Unpooled.wrappedBuffer(archive);
  }

  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;
  private static final long QUESTION_MARKS = 0x3F3F_3F3F_3F3F_3F3FL;

  /**
   * Whether {@code latin1}, {@code s.getBytes(ISO_8859_1)}, is {@code s} byte for char: every byte below 0x80, and
   * every {@code '?'} a {@code '?'} of {@code s} (the encoder's replacement for a char it cannot map, one of 0x100 or
   * above). Eight bytes at a time and without a branch per word: per block of 4 KiB the words are OR-ed together and
   * so are their "has a '?' byte" bits; only a block that has a '?' is compared char by char. (A branch per word made
   * this check cost as much as the copy.)
   */
  static boolean asciiAsIs(byte[] latin1, String s) {
    int n = latin1.length;
    if (n != s.length()) {
      return false;
    }
    int i = 0;
    while (i < n) {
      int start = i;
      int blockEnd = Math.min(n, i + 4096);
      long acc = 0;
      long questions = 0;
      for (; i <= blockEnd - 8; i += 8) {
        long w = (long) LONGS.get(latin1, i);
        acc |= w;
        long q = w ^ QUESTION_MARKS;
        questions |= (q - ONES) & ~q;
      }
      for (; i < blockEnd; i++) {
        acc |= latin1[i];
        questions |= latin1[i] == '?' ? HIGHS : 0;
      }
      if ((acc & HIGHS) != 0) {
        return false;
      }
      if ((questions & HIGHS) != 0) {
        for (int j = start; j < blockEnd; j++) {
          if (latin1[j] == '?' && s.charAt(j) != '?') {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Whether every byte of {@code data[from..to)} is below 0x80, read eight at a time. (Not {@code new String(...,
   * US_ASCII)}: the JDK's check there is vectorised only where the JIT inlines it, and a JFR profile of the trace
   * code table's round trip found it running byte by byte.)
   */
  static boolean allAscii(byte[] data, int from, int to) {
    int i = from;
    while (i < to) {
      // In blocks, so that a non-ASCII byte early in a long string ends the scan early.
      int blockEnd = Math.min(to, i + 4096);
      long acc = 0;
      for (; i <= blockEnd - 8; i += 8) {
        acc |= (long) LONGS.get(data, i);
      }
      for (; i < blockEnd; i++) {
        acc |= data[i];
      }
      if ((acc & 0x8080_8080_8080_8080L) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The length of the marker and count that {@link #archive} writes before {@code count} elements. */
  private static int countHeaderLength(int count) {
    return count < 15 ? 1 : count < 0x100 ? 3 : count < 0x10000 ? 4 : 6;
  }

  /** dd-plist's integer object: unsigned in 1, 2 or 4 bytes when it fits, else 8 bytes (always for negatives). */
  private static byte[] integerObject(long v) {
    int width;
    if (v < 0) {
      width = 8;
    } else if (v <= 0xFFL) {
      width = 1;
    } else if (v <= 0xFFFFL) {
      width = 2;
    } else if (v <= 0xFFFF_FFFFL) {
      width = 4;
    } else {
      width = 8;
    }
    byte[] object = new byte[1 + width];
    object[0] = (byte) (0x10 | Integer.numberOfTrailingZeros(width));
    putLong(object, 1, v, width);
    return object;
  }

  private static byte[] withValue(byte[] object) {
    return finish(object, 0, object.length);
  }

  /** An archive whose value is a length-prefixed object: {@code type} NSData (4), ASCII (5) or UTF-16 (6). */
  private static byte[] archive(int type, int count, byte[] body, int from, int length) {
    return archive(type, count, body, null, from, length);
  }

  /** {@link #archive(int, int, byte[], int, int)} of an ASCII string's chars (each below 0x80: one byte each). */
  private static byte[] archive(int type, int count, byte[] body, String ascii, int length) {
    return archive(type, count, body, ascii, 0, length);
  }

  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, as wanted
  private static byte[] archive(int type, int count, byte[] body, String ascii, int from, int length) {
    byte[] header = countHeader(type, count);
    long valueLength = (long) header.length + length;
    long tableOffset = PREFIX.length + valueLength;
    int offsetSize = offsetSize(tableOffset);
    long total = tableOffset + (long) OBJECT_COUNT * offsetSize + TRAILER;
    if (total > Integer.MAX_VALUE - 8) {
      return null;
    }
    byte[] out = new byte[(int) total];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    System.arraycopy(header, 0, out, PREFIX.length, header.length);
    if (ascii != null) {
      ascii.getBytes(0, length, out, PREFIX.length + header.length);
    } else {
      System.arraycopy(body, from, out, PREFIX.length + header.length, length);
    }
    writeTail(out, (int) tableOffset, offsetSize);
    return out;
  }

  /** The marker and count of an object of {@code type} with {@code count} elements, as dd-plist writes them. */
  private static byte[] countHeader(int type, int count) {
    if (count < 15) {
      return new byte[] {(byte) (type << 4 | count)};
    } else if (count < 0x100) {
      return new byte[] {(byte) (type << 4 | 0xF), 0x10, (byte) count};
    } else if (count < 0x10000) {
      return new byte[] {(byte) (type << 4 | 0xF), 0x11, (byte) (count >>> 8), (byte) count};
    }
    return new byte[] {(byte) (type << 4 | 0xF), 0x12, (byte) (count >>> 24), (byte) (count >>> 16),
        (byte) (count >>> 8), (byte) count};
  }

  private static byte[] finish(byte[] object, int from, int length) {
    int tableOffset = PREFIX.length + length;
    int offsetSize = offsetSize(tableOffset);
    byte[] out = new byte[tableOffset + OBJECT_COUNT * offsetSize + TRAILER];
    System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
    System.arraycopy(object, from, out, PREFIX.length, length);
    writeTail(out, tableOffset, offsetSize);
    return out;
  }

  /** The offset table and trailer, after the value, as dd-plist writes them. */
  private static void writeTail(byte[] out, int tableOffset, int offsetSize) {
    writeTail(out, tableOffset, tableOffset, offsetSize);
  }

  /** {@link #writeTail(byte[], int, int)} at {@code at} in {@code out}. */
  private static void writeTail(byte[] out, int at, int tableOffset, int offsetSize) {
    int p = at;
    for (int offset : OFFSETS) {
      putLong(out, p, offset, offsetSize);
      p += offsetSize;
    }
    putLong(out, p, PREFIX.length, offsetSize);
    p += offsetSize;
    // Trailer: 6 unused bytes, offset size, reference size, object count, top object, offset table offset.
    p += 6;
    out[p++] = (byte) offsetSize;
    out[p++] = 1;
    putLong(out, p, OBJECT_COUNT, 8);
    p += 8;
    putLong(out, p, 0, 8);
    p += 8;
    putLong(out, p, tableOffset, 8);
  }

  private static int offsetSize(long maxOffset) {
    if (maxOffset < 0x100L) {
      return 1;
    }
    if (maxOffset < 0x10000L) {
      return 2;
    }
    return maxOffset < 0x1_0000_0000L ? 4 : 8;
  }

  private static void putLong(byte[] out, int at, long v, int width) {
    for (int i = width - 1; i >= 0; i--) {
      out[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  /**
   * The value of an archive {@link #encode} would write, or {@link #NO_MATCH} for any other bytes.
   *
   * @return a String, Integer (Long when it does not fit), Double, Boolean or byte[], as the general path decodes it
   */
  static Object decode(byte[] data) {
    return decode(data, 0, data.length);
  }

  /** {@link #decode(byte[])} of {@code data[base..base+length)}, read in place. */
  static Object decode(byte[] data, int base, int length) {
    int end = base + length;
    int at = base + PREFIX.length;
    if (length < PREFIX.length + 1 + OBJECT_COUNT + TRAILER
        || !Arrays.equals(data, base, at, PREFIX, 0, PREFIX.length)) {
      return NO_MATCH;
    }
    int marker = data[at] & 0xFF;
    Object candidate;
    try {
      candidate = switch (marker >>> 4) {
        case 0x0 -> marker == 0x08 ? Boolean.FALSE : marker == 0x09 ? Boolean.TRUE : NO_MATCH;
        case 0x1 -> {
          int width = 1 << (marker & 0xF);
          if (width > 8) {
            yield NO_MATCH;
          }
          long v = getLong(data, end, at + 1, width);
          yield v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
        }
        case 0x2 -> marker == 0x23 ? (Object) Double.longBitsToDouble(getLong(data, end, at + 1, 8)) : NO_MATCH;
        case 0x4, 0x5, 0x6 -> lengthPrefixed(data, end, at, marker);
        default -> NO_MATCH;
      };
    } catch (IndexOutOfBoundsException e) {
      return NO_MATCH;
    }
    if (candidate == NO_MATCH) {
      return NO_MATCH;
    }
    return isEncodingOf(candidate, data, base, end) ? candidate : NO_MATCH;
  }

  /**
   * Whether {@code data[base..end)} is exactly what {@link #encode} writes for {@code value}: what comparing with
   * {@code encode(value)} would say, checked in place, so that a large string or data reply is not encoded a second
   * time to be recognised.
   */
  private static boolean isEncodingOf(Object value, byte[] data, int base, int end) {
    int at = base + PREFIX.length;
    int marker = data[at] & 0xFF;
    int valueEnd;
    if (value instanceof byte[] bytes) {
      valueEnd = canonicalCount(data, end, at, bytes.length);
    } else if (value instanceof String s) {
      int n = s.length();
      if (n <= 15 && FIXED_STRINGS.contains(s)) {
        return false;
      }
      valueEnd = canonicalCount(data, end, at, n);
      if (valueEnd < 0) {
        return false;
      }
      if (marker >>> 4 == 0x5) {
        // Written as ASCII only when every char is below 0x80.
        if (!allAscii(data, valueEnd - n, valueEnd)) {
          return false;
        }
      } else {
        // Written as UTF-16 only when some char is 0x80 or above and none is a surrogate.
        boolean wide = false;
        for (int i = 0; i < n; i++) {
          char c = s.charAt(i);
          if (Character.isSurrogate(c)) {
            return false;
          }
          wide |= c >= 0x80;
        }
        if (!wide) {
          return false;
        }
      }
    } else {
      // A number or boolean: the whole archive is small, compare it as a whole.
      byte[] archive = encode(value);
      return archive != null && Arrays.equals(archive, 0, archive.length, data, base, end);
    }
    if (valueEnd < 0) {
      return false;
    }
    int tableOffset = valueEnd - base;
    int offsetSize = offsetSize(tableOffset);
    if ((long) tableOffset + (long) OBJECT_COUNT * offsetSize + TRAILER != end - base) {
      return false;
    }
    byte[] tail = new byte[OBJECT_COUNT * offsetSize + TRAILER];
    writeTail(tail, 0, tableOffset, offsetSize);
    return Arrays.equals(tail, 0, tail.length, data, valueEnd, end);
  }

  /**
   * The end of the length-prefixed object at {@code at} holding {@code count} elements when its count is written as
   * {@link #archive} writes it (inline below 15, else an integer of 1, 2 or 4 bytes, the narrowest that holds it),
   * else -1.
   */
  private static int canonicalCount(byte[] data, int end, int at, int count) {
    int marker = data[at] & 0xFF;
    int unit = marker >>> 4 == 0x6 ? 2 : 1;
    int header;
    if (count < 15) {
      header = (marker & 0xF) == count ? 1 : -1;
    } else if ((marker & 0xF) != 0xF || at + 1 >= end) {
      header = -1;
    } else {
      int intMarker = data[at + 1] & 0xFF;
      int expected = count < 0x100 ? 0x10 : count < 0x10000 ? 0x11 : 0x12;
      header = intMarker == expected ? 2 + (1 << (intMarker & 0xF)) : -1;
    }
    return header < 0 ? -1 : at + header + unit * count;
  }

  private static Object lengthPrefixed(byte[] data, int end, int at, int marker) {
    int count = marker & 0xF;
    int body = at + 1;
    if (count == 0xF) {
      if (body >= end) {
        return NO_MATCH;
      }
      int intMarker = data[body] & 0xFF;
      int width = 1 << (intMarker & 0xF);
      if (intMarker >>> 4 != 0x1 || width > 4) {
        return NO_MATCH;
      }
      long c = getLong(data, end, body + 1, width);
      if (c > end - at) {
        return NO_MATCH;
      }
      count = (int) c;
      body += 1 + width;
    }
    int type = marker >>> 4;
    long length = type == 0x6 ? count * 2L : count;
    if (length < 0 || body + length > end) {
      return NO_MATCH;
    }
    int n = (int) length;
    return switch (type) {
      case 0x4 -> Arrays.copyOfRange(data, body, body + n);
      case 0x5 -> new String(data, body, n, StandardCharsets.ISO_8859_1);
      default -> new String(data, body, n, StandardCharsets.UTF_16BE);
    };
  }

  private static long getLong(byte[] data, int end, int at, int width) {
    if (at + width > end) {
      throw new IndexOutOfBoundsException(at + width);
    }
    long v = 0;
    for (int i = 0; i < width; i++) {
      v = v << 8 | (data[at + i] & 0xFF);
    }
    return v;
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
