package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BinaryPlist#scalar}, which the decoder uses to make every number, boolean and ASCII string entry up front,
 * gives what the readers it stands in for give ({@link BinaryPlist#intValue}, {@link BinaryPlist#realValue},
 * {@link BinaryPlist#stringValue}, the boolean markers), for every object of every fixture and of strings of every
 * count form; and null, never a value, for an object that does not lie whole before the offset table.
 */
class BinaryPlistScalarTest {

  @ParameterizedTest
  @ValueSource(strings = {"XCTCapabilities.bin", "xctestconfiguration.bin", "DTSysmonTapMessage.bin",
      "XCActivityRecord.bin", "dict.bin", "primitives.bin", "nsvalue.bin", "ax_focus_on_element.bin"})
  void everyObjectOfTheFixtures(String fixture) throws Exception {
    assertEveryObject(Fixtures.read(fixture));
  }

  @Test
  void stringsOfEveryCountFormAndBooleans() throws Exception {
    List<NSObject> values = new ArrayList<>();
    for (int n : new int[] {0, 1, 14, 15, 16, 255, 256, 300, 70_000}) {
      values.add(new NSString("s".repeat(n)));
    }
    values.add(new NSNumber(true));
    values.add(new NSNumber(false));
    values.add(new NSNumber(-1L));
    values.add(new NSNumber(Long.MAX_VALUE));
    values.add(new NSNumber(0.25));
    byte[] plist = BinaryPropertyListWriter.writeToArray(new NSArray(values.toArray(new NSObject[0])));
    // All but the array and the 70,000-char string, whose count is a four-byte integer (read by stringValue).
    assertEquals(values.size() - 1, assertEveryObject(plist));
  }

  @Test
  void aStringRunningIntoTheOffsetTableIsLeftToTheReaderThatReportsIt() throws Exception {
    byte[] plist = BinaryPropertyListWriter.writeToArray(new NSString("x".repeat(20)));
    BinaryPlist p = new BinaryPlist(plist, 0, plist.length);
    int offset = p.offsetOf(p.top);
    assertEquals("x".repeat(20), p.scalar(offset));
    plist[offset + 2] = 21; // one char more than lies before the table
    BinaryPlist longer = new BinaryPlist(plist, 0, plist.length);
    assertNull(longer.scalar(offset));
    assertThrows(ArchiveFormatException.class, () -> longer.stringValue(offset, "s"));
    plist[offset + 1] = 0x12; // the count as a four-byte integer: read by stringValue, not here
    assertNull(new BinaryPlist(plist, 0, plist.length).scalar(offset));
  }

  /** Checks every object of {@code plist}; returns how many of them scalar made (the others are no scalar). */
  private static int assertEveryObject(byte[] plist) throws Exception {
    BinaryPlist p = new BinaryPlist(plist, 0, plist.length);
    int made = 0;
    for (int i = 0; i < p.objectCount; i++) {
      int o = p.offsetOf(i);
      Object v = p.scalar(o);
      Object expected = slowValue(p, o);
      if (v == null) {
        assertNull(expected, "object " + i + " at " + o + " is " + expected + ", which scalar should make");
        continue;
      }
      assertEquals(expected, v, "object " + i + " at " + o);
      assertEquals(expected.getClass(), v.getClass(), "object " + i + " at " + o);
      made++;
    }
    return made;
  }

  /** What the reading methods make of the object at {@code o}, when it is of a form scalar covers; else null. */
  private static Object slowValue(BinaryPlist p, int o) throws ArchiveFormatException {
    int m = p.marker(o);
    switch (m & 0xF0) {
      case BinaryPlist.INT: {
        if ((m & 0x0F) > 3) {
          return null;
        }
        long v = p.intValue(o, "int");
        return v == (int) v ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
      }
      case BinaryPlist.REAL:
        return (m & 0x0F) == 3 ? (Object) p.realValue(o, "real") : null;
      case BinaryPlist.ASCII:
        // The count in the marker, or in an integer of one or two bytes after it.
        return (m & 0x0F) == 0x0F && p.marker(o + 1) > 0x11 ? null : p.stringValue(o, "string");
      case 0x00:
        return m == 0x08 || m == 0x09 ? (Object) (m == 0x09) : null;
      default:
        return null;
    }
  }
}
