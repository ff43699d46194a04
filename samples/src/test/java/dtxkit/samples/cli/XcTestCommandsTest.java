package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.mock.MockTestPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code dtxkit xctest run} and {@code dtxkit wda} against the mock device, through the command line. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class XcTestCommandsTest {
  @TempDir Path dir;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", dir.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  @Test
  void aPassingPlanExitsZeroAndPrintsEachResultAndAValidJunitReport() throws Exception {
    Path report = dir.resolve("report.xml");
    CliRunner.Result r = CliNeverMisleadsTest.run(0, "xctest", "run", MockDevice.UI_TESTS_RUNNER, "--target",
        MockDevice.EXAMPLE_APP, "--junit", report.toString(), "--mock");
    assertTrue(r.out().contains("  passed  UITests.LoginTests/testLogin (0.812 s)"), r.out());
    assertTrue(r.out().contains("    | tapping \"Log in\""), r.out());
    assertTrue(r.out().contains("    attachment login.png (public.png, "), r.out());
    assertTrue(r.out().contains("3 tests: 3 passed, 0 failed, 0 skipped"), r.out());
    Document xml = parse(report);
    assertEquals("3", xml.getDocumentElement().getAttribute("tests"));
    assertEquals("0", xml.getDocumentElement().getAttribute("failures"));
  }

  @Test
  void aFailingPlanExitsOneWithTheFailuresFileAndLine() throws Exception {
    try (MockDevice device = MockDevice.builder().testPlan(MockDevice.UI_TESTS_RUNNER, MockTestPlan.failing())
        .start()) {
      Path report = dir.resolve("failing.xml");
      CliRunner.Result r = CliNeverMisleadsTest.run(1, "xctest", "run", MockDevice.UI_TESTS_RUNNER, "--junit",
          report.toString(), "--rsd", device.rsdHost(), Integer.toString(device.rsdPort()));
      assertTrue(r.out().contains("  LoginTests.swift:42: error: UITests.LoginTests/testWrongPassword: XCTAssertEqual"
          + " failed"), r.out());
      assertTrue(r.out().contains("4 tests: 3 passed, 1 failed, 0 skipped"), r.out());
      assertTrue(r.out().contains("FAILED UITests.LoginTests/testWrongPassword at LoginTests.swift:42: "), r.out());
      Element failure = (Element) parse(report).getElementsByTagName("failure").item(0);
      assertTrue(failure.getTextContent().startsWith("LoginTests.swift:42: XCTAssertEqual failed"),
          failure.getTextContent());
      assertTrue(device.processes().stream().noneMatch(p -> MockDevice.UI_TESTS_RUNNER.equals(p.bundleIdentifier())),
          "the run killed its runner");
    }
  }

  @Test
  void selectedTestsAsJsonLines() {
    CliRunner.Result r = CliNeverMisleadsTest.run(0, "xctest", "run", MockDevice.UI_TESTS_RUNNER, "--test",
        "SearchTests", "--skip", "LoginTests/testLogin", "--test", "LoginTests/testLogin", "--json", "--mock");
    List<JsonNode> lines = MockCommandsTest.jsonLines(r);
    List<String> finished = lines.stream().filter(l -> "caseFinished".equals(l.path("event").asText()))
        .map(l -> l.get("class").asText() + "/" + l.get("method").asText() + " " + l.get("status").asText()).toList();
    assertEquals(List.of("UITests.SearchTests/testSearch passed"), finished);
    JsonNode summary = lines.get(lines.size() - 1);
    assertEquals("summary", summary.get("event").asText());
    assertTrue(summary.get("allPassed").asBoolean(), summary.toString());
  }

  @Test
  void aRunnerThatIsNotInstalledSaysSo() {
    CliRunner.Result r = CliNeverMisleadsTest.run(1, "xctest", "run", "com.example.Nothing.xctrunner", "--mock");
    assertTrue(r.err().contains("com.example.Nothing.xctrunner is not installed"), r.err());
    assertTrue(r.err().contains("dtxkit apps --lockdown --type user"), r.err());
  }

  @Test
  void badTestNamesAreUsageErrors() {
    CliRunner.Result r = CliNeverMisleadsTest.run(2, "xctest", "run", MockDevice.UI_TESTS_RUNNER, "--test", "A/b/c",
        "--mock");
    assertTrue(r.err().contains("a test is named Class or Class/method, not 'A/b/c'"), r.err());
    assertTrue(CliNeverMisleadsTest.run(2, "xctest").err().contains("say 'xctest run RUNNER_BUNDLE_ID'"));
  }

  @Test
  void wdaPrintsItsUrlOnceItServesAndStopsTheRunnerWhenDone() throws Exception {
    try (MockDevice device = MockDevice.start()) {
      CliRunner.Result r = CliNeverMisleadsTest.run(0, "wda", "--duration", "0.5", "--rsd", device.rsdHost(),
          Integer.toString(device.rsdPort()));
      assertEquals(MockTestPlan.WDA_URL, r.out().strip());
      assertTrue(r.err().contains("WebDriverAgent (pid "), r.err());
      assertFalse(device.processes().stream().anyMatch(p -> MockDevice.WDA_RUNNER.equals(p.bundleIdentifier())),
          "closing the run killed WebDriverAgent");
    }
  }

  @Test
  void mockDeviceRejectsAnUnknownPlan() {
    CliRunner.Result r = CliNeverMisleadsTest.run(2, "mock-device", "--xctest-plan", "flaky");
    assertTrue(r.err().contains("--xctest-plan is passing or failing, not 'flaky'"), r.err());
  }

  static Document parse(Path report) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    assertTrue(Files.size(report) > 0);
    return factory.newDocumentBuilder().parse(report.toFile());
  }
}
