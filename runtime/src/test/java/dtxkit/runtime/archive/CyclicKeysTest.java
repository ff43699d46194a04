package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A dictionary key or set element that leads back to the dictionary or set it is a key of: legal bytes, but a value
 * whose hash cannot be computed (Java's {@code hashCode} of it recurses without end). The key is decoded while its
 * container is still empty, so it does not contain itself yet when it is checked; both readers must see that it
 * leads to a container they are still filling, and refuse the archive rather than hand out a value any
 * {@code hashCode} call overflows the stack on ({@code archiveReaders} finding 14).
 */
class CyclicKeysTest {
  private static final NSKeyedUnarchiver READER = NSKeyedUnarchiver.builder().build();

  /** {@code d = {k: "v"}} with {@code k = [d]}: built in this order, the map hashed its key while it was empty. */
  private static byte[] dictionaryWhoseKeyHoldsIt() {
    Map<Object, Object> d = new LinkedHashMap<>();
    List<Object> k = new ArrayList<>();
    d.put(k, "v");
    k.add(d);
    return NSKeyedArchiver.archive(List.of(d));
  }

  private static byte[] setWhoseElementHoldsIt() {
    Set<Object> s = new LinkedHashSet<>();
    List<Object> e = new ArrayList<>();
    s.add(e);
    e.add(List.of("x", s));
    return NSKeyedArchiver.archive(s);
  }

  @Test
  void bothReadersRefuseAKeyThatLeadsToTheDictionaryItIsAKeyOf() {
    assertRefusedByBoth(dictionaryWhoseKeyHoldsIt());
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> READER.decodeTop(dictionaryWhoseKeyHoldsIt()));
    assertTrue(e.getMessage().contains("contains itself or an object it is being decoded into"), e::getMessage);
  }

  @Test
  void bothReadersRefuseASetElementThatLeadsToItsSet() {
    assertRefusedByBoth(setWhoseElementHoldsIt());
  }

  @Test
  void aRecordKeyThatLeadsToItsDictionaryIsRefusedAndACyclicRecordPrints() {
    // A record (DTTapMessage) is an archived object too: the walk goes through its fields (archiveReaders finding 17).
    Map<Object, Object> d = new LinkedHashMap<>();
    DTTapMessage r = new DTTapMessage(List.of("DTTapStatusMessage", "DTTapMessage", "NSObject"), d);
    d.put(r, "v");
    assertRefusedByBoth(NSKeyedArchiver.archive(List.of(d)));
    assertTrue(ArchiveValues.containsItself(r));
    String shown = ArchiveValues.toString(r, 1000);
    assertTrue(shown.startsWith("DTTapStatusMessage{DTTapMessagePlist={") && shown.contains("(cycle)"), shown);
  }

  @Test
  void aKeyThatSharesObjectsWithItsDictionaryWithoutACycleIsFine() throws Exception {
    // The key and a value share a list; nothing leads back to the dictionary.
    List<Object> shared = new ArrayList<>(List.of("s"));
    Map<Object, Object> d = new LinkedHashMap<>();
    d.put(List.of(shared), shared);
    byte[] archive = NSKeyedArchiver.archive(d);
    Object ours = NSKeyedUnarchiver.unarchive(archive);
    assertTrue(ArchiveValues.deepEquals(d, ours), () -> "decoded " + ours);
    assertTrue(ArchiveValues.deepEquals(READER.decodeTree(archive), READER.decodeTop(archive)));
    assertEquals(d.hashCode(), ours.hashCode());
  }

  private static void assertRefusedByBoth(byte[] archive) {
    for (String reader : List.of("in place", "dd-plist tree")) {
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          () -> {
            if (reader.equals("in place")) {
              READER.decodeTop(archive);
            } else {
              READER.decodeTree(archive);
            }
          }, reader);
      // The set codec does not publish its set before its elements, so it is refused as an object that refers back
      // to itself while being decoded; the dictionary, published first, for its key.
      assertTrue(e.getMessage().contains("cycle: "), () -> reader + ": " + e.getMessage());
    }
  }
}
