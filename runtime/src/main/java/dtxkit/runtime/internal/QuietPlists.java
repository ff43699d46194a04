package dtxkit.runtime.internal;

import com.dd.plist.NSObject;
import com.dd.plist.PropertyListFormatException;
import com.dd.plist.PropertyListParser;
import com.dd.plist.XMLPropertyListParser;
import java.io.ByteArrayInputStream;
import javax.xml.parsers.DocumentBuilder;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * dd-plist's parser without the XML parser's console output: a {@link DocumentBuilder} reports each malformed XML
 * document to its default error handler, which prints {@code [Fatal Error] :1:2: ...} on {@code System.err} before the
 * exception is thrown, so every malformed plist a peer sends would write a line to the process's standard error.
 * Here XML goes through dd-plist's own document builder (its entity handling unchanged) with an error handler that
 * throws and prints nothing; binary and ASCII plists go to dd-plist as before, except the binary ones dd-plist would
 * print about instead of throwing ({@link BinaryPlists}), which are refused first.
 */
public final class QuietPlists {
  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {
      // Not an error: nothing to say, and nothing to print.
    }

    @Override
    public void error(SAXParseException e) throws SAXParseException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXParseException {
      throw e;
    }
  };

  private QuietPlists() {}

  /**
   * Parses a property list as {@link PropertyListParser#parse(byte[])} does, printing nothing.
   *
   * @param data the plist: binary, XML (any encoding the XML parser detects) or ASCII
   * @return the parsed object (dd-plist returns null for some empty inputs)
   * @throws Exception what dd-plist or the XML parser throws for malformed input
   */
  public static NSObject parse(byte[] data) throws Exception {
    if (isBinaryOrAscii(data)) {
      String malformed = BinaryPlists.malformedLength(data);
      if (malformed != null) {
        // dd-plist would print this to System.err (and parse on): refuse it as the malformed plist it is.
        throw new PropertyListFormatException("not a binary property list: " + malformed);
      }
      return PropertyListParser.parse(data);
    }
    DocumentBuilder builder = XMLPropertyListParser.getDocBuilder();
    builder.setErrorHandler(THROWING);
    return XMLPropertyListParser.parse(builder.parse(new ByteArrayInputStream(data)));
  }

  /** Binary ({@code bplist}) or an ASCII plist ({@code (}, {@code {} or a comment after blanks and a UTF-8 BOM). */
  private static boolean isBinaryOrAscii(byte[] data) {
    if (data.length >= 6 && data[0] == 'b' && data[1] == 'p' && data[2] == 'l' && data[3] == 'i' && data[4] == 's'
        && data[5] == 't') {
      return true;
    }
    int i = data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF
        ? 3 : 0;
    while (i < data.length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
      i++;
    }
    return i < data.length && (data[i] == '(' || data[i] == '{' || data[i] == '/');
  }
}
