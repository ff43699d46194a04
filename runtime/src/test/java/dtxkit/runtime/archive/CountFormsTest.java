package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A binary plist may write a short string's count after its marker, as an integer ({@code 5F 10 07 ...} for seven
 * characters), instead of in the marker ({@code 57 ...}): writers use the long form from 15 characters up, but
 * CoreFoundation and dd-plist read it for any count. Both readers must read such archives as the canonical ones. (The
 * in-place reader once recognised keys and {@code $null} only in the canonical form: a field whose key was written
 * the long way decoded as missing; found by the {@code archiveReaders} fuzz target.)
 */
class CountFormsTest {

  @ParameterizedTest
  @ValueSource(strings = {"XCTCapabilities.bin", "xctestconfiguration.bin", "DTSysmonTapMessage.bin",
      "XCActivityRecord.bin", "dict.bin", "primitives.bin", "nsvalue.bin", "ax_focus_on_element.bin"})
  void shortStringsWithLongCountsDecodeAsTheCanonicalArchive(String fixture) throws Exception {
    byte[] canonical = Fixtures.read(fixture);
    byte[] longCounts = withLongStringCounts(canonical);
    assertNotEquals(canonical.length, longCounts.length, "the fixture has short strings to rewrite");
    NSKeyedUnarchiver reader = NSKeyedUnarchiver.builder().build();
    Map<String, Object> expected = reader.decodeTop(canonical);
    assertEquals(ArchiveValues.toString(expected, 1_000_000),
        ArchiveValues.toString(reader.decodeTop(longCounts), 1_000_000), "in place");
    assertEquals(ArchiveValues.toString(expected, 1_000_000),
        ArchiveValues.toString(reader.decodeTree(longCounts), 1_000_000), "through dd-plist");
  }

  /**
   * The same binary plist with every ASCII string shorter than 15 characters written with its count as a one-byte
   * integer after the marker; objects keep their order, the offset table and trailer are rewritten.
   */
  static byte[] withLongStringCounts(byte[] plist) {
    int end = plist.length;
    int offsetSize = plist[end - 26];
    int refSize = plist[end - 25];
    int count = (int) readBig(plist, end - 24, 8);
    long top = readBig(plist, end - 16, 8);
    int table = (int) readBig(plist, end - 8, 8);
    int[] offsets = new int[count];
    for (int i = 0; i < count; i++) {
      offsets[i] = (int) readBig(plist, table + i * offsetSize, offsetSize);
    }
    int[] sorted = offsets.clone();
    Arrays.sort(sorted);
    Map<Integer, Integer> moved = new LinkedHashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(plist, 0, 8);
    for (int k = 0; k < sorted.length; k++) {
      int from = sorted[k];
      if (moved.containsKey(from)) {
        continue;
      }
      int to = nextAbove(sorted, k, table);
      moved.put(from, out.size());
      int marker = plist[from] & 0xFF;
      if ((marker & 0xF0) == 0x50 && (marker & 0x0F) != 0x0F) {
        out.write(0x5F);
        out.write(0x10);
        out.write(marker & 0x0F);
        out.write(plist, from + 1, to - from - 1);
      } else {
        out.write(plist, from, to - from);
      }
    }
    int newTable = out.size();
    int newOffsetSize = newTable < 0x100 ? 1 : newTable < 0x10000 ? 2 : 4;
    for (int offset : offsets) {
      writeBig(out, moved.get(offset), newOffsetSize);
    }
    out.write(new byte[6], 0, 6);
    out.write(newOffsetSize);
    out.write(refSize);
    writeBig(out, count, 8);
    writeBig(out, top, 8);
    writeBig(out, newTable, 8);
    return out.toByteArray();
  }

  /** Where the object at {@code sorted[k]} ends: the next object's offset, or the offset table after the last. */
  private static int nextAbove(int[] sorted, int k, int table) {
    for (int j = k + 1; j < sorted.length; j++) {
      if (sorted[j] != sorted[k]) {
        return sorted[j];
      }
    }
    return table;
  }

  private static long readBig(byte[] b, int at, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  private static void writeBig(ByteArrayOutputStream out, long v, int size) {
    for (int i = size - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
