package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The single-value fast path writes exactly dd-plist's bytes for every value it takes, leaves the rest to the general
 * path, and decodes only its own output, to the same values the general path decodes.
 */
class SingleValueArchivesTest {
  private static final NSKeyedArchiver GENERAL = NSKeyedArchiver.builder().build();
  private static final Random RANDOM = new Random(20261122);

  static List<Object> values() {
    List<Object> values = new ArrayList<>();
    // Data and ASCII strings at every length around each header and offset-width boundary.
    int[] lengths = {0, 1, 2, 13, 14, 15, 16, 100, 130, 131, 132, 255, 256, 257, 4096, 65_000, 65_535, 65_536,
        65_537, 70_000, 200_000};
    for (int n : lengths) {
      byte[] data = new byte[n];
      RANDOM.nextBytes(data);
      values.add(data);
      char[] ascii = new char[n];
      for (int i = 0; i < n; i++) {
        ascii[i] = (char) RANDOM.nextInt(0x80);
      }
      values.add(new String(ascii));
      char[] wide = new char[n];
      for (int i = 0; i < n; i++) {
        char c;
        do {
          c = (char) (0x80 + RANDOM.nextInt(0xFFFF - 0x80));
        } while (Character.isSurrogate(c));
        wide[i] = c;
      }
      values.add(new String(wide));
    }
    for (int n = 0; n < 300; n++) {
      byte[] data = new byte[n];
      RANDOM.nextBytes(data);
      values.add(data);
      values.add("x".repeat(n));
      values.add("é".repeat(n));
    }
    // Long strings (checked for ASCII by copying low bytes) that are ASCII but for one char: one whose low byte is
    // ASCII (U+0141, U+0100), one that is Latin-1 but not ASCII, U+FFFD (what a non-ASCII byte decodes to as
    // US-ASCII), at the start, in the middle and at the end.
    for (int n : new int[] {256, 300, SingleValueArchives.BUFFER_THRESHOLD, 70_000}) {
      for (char odd : new char[] {'\u0080', '\u00e9', '\u00ff', '\u0100', '\u0141', '\u7f41', '\ufffd'}) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          char[] chars = "q?".repeat(n / 2).toCharArray();
          chars[at] = odd;
          values.add(new String(chars));
        }
      }
    }
    values.addAll(List.of("echo:", "runningProcesses", "_requestChannelWithCode:identifier:", "a\u0000b", "\u007f",
        "h\u00e9llo", "日本語", "$nul", "root ", "NSKeyedArchiver2", "$class", "NSString"));
    long[] longs = {0, 1, 2, 14, 15, 16, 127, 128, 255, 256, 65_535, 65_536, 99_999, 100_001, 0xFFFF_FFFFL,
        0x1_0000_0000L, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, -2, -255, -256, Long.MAX_VALUE, Long.MIN_VALUE};
    for (long v : longs) {
      values.add(v);
      if (v == (int) v) {
        values.add((int) v);
      }
      if (v == (short) v) {
        values.add((short) v);
      }
      if (v == (byte) v) {
        values.add((byte) v);
      }
    }
    for (int i = 0; i < 200; i++) {
      values.add(RANDOM.nextLong());
      values.add(RANDOM.nextInt());
      values.add(RANDOM.nextDouble() * 1e6 - 5e5);
    }
    values.addAll(List.of(0.0, -0.0, 1.0, 1.5, -2.5, 99_999.5, Double.MAX_VALUE, Double.MIN_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 2.0f, 0.1f, Float.NaN, true, false));
    return values;
  }

  @Test
  void writesExactlyTheGeneralPathsBytes() {
    for (Object value : values()) {
      byte[] fast = SingleValueArchives.encode(value);
      assertNotNull(fast, () -> "fast path declined " + describe(value));
      assertArrayEquals(GENERAL.encodeGeneral(value), fast, () -> "archive of " + describe(value));
      assertArrayEquals(fast, NSKeyedArchiver.archive(value), () -> "NSKeyedArchiver.archive of " + describe(value));
      assertArrayEquals(fast, bytes(NSKeyedArchiver.archiveBuffer(value)),
          () -> "NSKeyedArchiver.archiveBuffer of " + describe(value));
    }
  }

  @Test
  void theBufferOfALongStringHoldsTheSameBytesAsTheArchiveAndTheSameForWhatTheFastPathDeclines() {
    List<Object> values = new ArrayList<>(List.of("a".repeat(SingleValueArchives.BUFFER_THRESHOLD - 1),
        "?".repeat(SingleValueArchives.BUFFER_THRESHOLD), "?".repeat(70_000) + "\u0141",
        "?".repeat(300) + "\ud800", "\udc00" + "a".repeat(20_000), "a".repeat(20_000) + "\ud83d\ude00",
        List.of("a".repeat(20_000)), Map.of("k", "v".repeat(20_000))));
    for (Object value : values) {
      assertArrayEquals(NSKeyedArchiver.archive(value), bytes(NSKeyedArchiver.archiveBuffer(value)),
          () -> "NSKeyedArchiver.archiveBuffer of " + describe(value));
    }
    io.netty.buffer.ByteBuf parts = NSKeyedArchiver.archiveBuffer("x".repeat(SingleValueArchives.BUFFER_THRESHOLD));
    assertEquals(3, ((io.netty.buffer.CompositeByteBuf) parts).numComponents(), "head, the string's bytes, tail");
    parts.release();
  }

  private static byte[] bytes(io.netty.buffer.ByteBuf buf) {
    try {
      return io.netty.buffer.ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void decodesItsOwnArchivesAsTheGeneralPathDoes() throws Exception {
    for (Object value : values()) {
      byte[] archive = GENERAL.encodeGeneral(value);
      Object general = NSKeyedUnarchiver.unarchiveTop(archive).get("root");
      Object fast = SingleValueArchives.decode(archive);
      assertSameValue(general, fast, describe(value));
      assertSameValue(general, NSKeyedUnarchiver.unarchive(archive), describe(value));
    }
  }

  @Test
  void leavesValuesThatDdPlistWouldMergeWithTheHeaderToTheGeneralPath() throws Exception {
    List<Object> merged = List.of("$version", "$archiver", "$top", "$objects", "NSKeyedArchiver", "root", "$null",
        100_000, 100_000L, (double) 100_000, 100_000f);
    for (Object value : merged) {
      assertNull(SingleValueArchives.encode(value), () -> "fast path took " + value);
      byte[] archive = NSKeyedArchiver.archive(value);
      assertArrayEquals(GENERAL.encodeGeneral(value), archive);
      assertSame(SingleValueArchives.NO_MATCH, SingleValueArchives.decode(archive), () -> "decoded " + value);
      assertEquals(value instanceof Number n && !(value instanceof Integer) ? normalise(n) : value,
          NSKeyedUnarchiver.unarchive(archive));
    }
    // Unpaired surrogates, null, collections and objects are not single plain values either.
    for (Object value : Arrays.asList("\ud800", "a\udc00b", "😀", null, List.of("a"), Map.of("k", 1),
        new NSError("d", 1, Map.of()), "?".repeat(300) + "\ud800", "\udc00" + "a".repeat(300),
        "a".repeat(150) + "\ud83d\ude00" + "a".repeat(150))) {
      assertNull(SingleValueArchives.encode(value), () -> "fast path took " + value);
    }
  }

  @Test
  void declinesEveryOtherArchive() throws Exception {
    for (String name : List.of("onevalue.bin", "primitives.bin", "arrays.bin", "dict.bin", "nsuuid.bin",
        "dttapmessage.bin", "int64-value-in-nskeyedarchive.bin", "onevalue.xml")) {
      assertSame(SingleValueArchives.NO_MATCH, SingleValueArchives.decode(Fixtures.read(name)), name);
    }
    for (Object value : Arrays.asList(null, List.of("x"), Map.of("a", "b"), new NSError("d", 2, Map.of()))) {
      assertSame(SingleValueArchives.NO_MATCH, SingleValueArchives.decode(NSKeyedArchiver.archive(value)));
    }
    assertSame(SingleValueArchives.NO_MATCH, SingleValueArchives.decode(new byte[0]));
  }

  @Test
  void anyAlteredByteIsDeclinedOrDecodedAsTheGeneralPathDecodesIt() throws Exception {
    for (Object value : List.of("echo:", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 42,
        -7L, 2.5, true, "h\u00e9")) {
      byte[] archive = NSKeyedArchiver.archive(value);
      for (int i = 0; i < archive.length; i++) {
        for (int delta : new int[] {1, 0x0F, 0x10, 0x80}) {
          byte[] altered = archive.clone();
          altered[i] = (byte) (altered[i] + delta);
          Object fast = SingleValueArchives.decode(altered);
          if (fast == SingleValueArchives.NO_MATCH) {
            continue;
          }
          assertSameValue(NSKeyedUnarchiver.unarchiveTop(altered).get("root"), fast,
              describe(value) + " altered at " + i);
        }
      }
      // Cut short or extended by a byte.
      assertSame(SingleValueArchives.NO_MATCH, SingleValueArchives.decode(Arrays.copyOf(archive, archive.length - 1)));
      assertSame(SingleValueArchives.NO_MATCH, SingleValueArchives.decode(Arrays.copyOf(archive, archive.length + 1)));
    }
  }

  private static Object normalise(Number n) {
    if (n instanceof Float || n instanceof Double) {
      return n.doubleValue();
    }
    long v = n.longValue();
    return v == (int) v ? (Object) (int) v : (Object) v;
  }

  private static void assertSameValue(Object expected, Object actual, String what) {
    assertNotNull(actual, what);
    if (expected instanceof byte[] e) {
      assertArrayEquals(e, (byte[]) actual, what);
    } else {
      assertEquals(expected, actual, what);
      assertEquals(expected.getClass(), actual.getClass(), what);
    }
  }

  private static String describe(Object value) {
    if (value instanceof byte[] b) {
      return "byte[" + b.length + "]";
    }
    if (value instanceof String s) {
      return "String(" + s.length() + ") " + (s.length() > 20 ? s.substring(0, 20) + "..." : s);
    }
    return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
  }
}
