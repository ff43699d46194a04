package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Round trips of the plain value mapping fixed in docs/runtime-contract.md, and the archive header written. */
class PlainValuesTest {
  private static Object roundTrip(Object value) throws Exception {
    return NSKeyedUnarchiver.unarchive(NSKeyedArchiver.archive(value));
  }

  @Test
  void headerIsTheStandardKeyedArchiverHeader() throws Exception {
    NSDictionary plist = (NSDictionary) PropertyListParser.parse(NSKeyedArchiver.archive("x"));
    assertEquals("NSKeyedArchiver", plist.get("$archiver").toJavaObject());
    assertEquals(100000, plist.get("$version").toJavaObject());
    NSArray objects = (NSArray) plist.get("$objects");
    assertEquals(new NSString("$null"), objects.objectAtIndex(0));
    assertEquals(new NSString("x"), objects.objectAtIndex(1));
    assertEquals(1L, NSKeyedUnarchiver.uidIndex(((NSDictionary) plist.get("$top")).get("root")));
  }

  @Test
  void scalarsKeepTheirJavaTypes() throws Exception {
    assertEquals("Hello, World!", roundTrip("Hello, World!"));
    assertEquals("", roundTrip(""));
    assertEquals(42, roundTrip(42));
    assertEquals(-1, roundTrip(-1));
    assertEquals(Long.MAX_VALUE, roundTrip(Long.MAX_VALUE));
    assertEquals(Long.MIN_VALUE, roundTrip(Long.MIN_VALUE));
    assertEquals(1L << 40, roundTrip(1L << 40));
    assertEquals(1.5, roundTrip(1.5));
    assertEquals(2.0, roundTrip(2.0f));
    assertEquals(true, roundTrip(true));
    assertEquals(false, roundTrip(false));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}));
    assertNull(roundTrip(null));
  }

  @Test
  void collectionsKeepOrderAndNulls() throws Exception {
    List<Object> list = Arrays.asList("a", 1, null, 2.5, List.of("nested"));
    assertEquals(list, roundTrip(list));
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put("z", 1);
    map.put("a", null);
    map.put(40400L, List.of());
    map.put(7, Map.of("k", "v"));
    Map<?, ?> back = (Map<?, ?>) roundTrip(map);
    assertEquals(List.of("z", "a", 40400, 7), new ArrayList<>(back.keySet()));
    assertNull(back.get("a"));
    assertEquals(Map.of("k", "v"), back.get(7));
    Set<Object> set = new LinkedHashSet<>(List.of("b", "a", 3));
    assertEquals(List.of("b", "a", 3), new ArrayList<>((Set<?>) roundTrip(set)));
  }

  @Test
  void foundationValues() throws Exception {
    Instant when = Instant.parse("2020-11-01T10:15:30.125Z");
    assertEquals(when, roundTrip(when));
    UUID id = UUID.fromString("54cd5574-e957-4499-8a09-dab688c0b586");
    assertEquals(id, roundTrip(id));
    NSError error = new NSError("DTXMessage", 1, Map.of("NSLocalizedDescription", "no"));
    NSError back = (NSError) roundTrip(error);
    assertEquals(error, back);
    assertEquals("no", back.localizedDescription());
    assertEquals(new NSError("d", -5, null), roundTrip(new NSError("d", -5, null)));
  }

  @Test
  void sharedReferencesDecodeToOneInstance() throws Exception {
    List<String> shared = new ArrayList<>(List.of("s"));
    List<?> back = (List<?>) roundTrip(List.of(shared, shared));
    assertSame(back.get(0), back.get(1));
  }

  @Test
  void listContainingItselfDecodesToAListContainingItself() throws Exception {
    List<Object> self = new ArrayList<>();
    self.add("head");
    self.add(self);
    List<?> back = (List<?>) roundTrip(self);
    assertEquals("head", back.get(0));
    assertSame(back, back.get(1));
  }

  @Test
  void mutableStringsAndDataThroughArchivedAs() throws Exception {
    byte[] archive = NSKeyedArchiver.archive(
        List.of(ArchivedAs.mutableString("text"), ArchivedAs.mutableData(new byte[] {9})));
    List<?> back = (List<?>) NSKeyedUnarchiver.unarchive(archive);
    assertEquals("text", back.get(0));
    assertArrayEquals(new byte[] {9}, (byte[]) back.get(1));
    String xml = PropertyListParser.parse(archive).toXMLPropertyList();
    assertTrue(xml.contains("NSMutableString") && xml.contains("NS.string"), xml);
    assertTrue(xml.contains("NSMutableData") && xml.contains("NS.data"), xml);
  }
}
