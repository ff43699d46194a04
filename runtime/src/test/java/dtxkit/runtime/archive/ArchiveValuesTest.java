package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchiveValuesTest {

  private static List<Object> selfList(Object first) {
    List<Object> l = new ArrayList<>();
    l.add(first);
    l.add(l);
    return l;
  }

  @Test
  void deepEqualsComparesValuesThatContainThemselvesAsGraphs() {
    assertTrue(ArchiveValues.deepEquals(selfList("a"), selfList("a")));
    assertFalse(ArchiveValues.deepEquals(selfList("a"), selfList("b")));
    Map<Object, Object> m1 = new LinkedHashMap<>();
    m1.put("self", m1);
    m1.put("bytes", new byte[] {1});
    Map<Object, Object> m2 = new LinkedHashMap<>();
    m2.put("bytes", new byte[] {1});
    m2.put("self", m2);
    assertTrue(ArchiveValues.deepEquals(m1, m2));
    m2.put("bytes", new byte[] {2});
    assertFalse(ArchiveValues.deepEquals(m1, m2));
    GenericArchivedObject g1 = new GenericArchivedObject(List.of("X", "NSObject"), Map.of(), Set.of());
    g1.putDecoded("me", g1);
    GenericArchivedObject g2 = new GenericArchivedObject(List.of("X", "NSObject"), Map.of(), Set.of());
    g2.putDecoded("me", g2);
    assertTrue(ArchiveValues.deepEquals(g1, g2));
    assertEquals("X{me=(cycle)}", g1.toString());
  }

  @Test
  void toStringIsBoundedAndShowsCycles() {
    assertEquals("[a, (cycle)]", ArchiveValues.toString(selfList("a"), 1000));
    assertEquals("[1, byte[3], null]", ArchiveValues.toString(java.util.Arrays.asList(1, new byte[3], null), 1000));
    String cut = ArchiveValues.toString(java.util.Collections.nCopies(10_000, "abcdef"), 50);
    assertTrue(cut.length() < 60, cut);
  }

  @Test
  void recordsOfOneTypeCompareByFieldsSoByteArrayKeysCompareByContent() {
    Map<Object, Object> a = new LinkedHashMap<>();
    a.put(new byte[] {1, 2}, 7L);
    a.put("k", new byte[] {3});
    Map<Object, Object> b = new LinkedHashMap<>();
    b.put(new byte[] {1, 2}, 7L);
    b.put("k", new byte[] {3});
    List<String> chain = List.of("DTTapStatusMessage", "DTTapMessage", "NSObject");
    assertFalse(new DTTapMessage(chain, a).equals(new DTTapMessage(chain, b)), "the record's own equals");
    assertTrue(ArchiveValues.deepEquals(new DTTapMessage(chain, a), new DTTapMessage(chain, b)));
    b.put("k", new byte[] {4});
    assertFalse(ArchiveValues.deepEquals(new DTTapMessage(chain, a), new DTTapMessage(chain, b)));
    assertFalse(ArchiveValues.deepEquals(new DTTapMessage(chain, a),
        new DTTapMessage(List.of("DTTapMessage", "NSObject"), a)), "another class chain");
  }
}
