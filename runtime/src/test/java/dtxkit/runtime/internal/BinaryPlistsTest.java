package dtxkit.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSString;
import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.PropertyListParser;
import dtxkit.runtime.archive.ArchiveFormatException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A binary plist whose extended length is not an integer: dd-plist prints "BinaryPropertyListParser: Length integer
 * has an unexpected type" to System.err and parses on; dtxkit rejects it first, so nothing reaches stderr.
 */
class BinaryPlistsTest {

  /** bplist00, one ASCII string 0x5F whose length byte is 0x41 (a data marker, not an integer), offsets, trailer. */
  static byte[] badLength() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("bplist00".getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(new byte[] {0x5F, 0x41, 0x03, 'a', 'b', 'c'});
    b.write(8); // offset table at 14: object 0 at 8
    b.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 1, 1});
    b.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}); // one object
    b.writeBytes(new byte[8]); // top object 0
    b.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 14}); // offset table offset
    return b.toByteArray();
  }

  static String stderrOf(Runnable r) {
    PrintStream previous = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(previous);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void ddPlistAloneWritesToStderr() {
    // Why the check exists: this is dd-plist's own behaviour for the input.
    String err = stderrOf(() -> {
      try {
        PropertyListParser.parse(badLength());
      } catch (Exception expected) {
        // whatever it makes of it afterwards
      }
    });
    assertTrue(err.contains("Length integer has an unexpected type"), err);
  }

  @Test
  void namesTheObjectAndTheByte() {
    assertEquals("object 0 at offset 8 (marker 0x5F) declares an extended length, but 0x41 at offset 9 is not an"
        + " integer marker (0x1N)", BinaryPlists.malformedLength(badLength()));
  }

  @Test
  void unarchiverRejectsItWithoutWritingToStderr() {
    String err = stderrOf(() -> {
      ArchiveFormatException e = assertThrows(ArchiveFormatException.class,
          () -> NSKeyedUnarchiver.unarchive(badLength()));
      assertTrue(e.getMessage().contains("extended length"), e.getMessage());
    });
    assertEquals("", err);
  }

  @Test
  void wellFormedPlistsPass() throws Exception {
    assertNull(BinaryPlists.malformedLength(BinaryPropertyListWriter.writeToArray(new NSString("x".repeat(40)))));
    assertNull(BinaryPlists.malformedLength("not a plist".getBytes(StandardCharsets.US_ASCII)));
    assertNull(BinaryPlists.malformedLength(new byte[0]));
  }

  /**
   * {@link #badLength()} declaring two objects where its offset table holds one: dd-plist reads the table on (it asks
   * for room for n+1 entries in the whole file, trailer included), parses object 0 and prints. The first version of
   * the check skipped any plist whose trailer dtxkit itself finds out of range; the fuzz target
   * {@code archiveReaders}, failing on output to {@code System.err}, found such inputs in its corpus.
   */
  static byte[] badLengthWithObjectCountPastTheTable() {
    byte[] b = badLength();
    b[b.length - 32 + 15] = 2;
    return b;
  }

  @Test
  void anObjectCountPastTheTableIsCheckedAsDdPlistReadsIt() throws Exception {
    byte[] input = badLengthWithObjectCountPastTheTable();
    String err = stderrOf(() -> {
      try {
        PropertyListParser.parse(input);
      } catch (Exception expected) {
        // whatever it makes of it afterwards
      }
    });
    assertTrue(err.contains("Length integer has an unexpected type"), "dd-plist prints for it: " + err);
    assertEquals("object 0 at offset 8 (marker 0x5F) declares an extended length, but 0x41 at offset 9 is not an"
        + " integer marker (0x1N)", BinaryPlists.malformedLength(input));
    String quiet = stderrOf(() -> {
      Exception e = assertThrows(Exception.class, () -> QuietPlists.parse(input));
      assertTrue(e.getMessage().contains("extended length"), e.getMessage());
      assertThrows(dtxkit.runtime.DtxProtocolException.class,
          () -> dtxkit.runtime.stream.Plists.parseDictionary(input, "usbmuxd reply", 0));
    });
    assertEquals("", quiet, "every plist a peer sends goes through the check");
  }
}
