package dtxkit.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxException;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.archive.NSURL;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DtxConversionsTest {

  @Test
  void integersAcceptEveryNumericFormThePeerMaySend() {
    assertEquals(7, DtxConversions.toInt(7));
    assertEquals(7, DtxConversions.toInt(7L));
    assertEquals(7, DtxConversions.toInt(7.0));
    assertEquals(1, DtxConversions.toInt(Boolean.TRUE));
    assertEquals(-3L, DtxConversions.toLong((short) -3));
    assertEquals((byte) 12, DtxConversions.toByte(12));
    assertEquals((short) 300, DtxConversions.toShort(300L));
    assertEquals(Integer.valueOf(5), DtxConversions.toIntegerOrNull(5L));
    assertNull(DtxConversions.toIntegerOrNull(null));
    assertNull(DtxConversions.toLongOrNull(null));
  }

  @Test
  void lossyIntegersAreErrors() {
    DtxException range = assertThrows(DtxException.class, () -> DtxConversions.toInt(1L << 40));
    assertEquals("expected an int, got Long 1099511627776, which is out of range", range.getMessage());
    DtxException fraction = assertThrows(DtxException.class, () -> DtxConversions.toLong(1.5));
    assertEquals("expected a long, got Double 1.5, which is not a whole number", fraction.getMessage());
    assertThrows(DtxException.class, () -> DtxConversions.toByte(200));
    assertThrows(DtxException.class, () -> DtxConversions.toShort(70000));
  }

  @Test
  void primitivesRejectNullAndNonNumbers() {
    assertEquals("expected an int, got null",
        assertThrows(DtxException.class, () -> DtxConversions.toInt(null)).getMessage());
    assertEquals("expected a double, got String \"1.5\"",
        assertThrows(DtxException.class, () -> DtxConversions.toDouble("1.5")).getMessage());
    assertEquals("expected a boolean, got String \"yes\"",
        assertThrows(DtxException.class, () -> DtxConversions.toBoolean("yes")).getMessage());
  }

  @Test
  void floatingPointAndBooleans() {
    assertEquals(2.5, DtxConversions.toDouble(2.5));
    assertEquals(3.0, DtxConversions.toDouble(3));
    assertEquals(2.5f, DtxConversions.toFloat(2.5));
    assertNull(DtxConversions.toDoubleOrNull(null));
    assertNull(DtxConversions.toFloatOrNull(null));
    assertTrue(DtxConversions.toBoolean(true));
    assertTrue(DtxConversions.toBoolean(1));
    assertFalse(DtxConversions.toBoolean(0L));
    assertNull(DtxConversions.toBooleanOrNull(null));
  }

  @Test
  void values() {
    assertEquals("a", DtxConversions.toStr("a"));
    assertNull(DtxConversions.toStr(null));
    assertEquals("expected a String, got Integer 5",
        assertThrows(DtxException.class, () -> DtxConversions.toStr(5)).getMessage());
    assertArrayEquals(new byte[] {1, 2}, DtxConversions.toBytes(new byte[] {1, 2}));
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(now, DtxConversions.toInstant(now));
    UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertEquals(uuid, DtxConversions.toUuid(uuid));
    assertEquals(uuid, DtxConversions.toUuid(uuid.toString()));
    assertThrows(DtxException.class, () -> DtxConversions.toUuid("not a uuid"));
    assertEquals(URI.create("file:///tmp/a"), DtxConversions.toUri(NSURL.of("file:///tmp/a")));
    assertEquals(URI.create("https://example.com/x"), DtxConversions.toUri("https://example.com/x"));
    NSError error = new NSError("D", 2, Map.of());
    assertEquals(error, DtxConversions.cast(error, NSError.class));
    assertEquals("expected a NSError, got String \"x\"",
        assertThrows(DtxException.class, () -> DtxConversions.cast("x", NSError.class)).getMessage());
  }

  @Test
  void collectionsConvertEachElementAndKeepOrder() {
    List<Integer> list = DtxConversions.toList(List.of(1L, 2L, 3L), DtxConversions::toIntegerOrNull);
    assertEquals(List.of(1, 2, 3), list);
    assertThrows(UnsupportedOperationException.class, () -> list.add(4));
    assertEquals(List.of("b", "a"), List.copyOf(DtxConversions.toSet(List.of("b", "a", "b"), DtxConversions::toStr)));
    Map<Object, Object> decoded = new LinkedHashMap<>();
    decoded.put("z", 1);
    decoded.put("a", 2);
    Map<String, Long> map = DtxConversions.toMap(decoded, DtxConversions::toStr, DtxConversions::toLongOrNull);
    assertEquals(List.of("z", "a"), List.copyOf(map.keySet()));
    assertEquals(2L, map.get("a"));
    assertNull(DtxConversions.toList(null, v -> v));
    assertEquals("expected a List (NSArray), got String \"x\"",
        assertThrows(DtxException.class, () -> DtxConversions.toList("x", v -> v)).getMessage());
    assertEquals("expected a Map (NSDictionary), got Integer 1",
        assertThrows(DtxException.class, () -> DtxConversions.toMap(1, v -> v, v -> v)).getMessage());
  }

  @Test
  void elementErrorsSurface() {
    assertThrows(DtxException.class, () -> DtxConversions.toList(List.of(1, "two"), DtxConversions::toIntegerOrNull));
  }

  @Test
  void recordDictionaries() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("pid", 42);
    map.put("name", null);
    assertEquals(map, DtxConversions.dictionary(map, "ProcessInfo"));
    assertNull(DtxConversions.dictionary(null, "ProcessInfo"));
    assertEquals("expected a dictionary for ProcessInfo, got String \"x\"",
        assertThrows(DtxException.class, () -> DtxConversions.dictionary("x", "ProcessInfo")).getMessage());
    assertEquals(42, DtxConversions.required(map, "pid", "ProcessInfo"));
    assertEquals("ProcessInfo: key \"name\" is null, but its component is primitive; present keys: [pid, name]",
        assertThrows(DtxException.class, () -> DtxConversions.required(map, "name", "ProcessInfo")).getMessage());
    assertEquals("ProcessInfo: key \"ppid\" is missing, but its component is primitive; present keys: [pid, name]",
        assertThrows(DtxException.class, () -> DtxConversions.required(map, "ppid", "ProcessInfo")).getMessage());
  }

  @Test
  void encoders() {
    assertEquals(NSURL.of("file:///tmp/a"), DtxConversions.fromUri(URI.create("file:///tmp/a")));
    assertNull(DtxConversions.fromUri(null));
    assertEquals(List.of("1", "2"), DtxConversions.fromList(List.of(1, 2), String::valueOf));
    assertEquals(Set.of("1"), DtxConversions.fromSet(Set.of(1), String::valueOf));
    assertEquals(Map.of("k", "1"), DtxConversions.fromMap(Map.of("k", 1), k -> k, String::valueOf));
    assertNull(DtxConversions.fromList(null, v -> v));
    assertNull(DtxConversions.fromMap(null, v -> v, v -> v));
  }

  /** Issue 10 item 2: a decoded archive may contain itself; describing or hashing it must end. */
  @Test
  void valuesThatContainThemselvesAreDescribedAndRejectedAsKeysWithoutRecursingForever() {
    List<Object> outer = new ArrayList<>();
    List<Object> inner = new ArrayList<>();
    outer.add(inner);
    inner.add(outer);
    assertEquals("ArrayList [[(cycle)]]", DtxConversions.describe(outer));
    assertEquals("expected a String, got ArrayList [[(cycle)]]",
        assertThrows(DtxException.class, () -> DtxConversions.toStr(inner)).getMessage());
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("self", map);
    assertEquals("LinkedHashMap {self=(cycle)}", DtxConversions.describe(map));
    // long and deep values are cut
    List<Object> deep = new ArrayList<>();
    Object v = deep;
    for (int i = 0; i < 100_000; i++) {
      List<Object> next = new ArrayList<>();
      next.add(v);
      v = next;
    }
    String deepText = DtxConversions.describe(v);
    assertTrue(deepText.startsWith("ArrayList [[[[") && deepText.endsWith("]"), deepText);
    String longText = DtxConversions.describe(java.util.Collections.nCopies(1000, "abc"));
    assertTrue(longText.endsWith("...") && longText.length() < 100, longText);

    // as set elements and map keys: a clear error, not a StackOverflowError from hashCode
    DtxException set = assertThrows(DtxException.class, () -> DtxConversions.toSet(List.of(outer), e -> e));
    assertEquals("a set element or map key must not contain itself, got ArrayList [[(cycle)]]", set.getMessage());
    assertThrows(DtxException.class, () -> DtxConversions.toMap(Map.of(inner, 1), k -> k, x -> x));
    assertThrows(DtxException.class, () -> DtxConversions.fromSet(List.of(map), e -> e));
    // shared (acyclic) structure is fine
    List<Object> shared = List.of("x");
    assertEquals(Set.of(List.of(shared, shared)),
        DtxConversions.toSet(List.of(List.of(shared, shared)), e -> e));
  }
}
