package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cycle of plist references (not of archive UIDs): an inline array that contains itself, as a field of an archived
 * object the archive's {@code $top} reaches. dd-plist refuses any such cycle; ours must refuse it where it reaches
 * it (the fuzz target {@code archiveReaders} allows ours to decode only archives whose {@code $top} never leads to
 * one: {@code ArchiveFuzzTargetsTest.LAZIER_CYCLE}).
 */
class PlistCycleTest {

  /** Binary plist objects, each written with 1-byte references. */
  private final List<byte[]> objects = new ArrayList<>();

  private int add(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    objects.add(b);
    return objects.size() - 1;
  }

  private int ascii(String s) {
    byte[] text = s.getBytes(StandardCharsets.US_ASCII);
    int[] b = new int[text.length + 1];
    b[0] = 0x50 | text.length; // below 15 characters
    for (int i = 0; i < text.length; i++) {
      b[i + 1] = text[i];
    }
    return add(b);
  }

  private byte[] plist(int top) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("bplist00".getBytes(StandardCharsets.US_ASCII));
    int[] offsets = new int[objects.size()];
    for (int i = 0; i < objects.size(); i++) {
      offsets[i] = out.size();
      out.writeBytes(objects.get(i));
    }
    int table = out.size();
    for (int offset : offsets) {
      out.write(offset >> 8);
      out.write(offset);
    }
    out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 2, 1});
    out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) objects.size()});
    out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) top});
    out.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) (table >> 8), (byte) table});
    return out.toByteArray();
  }

  @Test
  void aReachedPlistCycleIsRefused() {
    // Indexes are fixed by the order of creation: the containers name objects created after them.
    int root = add(0xD4, 1, 2, 3, 4, 5, 6, 10, 9); // {$archiver, $top, $objects, $version}
    ascii("$archiver"); // 1
    ascii("$top"); // 2
    ascii("$objects"); // 3
    ascii("$version"); // 4
    add(0x5F, 0x10, 15, 'N', 'S', 'K', 'e', 'y', 'e', 'd', 'A', 'r', 'c', 'h', 'i', 'v', 'e', 'r'); // 5
    add(0xD1, 7, 8); // 6: $top = {root: UID 1}
    ascii("root"); // 7
    add(0x80, 1); // 8
    add(0x12, 0x00, 0x01, 0x86, 0xA0); // 9: 100000
    add(0xA3, 11, 12, 17); // 10: $objects = [$null, the object, its class]
    ascii("$null"); // 11
    add(0xD2, 15, 16, 13, 14); // 12: {$class: UID 2, field: the array}
    add(0x80, 2); // 13
    add(0xA1, 14); // 14: an array whose one element is itself
    ascii("$class"); // 15
    ascii("field"); // 16
    add(0xD2, 19, 20, 18, 21); // 17: {$classname: "Foo", $classes: ["Foo"]}
    ascii("Foo"); // 18
    ascii("$classname"); // 19
    ascii("$classes"); // 20
    add(0xA1, 18); // 21
    byte[] archive = plist(root);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> NSKeyedUnarchiver.unarchive(archive));
    // Refused at the cycle's second step: an inline array's elements are UIDs, never a plist container.
    assertTrue(e.getMessage().startsWith("$objects[1].field[0]: bad value a NSArray (expected a UID)"),
        e.getMessage());
  }
}
