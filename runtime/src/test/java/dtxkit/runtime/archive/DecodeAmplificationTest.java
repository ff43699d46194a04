package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxLimitExceededException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A binary plist may point many {@code $objects} entries at one plist object; each entry is decoded on its own. The
 * in-place reader bounds what one decode makes (references followed, string and data bytes) by four times the plist's
 * object bytes and a mebibyte, so that a small archive cannot decode into a huge value, while ordinary archives,
 * and the sharing writers produce for equal values, decode as before.
 */
class DecodeAmplificationTest {

  private static long read(byte[] b, int at, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  private static void write(byte[] b, int at, int n, long v) {
    for (int i = n - 1; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  /**
   * The archive of {@code count} short strings {@code s000000...} and one more value, with the offset table changed
   * so that every short string's plist object is that value's: {@code count} entries sharing one object.
   */
  private static byte[] entriesSharing(int count, Object shared, int sharedMarker) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(String.format("s%06d", i));
    }
    list.add(shared);
    byte[] p = NSKeyedArchiver.archive(list);
    int end = p.length;
    int offsetSize = p[end - 26];
    int objects = (int) read(p, end - 24, 8);
    int table = (int) read(p, end - 8, 8);
    int target = -1;
    for (int i = 0; i < objects; i++) {
      int o = (int) read(p, table + i * offsetSize, offsetSize);
      if ((p[o] & 0xFF) == sharedMarker) {
        target = o;
      }
    }
    int changed = 0;
    for (int i = 0; i < objects; i++) {
      int o = (int) read(p, table + i * offsetSize, offsetSize);
      if ((p[o] & 0xFF) == 0x57 && p[o + 1] == 's') {
        write(p, table + i * offsetSize, offsetSize, target);
        changed++;
      }
    }
    assertEquals(count, changed);
    return p;
  }

  @Test
  void twoThousandEntriesSharingA50KbStringAreRefused() {
    byte[] archive = entriesSharing(2000, "x".repeat(50_000), 0x5F);
    assertTrue(archive.length < 100_000, "a 96 KB archive");
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
        () -> NSKeyedUnarchiver.unarchive(archive));
    assertTrue(e.getMessage().contains("archive decoded size"), e.getMessage());
  }

  @Test
  void sharingWithinTheBoundDecodesEveryEntry() throws Exception {
    // 100 entries sharing one 1 KB data object (as writers merge equal data): 100 KB from a 2 KB archive.
    byte[] data = new byte[1000];
    java.util.Arrays.fill(data, (byte) 7);
    byte[] archive = entriesSharing(100, data, 0x4F);
    List<?> decoded = (List<?>) NSKeyedUnarchiver.unarchive(archive);
    assertEquals(101, decoded.size());
    for (Object o : decoded) {
      assertTrue(java.util.Arrays.equals(data, (byte[]) o));
    }
  }

  @Test
  void largeArchivesWithoutSharingDecodeAsBefore() throws Exception {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      list.add(List.of(i, "process-" + i, i * 0.5, "x".repeat(3000) + i, new byte[2000]));
    }
    Object decoded = NSKeyedUnarchiver.unarchive(NSKeyedArchiver.archive(list));
    assertTrue(ArchiveValues.deepEquals(list, decoded));
  }
}
