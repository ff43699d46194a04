package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * NSData keys and set elements are equal when their bytes are: a dictionary with two such keys is refused as having
 * a duplicate key, and a set keeps one of them, by both readers, whether or not the archive shares one plist object
 * for both ({@code archiveReaders} finding 15: the tree reader, which got one array for a shared plist object, refused
 * a dictionary the in-place reader decoded with two equal keys).
 */
class DataKeysTest {
  private static final NSKeyedUnarchiver READER = NSKeyedUnarchiver.builder().build();

  @Test
  void aDictionaryWithTwoEqualDataKeysIsRefusedByBothReaders() {
    Map<Object, Object> d = new LinkedHashMap<>();
    d.put(new byte[] {1, 2, 3}, "a");
    d.put(new byte[] {1, 2, 3}, "b");
    byte[] archive = NSKeyedArchiver.archive(d);
    for (boolean tree : new boolean[] {false, true}) {
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          () -> {
            if (tree) {
              READER.decodeTree(archive);
            } else {
              READER.decodeTop(archive);
            }
          });
      assertTrue(e.getMessage().contains("duplicate key"), e::getMessage);
    }
  }

  @Test
  void aSetKeepsOneOfTwoEqualDataElementsInBothReaders() throws Exception {
    Set<Object> s = new LinkedHashSet<>();
    s.add(new byte[] {4, 5});
    s.add("x");
    s.add(new byte[] {4, 5});
    byte[] archive = NSKeyedArchiver.archive(s);
    for (Map<String, Object> top : List.of(READER.decodeTop(archive), READER.decodeTree(archive))) {
      Set<?> decoded = (Set<?>) top.get("root");
      assertEquals(2, decoded.size(), () -> "decoded " + ArchiveValues.toString(decoded, 200));
      assertArrayEquals(new byte[] {4, 5}, (byte[]) decoded.iterator().next());
    }
  }

  @Test
  void distinctDataKeysStay() throws Exception {
    Map<Object, Object> d = new LinkedHashMap<>();
    d.put(new byte[] {1}, "a");
    d.put(new byte[] {2}, "b");
    byte[] archive = NSKeyedArchiver.archive(d);
    assertTrue(ArchiveValues.deepEquals(d, READER.decodeTop(archive).get("root")));
    assertTrue(ArchiveValues.deepEquals(d, READER.decodeTree(archive).get("root")));
  }
}
