package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SingleValueArchives#decode} recognises exactly the bytes {@link SingleValueArchives#encode} writes, checked in
 * place (not by encoding the value again): every archive it accepts re-encodes to the same bytes, every archive the
 * encoder writes is accepted, whether alone or as a slice of a larger array, and single-byte corruptions anywhere are
 * either rejected or still an exact encoding.
 */
class SingleValueDecodeTest {
  private static List<Object> values(int... sizes) {
    List<Object> values = new ArrayList<>();
    for (int n : sizes) {
      values.add("a".repeat(n));
      values.add("é".repeat(n));
      values.add(new byte[n]);
    }
    values.add("mixed ascii and ü");
    values.add("root"); // one of the fixed strings: the encoder leaves it to the general path
    values.add(42);
    values.add(-1L);
    values.add(1.5);
    values.add(true);
    return values;
  }

  private static void assertExact(byte[] data, int base, int length) {
    Object v = SingleValueArchives.decode(data, base, length);
    if (v != SingleValueArchives.NO_MATCH) {
      byte[] again = SingleValueArchives.encode(v);
      assertArrayEquals(Arrays.copyOfRange(data, base, base + length), again,
          "accepted bytes that are not the encoding of the value they hold");
    }
  }

  @Test
  void everyEncodingIsAcceptedAloneAndAsASlice() {
    for (Object value : values(0, 1, 14, 15, 16, 255, 256, 300, 65535, 65536, 70000)) {
      byte[] archive = SingleValueArchives.encode(value);
      if (archive == null) {
        continue;
      }
      Object alone = SingleValueArchives.decode(archive);
      assertNotSame(SingleValueArchives.NO_MATCH, alone);
      byte[] framed = new byte[archive.length + 20];
      Arrays.fill(framed, (byte) 0x7F);
      System.arraycopy(archive, 0, framed, 13, archive.length);
      Object slice = SingleValueArchives.decode(framed, 13, archive.length);
      assertEquals(ArchiveValues.toString(alone, 1000), ArchiveValues.toString(slice, 1000));
      assertArrayEquals(archive, SingleValueArchives.encode(slice));
    }
  }

  @Test
  void corruptedEncodingsAreRejectedUnlessStillExact() {
    Random random = new Random(13);
    // The count widths: inline, 1 byte, 2 bytes, 4 bytes (65536 chars: the tail and header only are corrupted).
    for (Object value : values(0, 1, 14, 15, 16, 255, 256, 300, 65536)) {
      byte[] archive = SingleValueArchives.encode(value);
      if (archive == null) {
        continue;
      }
      // Every position of small archives; for large ones the header, the tail, and a sample of the body.
      List<Integer> positions = new ArrayList<>();
      for (int i = 0; i < archive.length; i++) {
        if (archive.length < 1000 || i < 110 || i >= archive.length - 100 || random.nextInt(20000) == 0) {
          positions.add(i);
        }
      }
      int[] corruptions = archive.length < 1000
          ? new int[] {0x00, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x41, 0x5F, 0x6F, 0x7F, 0x80, 0xC3, 0xFF}
          : new int[] {0x00, 0x12, 0x7F, 0xFF};
      for (int p : positions) {
        for (int b : corruptions) {
          byte[] bad = archive.clone();
          bad[p] = (byte) b;
          assertExact(bad, 0, bad.length);
        }
      }
      // Truncated and extended.
      assertExact(Arrays.copyOf(archive, archive.length - 1), 0, archive.length - 1);
      assertExact(Arrays.copyOf(archive, archive.length + 1), 0, archive.length + 1);
    }
  }
}
