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
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.stream.Plists;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A binary plist whose extended length is not an integer: dd-plist prints "BinaryPropertyListParser: Length integer
 * has an unexpected type" to System.err and parses on; dtxkit rejects it first, so nothing reaches stderr.
 */
@Isolated
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

  @Test
  void anOffsetTableRunningIntoTheTrailerIsRefused() {
    byte[] plist = badLength();
    plist[plist.length - 32 + 15] = 3; // three objects: the table's 1 byte before the trailer holds one
    assertEquals("the trailer's object count 3 is not 1..1 (what the offset table's 1 bytes before the trailer hold)",
        BinaryPlists.malformedLength(plist));
    assertEquals("", stderrOf(() -> {
      Exception e = assertThrows(Exception.class, () -> QuietPlists.parse(plist));
      assertTrue(e.getMessage().contains("object count 3"), e.getMessage());
      assertThrows(DtxProtocolException.class, () -> Plists.parseDictionary(plist, "usbmuxd reply", 0));
    }));
  }

  /**
   * Every binary plist among the inputs the fuzz targets replay (their seeds' corpora and findings): what dd-plist
   * prints about is refused by the check, and what the check lets through dd-plist parses silently. The fuzz runs
   * found plists the first version of the check let through (an offset table running into the trailer).
   */
  @Test
  void everyCorpusPlistThatMakesDdPlistPrintIsRefused() throws Exception {
    List<byte[]> binary = corpusPlists();
    int printing = 0;
    for (byte[] plist : binary) {
      String printed = stderrOf(() -> parseIgnoringErrors(plist));
      if (!printed.isEmpty()) {
        printing++;
        assertTrue(BinaryPlists.malformedLength(plist) != null, "let through, yet dd-plist prints: " + printed);
      }
      assertEquals("", stderrOf(() -> {
        try {
          QuietPlists.parse(plist);
        } catch (Exception refused) {
          // refused, quietly
        }
      }));
    }
    assertTrue(binary.size() > 300, binary.size() + " binary plists");
    assertTrue(printing > 0, "none of the corpus plists makes dd-plist print: the test would prove nothing");
  }

  private static void parseIgnoringErrors(byte[] plist) {
    try {
      PropertyListParser.parse(plist);
    } catch (Exception | StackOverflowError ignored) {
      // what dd-plist makes of it afterwards does not matter here
    }
  }

  private static List<byte[]> corpusPlists() throws IOException, URISyntaxException {
    Path root = Path.of(BinaryPlistsTest.class.getResource("/dtxkit/runtime").toURI());
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("Inputs")).sorted().toList()) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        if (bytes.length > 6 && new String(bytes, 0, 6, StandardCharsets.ISO_8859_1).equals("bplist")) {
          out.add(bytes);
        }
      }
    }
    return out;
  }
}
