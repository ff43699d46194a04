package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The archiver's unboxed maps against the JDK maps they replace, through growth from the smallest size. */
class ArchiveValueMapsTest {
  @Test
  void longIntMapAgreesWithHashMap() {
    Random random = new Random(13);
    LongIntMap map = new LongIntMap(0);
    Map<Long, Integer> expected = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      // few distinct keys at first (many found again), then doubles' bit patterns with equal low bits
      long key = i < 5_000 ? random.nextInt(500) : Double.doubleToLongBits(random.nextInt(10_000) * 0.5);
      Integer before = expected.putIfAbsent(key, i);
      assertEquals(before == null ? -1 : before, map.putIfAbsent(key, i), "key " + key);
      assertEquals(expected.get(key), map.get(key));
    }
    assertEquals(expected.size(), map.size());
    assertEquals(-1, map.get(-7));
  }

  /** Cleared (as an archiver clears its tables between encodes) and filled again, it holds only the new keys. */
  @Test
  void aClearedLongIntMapAgreesWithANewHashMap() {
    Random random = new Random(15);
    LongIntMap map = new LongIntMap(0);
    for (int round = 0; round < 50; round++) {
      map.clear();
      Map<Long, Integer> expected = new HashMap<>();
      int n = random.nextInt(round % 10 == 0 ? 5_000 : 200);
      for (int i = 0; i < n; i++) {
        long key = random.nextInt(1_000);
        Integer before = expected.putIfAbsent(key, i);
        assertEquals(before == null ? -1 : before, map.putIfAbsent(key, i), "round " + round + " key " + key);
        if (i % 7 == 0) {
          map.put(key, i);
          expected.put(key, i);
        }
      }
      assertEquals(expected.size(), map.size(), "round " + round);
      for (long key = 0; key < 1_000; key++) {
        assertEquals(expected.getOrDefault(key, -1), map.get(key), "round " + round + " key " + key);
      }
    }
  }

  @Test
  void stringIntMapAgreesWithHashMap() {
    Random random = new Random(14);
    StringIntMap map = new StringIntMap(0);
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      // new String instances: found again by value, not identity; "Aa" and "BB" share a hash code
      String key = new String(random.nextBoolean() ? "k" + random.nextInt(3_000) : "Aa".repeat(random.nextInt(3))
          + "BB".repeat(random.nextInt(3)));
      Integer before = expected.putIfAbsent(key, i);
      assertEquals(before == null ? -1 : before, map.putIfAbsent(key, i), key);
      assertEquals(expected.get(key), map.get(key));
    }
    assertEquals(expected.size(), map.size());
    assertEquals(-1, map.get("absent"));
  }

  @Test
  void identityIntMapFindsInstancesNotEqualValues() {
    IdentityIntMap map = new IdentityIntMap(0);
    Map<Object, Integer> expected = new IdentityHashMap<>();
    List<Object> objects = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      objects.add(List.of(i % 10)); // equal lists, distinct instances
    }
    Random random = new Random(15);
    for (int i = 0; i < 20_000; i++) {
      Object key = objects.get(random.nextInt(objects.size()));
      Integer before = expected.putIfAbsent(key, i);
      assertEquals(before == null ? -1 : before, map.putIfAbsent(key, i));
    }
    assertEquals(expected.size(), map.size());
  }
}
