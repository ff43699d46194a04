package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13, fourth pass: the writer that lays out and writes the plist in one walk writes archives of containers byte
 * for byte as dd-plist writes them ({@link DdPlistReferenceArchiver}), whatever the width of the object references
 * (one, two or four bytes: the writer guesses it before it knows the object count) and whether objects hold inline
 * numbers.
 */
class ArchiveWriterBytesTest {
  private static final NSKeyedArchiver WRITER = NSKeyedArchiver.builder().build();
  private static final DdPlistReferenceArchiver REFERENCE = DdPlistReferenceArchiver.builder().build();

  /** Archives of fewer than 128 entries (wider UIDs dd-plist writes with a sign byte, CoreFoundation without). */
  private static void assertAsDdPlist(Object value, String what) {
    assertArrayEquals(REFERENCE.encodeGeneral(value), WRITER.encodeGeneral(value), what);
  }

  private static void assertSameBytes(Object value, String what) {
    byte[] ours = WRITER.encodeGeneral(value);
    assertArrayEquals(WRITER.encodeGeneral(value, TwoWalkArchiveWriter::write), ours, what);
    // and with a fresh archiver (no sizes of a previous encode to guess from)
    assertArrayEquals(ours, NSKeyedArchiver.builder().build().encodeGeneral(value), what);
    // and whatever the guesses of the object count (the reference width) and the length (the first buffer)
    for (int guess : new int[] {0, 255, 256, 65_535, 65_536}) {
      assertArrayEquals(ours, WRITER.encodeGeneral(value,
          (keys, refs, objects, strings, inline) -> BinaryArchiveWriter.write(keys, refs, objects, strings, inline,
              guess, guess, new BinaryArchiveWriter.Scratch(0, 0, 0))), () -> what + ", guessing " + guess);
    }
  }

  @Test
  void containersOfTheSingleValuesAreWrittenAsDdPlistWritesThem() {
    List<Object> values = SingleValueArchivesTest.values();
    Random random = new Random(1313);
    for (int round = 0; round < 60; round++) {
      List<Object> list = new ArrayList<>();
      Map<Object, Object> map = new LinkedHashMap<>();
      java.util.Set<Object> set = new LinkedHashSet<>();
      int n = 1 + random.nextInt(round < 30 ? 20 : 200);
      for (int i = 0; i < n; i++) {
        Object v = values.get(random.nextInt(values.size()));
        list.add(v);
        map.put(random.nextBoolean() ? "k" + random.nextInt(40) : (Object) (long) random.nextInt(40), v);
        if (v instanceof String || v instanceof Long) {
          set.add(v);
        }
      }
      list.add(map);
      list.add(List.of(set));
      list.add(list.get(0));
      list.add(null);
      list.add(map.isEmpty() ? "empty" : map.keySet().iterator().next());
      assertSameBytes(list, "round " + round);
    }
  }

  /**
   * Object counts on both sides of 256 and 65,536, where the references grow from one to two to four bytes: a list of
   * n strings is 2n + 23 plist objects (255 at n = 116, 65,535 at n = 32,756), a mixed one crosses 256 from n = 77 to 78
   * and 65,536 from n = 21,837 to 21,838; an extra element adds two.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 30, 76, 77, 78, 79, 115, 116, 117, 200, 21_836, 21_837, 21_838, 21_839, 32_755,
      32_756, 32_757, 40_000})
  void referenceWidthsAreChosenAsDdPlistChoosesThem(int n) {
    // strings only: about two plist objects (string, UID) per element; mixed: about three or four
    List<Object> strings = new ArrayList<>();
    List<Object> mixed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      strings.add("s" + i);
      mixed.add(i % 3 == 0 ? (Object) ("m" + i) : i % 3 == 1 ? (Object) (i * 0.5) : List.of((long) i << 20));
    }
    assertSameBytes(strings, "strings " + n);
    assertSameBytes(mixed, "mixed " + n);
    if (n <= 30) {
      assertAsDdPlist(strings, "strings " + n);
      assertAsDdPlist(mixed, "mixed " + n);
    }
    for (int extra = 0; extra < (n <= 200 ? 4 : 0); extra++) {
      List<Object> more = new ArrayList<>(strings);
      for (int i = 0; i < extra; i++) {
        more.add(i);
      }
      assertSameBytes(more, "strings " + n + " + " + extra);
    }
  }

  @Test
  void objectsWithInlineNumbersAndSharedValuesAreWrittenAsDdPlistWritesThem() {
    Map<String, Object> fields = new LinkedHashMap<>();
    java.util.Set<String> inline = new LinkedHashSet<>();
    for (int i = 0; i < 120; i++) {
      String key = "f" + i;
      Object v = switch (i % 6) {
        case 0 -> (long) (i % 7);
        case 1 -> i % 4 * 0.25;
        case 2 -> "v" + i % 5;
        case 3 -> i % 2 == 0;
        case 4 -> 100000;
        default -> List.of(i % 7, "f" + (i % 9), i % 4 * 0.25);
      };
      fields.put(key, v);
      if (i % 6 != 5 && i % 3 != 0) {
        inline.add(key);
      }
    }
    GenericArchivedObject g = new GenericArchivedObject(List.of("MYThing", "NSObject"), fields, inline);
    assertSameBytes(g, "generic object");
    assertSameBytes(List.of(g, g, List.of(g, 100000, "MYThing", "$classes", "f3")), "shared generic object");
  }

  /**
   * An archiver keeps one encode's arrays for the next, taken by one encode at a time: encodes on several threads at
   * once through one archiver write the bytes each writes alone.
   */
  @Test
  void encodesOnSeveralThreadsThroughOneArchiverWriteTheSameBytes() throws Exception {
    NSKeyedArchiver shared = NSKeyedArchiver.builder().build();
    List<Object> values = new ArrayList<>();
    for (int n : new int[] {3, 50, 300, 2_000}) {
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        list.add(i % 4 == 0 ? (Object) ("t" + i) : i % 4 == 1 ? (Object) (i * 0.75) : i % 4 == 2 ? (Object) (long) i
            : Map.of("k", i));
      }
      values.add(list);
    }
    List<byte[]> expected = new ArrayList<>();
    for (Object v : values) {
      expected.add(NSKeyedArchiver.builder().build().encodeGeneral(v));
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            int k = (first + i) % values.size();
            assertArrayEquals(expected.get(k), shared.encodeGeneral(values.get(k)), "value " + k);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSysmontapSizedSampleIsWrittenAsDdPlistWritesIt() {
    Map<Object, Object> processes = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) {
      List<Object> attrs = new ArrayList<>();
      attrs.add(100 + i * 7);
      attrs.add("process-" + i);
      attrs.add(i % 5 == 0 ? 0.0 : i * 0.013);
      attrs.add(1_000_000L + i * 4096L);
      attrs.add(i % 3 == 0);
      attrs.add(-1);
      attrs.add(i % 2 == 0 ? "com.apple.app" + i : null);
      processes.put(100 + i * 7, attrs);
    }
    Object sample = List.of(Map.of("Processes", processes, "Type", 7, "EndMachAbsTime", 5_000_000_000L));
    assertSameBytes(sample, "sysmontap sample");
    assertTrue(WRITER.encodeGeneral(sample).length > 10_000);
  }
}
