package dtxkit.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListParser;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.stream.Plists;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A peer's malformed XML plist must be an error, never a line on the process's standard error (which the JDK's XML
 * parser writes by default, found by the nsKeyedUnarchiver fuzz run: 217,590 "[Fatal Error]" lines in 10 minutes).
 */
@Isolated
class QuietPlistsTest {
  private static final List<String> MALFORMED = List.of(
      "<?xml version=\"1.0\"?><plist><dict><key>a</key><array></dict></plist>",
      "<plist version=\"1.0\"><dict><key>x",
      "<",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
          + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\"><plist><dict></plist>",
      "\u0000\u0001 not a plist at all");

  @Test
  void malformedXmlIsAnErrorAndPrintsNothing() throws Exception {
    String printed = stderrOf(() -> {
      for (String xml : MALFORMED) {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        assertThrows(Exception.class, () -> QuietPlists.parse(bytes), xml);
        assertThrows(DtxProtocolException.class, () -> NSKeyedUnarchiver.unarchive(bytes), xml);
        assertThrows(DtxProtocolException.class, () -> Plists.parseDictionary(bytes, "test plist", 0), xml);
      }
    });
    assertEquals("", printed, "nothing on standard error");
  }

  @Test
  void wellFormedPlistsParseAsDdPlistParsesThem() throws Exception {
    NSDictionary dict = new NSDictionary();
    dict.put("MessageType", "Result");
    dict.put("Number", 42);
    List<byte[]> forms = List.of(dict.toXMLPropertyList().getBytes(StandardCharsets.UTF_8), binary(dict),
        ("\uFEFF" + dict.toXMLPropertyList()).getBytes(StandardCharsets.UTF_8),
        dict.toASCIIPropertyList().getBytes(StandardCharsets.US_ASCII));
    String printed = stderrOf(() -> {
      for (byte[] form : forms) {
        NSObject quiet = QuietPlists.parse(form);
        assertEquals(PropertyListParser.parse(form), quiet);
        if (form[0] != '{') {
          assertEquals(dict, quiet); // an ASCII plist has no numbers: 42 comes back as a string there
        }
      }
    });
    assertEquals("", printed);
  }

  private static byte[] binary(NSDictionary dict) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PropertyListParser.saveAsBinary(dict, out);
    return out.toByteArray();
  }

  private interface Body {
    void run() throws Exception;
  }

  private static String stderrOf(Body body) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
