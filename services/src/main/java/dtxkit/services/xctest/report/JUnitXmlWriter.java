package dtxkit.services.xctest.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes {@link TestResults} as a JUnit XML report in the Ant/Surefire format that CI servers (Jenkins, GitLab,
 * GitHub Actions reporters) read:
 *
 * <pre>{@code
 * <testsuites name="UITests" tests="3" failures="1" errors="0" skipped="0" time="1.250">
 *   <testsuite name="LoginTests" tests="3" failures="1" errors="0" skipped="0" time="1.250"
 *       timestamp="2026-12-06T09:00:00" hostname="iPhone">
 *     <testcase name="testLogin" classname="UITests.LoginTests" time="0.500">
 *       <failure message="XCTAssertTrue failed" type="XCTestFailure">LoginTests.swift:42: XCTAssertTrue failed</failure>
 *       <system-out>...</system-out>
 *     </testcase>
 *   </testsuite>
 * </testsuites>
 * }</pre>
 *
 * <p>A failed case gets one {@code <failure>} whose message is the first failure's and whose text lists every
 * failure as {@code file:line: message}; a skipped case {@code <skipped/>}; a case that did not finish
 * {@code <error>}; an expected failure passes. Times are seconds with millisecond precision, timestamps UTC without
 * a zone (as Ant writes them). Characters XML 1.0 cannot carry (most control characters, lone surrogates) are
 * written as {@code U+XXXX}, so any log line makes a well-formed report.
 */
public final class JUnitXmlWriter {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String name;
  private final String hostname;

  /**
   * A writer naming the report and the machine the tests ran on.
   *
   * @param name the {@code testsuites} name, e.g. the runner's bundle identifier
   * @param hostname the {@code hostname} of each suite, e.g. the device's name
   */
  public JUnitXmlWriter(String name, String hostname) {
    this.name = Objects.requireNonNull(name, "name");
    this.hostname = Objects.requireNonNull(hostname, "hostname");
  }

  /**
   * Writes the report to a file, replacing it: written next to it first, then moved into place, so a reader never
   * sees half a report.
   *
   * @param results the results
   * @param file where
   * @throws IOException the file cannot be written
   */
  public void write(TestResults results, Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path temporary = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        write(results, out);
      }
      Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Writes the report as UTF-8.
   *
   * @param results the results
   * @param out where; flushed, not closed
   * @throws IOException the stream failed
   */
  public void write(TestResults results, OutputStream out) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    write(results, w);
    w.flush();
  }

  /**
   * Writes the report.
   *
   * @param results the results
   * @param w where; not closed
   * @throws IOException the writer failed
   */
  public void write(TestResults results, Writer w) throws IOException {
    w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.write("<testsuites");
    attribute(w, "name", name);
    counts(w, results.cases().size(), results.count(TestStatus.FAILED), results.count(TestStatus.ERROR),
        results.count(TestStatus.SKIPPED), results.duration());
    w.write(">\n");
    int id = 0;
    for (TestSuiteResult suite : results.suites()) {
      w.write("  <testsuite");
      attribute(w, "name", suite.name());
      counts(w, suite.cases().size(), suite.count(TestStatus.FAILED), suite.count(TestStatus.ERROR),
          suite.count(TestStatus.SKIPPED), suite.duration());
      attribute(w, "timestamp", TIMESTAMP.format(suite.startedAt() == null ? Instant.EPOCH
          : suite.startedAt().truncatedTo(ChronoUnit.SECONDS)));
      attribute(w, "hostname", hostname);
      attribute(w, "id", Integer.toString(id++));
      attribute(w, "package", packageOf(suite));
      w.write(">\n    <properties/>\n");
      for (TestCaseResult c : suite.cases()) {
        testCase(w, c);
      }
      text(w, "    ", "system-out", suite.output());
      w.write("    <system-err/>\n");
      w.write("  </testsuite>\n");
    }
    w.write("</testsuites>\n");
  }

  private static String packageOf(TestSuiteResult suite) {
    if (suite.cases().isEmpty()) {
      return "";
    }
    String className = suite.cases().get(0).className();
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  private static void testCase(Writer w, TestCaseResult c) throws IOException {
    w.write("    <testcase");
    attribute(w, "name", c.methodName());
    attribute(w, "classname", c.className());
    attribute(w, "time", seconds(c.duration()));
    w.write(">\n");
    switch (c.status()) {
      case FAILED -> problem(w, "failure", c, "XCTestFailure");
      case ERROR -> problem(w, "error", c, "XCTestError");
      case SKIPPED -> {
        w.write("      <skipped");
        if (!c.failures().isEmpty()) {
          attribute(w, "message", c.failures().get(0).message());
        }
        w.write("/>\n");
      }
      case PASSED, EXPECTED_FAILURE -> { }
    }
    text(w, "      ", "system-out", c.output());
    w.write("    </testcase>\n");
  }

  private static void problem(Writer w, String element, TestCaseResult c, String type) throws IOException {
    String message = c.failures().isEmpty() ? "the test " + (c.status() == TestStatus.FAILED ? "failed" : "errored")
        + " without a message" : c.failures().get(0).message();
    StringBuilder detail = new StringBuilder();
    for (TestFailure f : c.failures()) {
      detail.append(f).append('\n');
    }
    w.write("      <" + element);
    attribute(w, "message", message);
    attribute(w, "type", type);
    w.write(">");
    escape(w, detail.toString(), false);
    w.write("</" + element + ">\n");
  }

  private static void counts(Writer w, int tests, int failures, int errors, int skipped, Duration time)
      throws IOException {
    attribute(w, "tests", Integer.toString(tests));
    attribute(w, "failures", Integer.toString(failures));
    attribute(w, "errors", Integer.toString(errors));
    attribute(w, "skipped", Integer.toString(skipped));
    attribute(w, "time", seconds(time));
  }

  /** Seconds with three decimals, never negative. */
  static String seconds(Duration d) {
    long millis = Math.max(0, d.toMillis());
    return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
  }

  private static void text(Writer w, String indent, String element, String content) throws IOException {
    if (content.isEmpty()) {
      w.write(indent + "<" + element + "/>\n");
      return;
    }
    w.write(indent + "<" + element + ">");
    escape(w, content, false);
    w.write("</" + element + ">\n");
  }

  private static void attribute(Writer w, String key, String value) throws IOException {
    w.write(' ');
    w.write(key);
    w.write("=\"");
    escape(w, value, true);
    w.write('"');
  }

  /**
   * Escapes markup; in attributes also line breaks and tabs (which a parser would otherwise turn into spaces).
   * Characters XML 1.0 does not allow become {@code U+XXXX}.
   */
  static void escape(Writer w, String s, boolean attribute) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> w.write("&amp;");
        case '<' -> w.write("&lt;");
        case '>' -> w.write("&gt;");
        case '"' -> w.write(attribute ? "&quot;" : "\"");
        case '\n' -> w.write(attribute ? "&#10;" : "\n");
        case '\r' -> w.write("&#13;");
        case '\t' -> w.write(attribute ? "&#9;" : "\t");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            w.write(c);
            w.write(s.charAt(++i));
          } else if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
            w.write(String.format(Locale.ROOT, "U+%04X", (int) c));
          } else {
            w.write(c);
          }
        }
      }
    }
  }
}
