package dtxkit.services.xctest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The JUnit XML report: valid against the Ant/Surefire schema in test resources, and saying what happened. */
class JUnitXmlWriterTest {
  static final Instant START = Instant.parse("2026-12-06T09:00:00.250Z");

  static Schema schema() throws Exception {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    return factory.newSchema(new StreamSource(JUnitXmlWriterTest.class.getResource("/junit/junit-ant.xsd")
        .toExternalForm()));
  }

  static void validate(byte[] xml) throws Exception {
    schema().newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
  }

  static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  /** A run as the recorded one, plus a failure with a location, a skip, and a case the runner never finished. */
  static TestResults run() {
    TestResultsCollector c = new TestResultsCollector();
    c.log("runner starting <before any suite> & \u0007bell");
    c.suiteStarted("All tests", START);
    c.suiteStarted("UITests.xctest", START);
    c.suiteStarted("LoginTests", START);
    c.caseStarted("UITests.LoginTests", "testLogin");
    c.log("tapping \"Log in\"");
    c.caseFinished("UITests.LoginTests", "testLogin", TestStatus.PASSED, Duration.ofMillis(812));
    c.caseStarted("UITests.LoginTests", "testWrongPassword");
    c.caseFailed("UITests.LoginTests", "testWrongPassword",
        new TestFailure("XCTAssertEqual failed: (\"1\") is not equal to (\"2\") <&>", "LoginTests.swift", 42));
    c.caseFailed("UITests.LoginTests", "testWrongPassword", new TestFailure("second\nline", "LoginTests.swift", 43));
    c.caseFinished("UITests.LoginTests", "testWrongPassword", TestStatus.FAILED, Duration.ofMillis(1500));
    c.caseStarted("UITests.LoginTests", "testLater");
    c.caseFailed("UITests.LoginTests", "testLater", new TestFailure("not on this device", null, 0));
    c.caseFinished("UITests.LoginTests", "testLater", TestStatus.SKIPPED, Duration.ZERO);
    c.suiteFinished("LoginTests", Duration.ofMillis(2400));
    c.suiteStarted("SearchTests", START.plusSeconds(3));
    c.caseStarted("UITests.SearchTests", "testSearch");
    c.log("emoji \uD83D\uDE00 and a lone \uD800 surrogate");
    return c.results();
  }

  static byte[] write(TestResults results) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new JUnitXmlWriter("com.example.UITests.xctrunner", "dtxkit mock iPhone").write(results, out);
    return out.toByteArray();
  }

  @Test
  void theReportValidatesAndSaysWhatHappened() throws Exception {
    byte[] xml = write(run());
    validate(xml);
    Document doc = parse(xml);
    Element root = doc.getDocumentElement();
    assertEquals("testsuites", root.getTagName());
    assertEquals("com.example.UITests.xctrunner", root.getAttribute("name"));
    assertEquals("4", root.getAttribute("tests"));
    assertEquals("1", root.getAttribute("failures"));
    assertEquals("1", root.getAttribute("errors"), "the case still running when the run ended");
    assertEquals("1", root.getAttribute("skipped"));

    NodeList suites = root.getElementsByTagName("testsuite");
    assertEquals(2, suites.getLength(), "only the suites that hold cases");
    Element login = (Element) suites.item(0);
    assertEquals("LoginTests", login.getAttribute("name"));
    assertEquals("2.400", login.getAttribute("time"), "the runner's figure");
    assertEquals("2026-12-06T09:00:00", login.getAttribute("timestamp"));
    assertEquals("dtxkit mock iPhone", login.getAttribute("hostname"));
    assertEquals("UITests", login.getAttribute("package"));

    NodeList cases = doc.getElementsByTagName("testcase");
    Element passed = (Element) cases.item(0);
    assertEquals("testLogin", passed.getAttribute("name"));
    assertEquals("UITests.LoginTests", passed.getAttribute("classname"));
    assertEquals("0.812", passed.getAttribute("time"));
    assertEquals(0, passed.getElementsByTagName("failure").getLength());
    assertEquals("tapping \"Log in\"\n", passed.getElementsByTagName("system-out").item(0).getTextContent());

    Element failed = (Element) cases.item(1);
    Element failure = (Element) failed.getElementsByTagName("failure").item(0);
    assertEquals("XCTAssertEqual failed: (\"1\") is not equal to (\"2\") <&>", failure.getAttribute("message"));
    assertEquals("LoginTests.swift:42: XCTAssertEqual failed: (\"1\") is not equal to (\"2\") <&>\n"
        + "LoginTests.swift:43: second\nline\n", failure.getTextContent(), "every failure with its file and line");

    Element skipped = (Element) cases.item(2);
    assertEquals("not on this device",
        ((Element) skipped.getElementsByTagName("skipped").item(0)).getAttribute("message"));

    Element unfinished = (Element) cases.item(3);
    Element error = (Element) unfinished.getElementsByTagName("error").item(0);
    assertTrue(error.getAttribute("message").contains("did not finish"), error.getAttribute("message"));
    String out = unfinished.getElementsByTagName("system-out").item(0).getTextContent();
    assertEquals("emoji \uD83D\uDE00 and a lone U+D800 surrogate\n", out);
  }

  @Test
  void controlCharactersInLogsStillMakeWellFormedXml() throws Exception {
    TestResultsCollector c = new TestResultsCollector();
    StringBuilder every = new StringBuilder();
    for (char ch = 0; ch < 0x20; ch++) {
      every.append(ch);
    }
    every.append("\uFFFE\uFFFF]]>");
    c.caseStarted("A", "testB");
    c.log(every.toString());
    c.caseFailed("A", "testB", new TestFailure(every.toString(), "A.swift", 1));
    c.caseFinished("A", "testB", TestStatus.FAILED, Duration.ofMillis(1));
    c.planFinished();
    byte[] xml = write(c.results());
    validate(xml);
    String message = ((Element) parse(xml).getElementsByTagName("failure").item(0)).getAttribute("message");
    assertTrue(message.startsWith("U+0000U+0001"), message);
    assertTrue(message.contains("\t\n"), "tabs and line breaks survive in attributes: " + message);
    assertTrue(message.endsWith("U+FFFEU+FFFF]]>"), message);
  }

  @Test
  void theSchemaRejectsWhatIsNotAReport() throws Exception {
    byte[] valid = write(run());
    String text = new String(valid, StandardCharsets.UTF_8);
    for (String broken : List.of(
        text.replace(" classname=\"UITests.LoginTests\"", ""),
        text.replace("time=\"0.812\"", "time=\"-1\""),
        text.replace("timestamp=\"2026-12-06T09:00:00\"", "timestamp=\"yesterday\""),
        text.replace("<skipped message=\"not on this device\"/>", "<passed/>"))) {
      assertFalse(broken.equals(text), "the replacement applies");
      assertThrows(SAXException.class, () -> validate(broken.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void writesAFileInOnePiece(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("report.xml");
    Files.writeString(file, "an old report");
    new JUnitXmlWriter("run", "host").write(run(), file);
    validate(Files.readAllBytes(file));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList(), "no temporary file is left");
    }
  }

  @Test
  void anEmptyRunIsAValidReportThatDidNotPass() throws Exception {
    TestResultsCollector c = new TestResultsCollector();
    c.planFinished();
    validate(write(c.results()));
    assertFalse(c.results().allPassed(), "no test ran");
  }
}
