package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every valid go-ios NSKeyedArchiver fixture: decoded values asserted, re-encoded archives decode to an equal object
 * graph, Apple-made binary archives decode like their XML twins.
 */
class FixtureArchivesTest {
  private static Object decode(String name) throws Exception {
    return NSKeyedUnarchiver.unarchive(Fixtures.read(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DTSysmonTapMessage.bin", "DTTapHeartbeatMessage.bin", "XCActivityRecord.bin", "XCTCapabilities.bin",
      "arrays.bin", "arrays.xml", "ax_focus_on_element.bin", "ax_statechange.bin", "dict.bin", "dict.xml",
      "dtcpuclusterinfo.bin", "dttapmessage.bin", "dttapstatusmessage.bin", "int64-value-in-nskeyedarchive.bin",
      "nestedarrays.bin", "nestedarrays.xml", "nsuuid.bin", "nsvalue.bin", "onevalue.bin", "onevalue.xml",
      "primitives.bin", "primitives.xml", "uint64-key-dictionary.bin", "xctestconfiguration.bin",
      "xctestidentifier.bin"})
  void reEncodedArchiveDecodesToAnEqualGraph(String name) throws Exception {
    Map<String, Object> top = NSKeyedUnarchiver.unarchiveTop(Fixtures.read(name));
    byte[] again = NSKeyedArchiver.builder().build().encodeTop(top);
    Map<String, Object> back = NSKeyedUnarchiver.unarchiveTop(again);
    assertTrue(ArchiveValues.deepEquals(top, back), () -> name + ": " + top + " != " + back);
    assertEquals(new ArrayList<>(top.keySet()), new ArrayList<>(back.keySet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"arrays", "dict", "nestedarrays", "onevalue", "primitives"})
  void appleBinaryDecodesLikeItsXmlTwin(String name) throws Exception {
    Map<String, Object> bin = NSKeyedUnarchiver.unarchiveTop(Fixtures.read(name + ".bin"));
    Map<String, Object> xml = NSKeyedUnarchiver.unarchiveTop(Fixtures.read(name + ".xml"));
    assertTrue(ArchiveValues.deepEquals(bin, xml), () -> bin + " != " + xml);
    assertEquals(new ArrayList<>(bin.keySet()), new ArrayList<>(xml.keySet()));
  }

  @Test
  void primitives() throws Exception {
    Map<?, ?> top = (Map<?, ?>) decode("primitives.bin");
    assertEquals(12, top.size());
    assertEquals(List.of("$0", "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11"),
        new ArrayList<>(top.keySet()));
    assertEquals(1, top.get("$0"));
    assertEquals(1.0, top.get("$2"));
    assertEquals(1.5, top.get("$3"));
    assertArrayEquals("asdfasdfadsfadsf".getBytes(), (byte[]) top.get("$4"));
    assertEquals(true, top.get("$5"));
    assertEquals("Hello, World!", top.get("$6"));
    assertEquals(false, top.get("$10"));
    assertEquals(42, top.get("$11"));
  }

  @Test
  void onevalue() throws Exception {
    assertEquals(true, decode("onevalue.bin"));
    assertEquals(true, decode("onevalue.xml"));
  }

  @Test
  void arrays() throws Exception {
    Map<?, ?> top = (Map<?, ?>) decode("arrays.bin");
    List<?> first = (List<?>) top.get("$0");
    assertEquals(12, first.size());
    assertEquals(1, first.get(0));
    assertArrayEquals("asdfasdfadsfadsf".getBytes(), (byte[]) first.get(4));
    assertEquals(true, first.get(5));
    assertEquals(42, first.get(11));
    assertEquals(List.of(true, "Hello, World!", 42), top.get("$1"));
    assertEquals(Set.of(true), top.get("$2"));
    assertEquals(Set.of(42, true, "Hello, World!"), top.get("$3"));
  }

  @Test
  void dict() throws Exception {
    Map<?, ?> d = (Map<?, ?>) decode("dict.bin");
    assertEquals(List.of("int", "string", "array"), new ArrayList<>(d.keySet()));
    assertEquals(1, d.get("int"));
    assertEquals("string", d.get("string"));
    assertEquals(List.of(true, "Hello, World!", 42), d.get("array"));
  }

  @Test
  void nestedarrays() throws Exception {
    assertEquals(List.of(Set.of(true), Set.of(42, true, "Hello, World!")), decode("nestedarrays.bin"));
  }

  @Test
  void sysmonTapMessage() throws Exception {
    DTTapMessage m = assertInstanceOf(DTTapMessage.class, decode("DTSysmonTapMessage.bin"));
    assertEquals("DTSysmonTapMessage", m.className());
    assertEquals(List.of("DTSysmonTapMessage", "DTTapMessage", "NSObject"), m.classChain());
    assertEquals(Map.of("k", 0, "tv", 65536), m.plist());
    assertEquals(m.plist(), m.fields().get("DTTapMessagePlist"));
  }

  @Test
  void heartbeatTapAndStatusMessages() throws Exception {
    DTTapMessage heartbeat = (DTTapMessage) decode("DTTapHeartbeatMessage.bin");
    assertEquals("DTTapHeartbeatMessage", heartbeat.className());
    assertEquals(Map.of("k", 8, "heart", 0), heartbeat.plist());
    DTTapMessage tap = (DTTapMessage) decode("dttapmessage.bin");
    assertEquals(List.of("DTTapMessage", "NSObject"), tap.classChain());
    assertEquals(Map.of("k", 5), tap.plist());
    DTTapMessage status = (DTTapMessage) decode("dttapstatusmessage.bin");
    assertEquals("DTTapStatusMessage", status.className());
    Map<Object, Object> plist = status.plistMap();
    assertEquals(2415919109L, plist.get("status"));
    assertEquals(28483226158811L, plist.get("ts"));
    assertEquals("Time Mapping", plist.get("notice"));
    Map<?, ?> info = (Map<?, ?>) plist.get("info");
    assertEquals(1650826866.105329, info.get("DTActivityTraceTapDeviceTimeIntervalSince1970Key"));
    assertEquals(125, info.get("DTActivityTraceTapDeviceMachTimebaseNumeratorKey"));
  }

  @Test
  void nsuuid() throws Exception {
    assertEquals(UUID.fromString("54cd5574-e957-4499-8a09-dab688c0b586"), decode("nsuuid.bin"));
  }

  @Test
  void nsnullRoot() throws Exception {
    assertNull(decode("ax_focus_on_element.bin"));
  }

  @Test
  void stateChangeWithDate() throws Exception {
    Map<?, ?> d = (Map<?, ?>) decode("ax_statechange.bin");
    assertEquals(11, d.size());
    assertEquals("com.apple.Spotlight", d.get("displayID"));
    assertEquals(2374870072663L, d.get("mach_absolute_time"));
    assertEquals(1231, d.get("pid"));
    // NS.time 620737053.76402 seconds after 2001-01-01T00:00:00Z
    Instant t = (Instant) d.get("timestamp");
    assertEquals(978307200L + 620737053L, t.getEpochSecond());
    assertEquals(764020, Math.round(t.getNano() / 1000.0));
    assertSame(d.get("state_description"), d.get("elevated_state_description"));
  }

  @Test
  void int64Values() throws Exception {
    Map<?, ?> d = (Map<?, ?>) decode("int64-value-in-nskeyedarchive.bin");
    assertEquals(-1, d.get("pidToInjectCombineDYLIB"));
    assertEquals(21761, d.get("targetPID"));
    assertEquals(true, d.get("trackExpiredPIDs"));
    assertEquals(500, d.get("ur"));
  }

  @Test
  void uint64KeyDictionary() throws Exception {
    Map<?, ?> d = (Map<?, ?>) decode("uint64-key-dictionary.bin");
    assertEquals(List.of(40400), new ArrayList<>(d.keySet()));
    Map<?, ?> process = (Map<?, ?>) d.get(40400);
    assertEquals(40400, process.get("pid"));
    assertEquals(204800, process.get("disk.rd.bytes.delta"));
    assertEquals(0.010608242, process.get("process.age"));
    List<?> files = (List<?>) process.get("disk.openfiles[]");
    assertEquals(3, files.size());
    assertEquals("/dev/null", ((Map<?, ?>) files.get(0)).get("path"));
    assertEquals("/dev/ttys001", ((Map<?, ?>) files.get(2)).get("path"));
    assertEquals(50331650, ((Map<?, ?>) files.get(0)).get("device"));
  }

  @Test
  void cpuClusterInfo() throws Exception {
    Map<?, ?> d = (Map<?, ?>) decode("dtcpuclusterinfo.bin");
    assertEquals(new DTCPUClusterInfo(0, 0), d.get(0));
    assertEquals(new DTCPUClusterInfo(0, 0), d.get(1));
  }

  @Test
  void capabilities() throws Exception {
    XCTCapabilities caps = (XCTCapabilities) decode("XCTCapabilities.bin");
    assertEquals(7, caps.capabilities().size());
    assertEquals(2, caps.capabilities().get("initiate test runner session capability"));
    assertEquals(2, caps.capabilities().get("request spindump capability"));
    assertEquals(4, caps.capabilities().get("initiate daemon control session capability"));
    assertEquals("initiate test runner session capability", caps.capabilities().keySet().iterator().next());
  }

  @Test
  void activityRecord() throws Exception {
    XCActivityRecord r = (XCActivityRecord) decode("XCActivityRecord.bin");
    assertEquals("Suite Set Up", r.title());
    assertEquals("com.apple.dt.xctest.activity-type.internal", r.activityType());
    assertEquals(UUID.fromString("a8f5c718-d234-49b0-a891-136f94c41213"), r.uuid());
    assertEquals(978307200L + 625945468L, r.start().getEpochSecond());
    assertNull(r.finish());
    assertEquals(List.of(), r.attachments());
  }

  @Test
  void testIdentifier() throws Exception {
    assertEquals(new XCTTestIdentifier(List.of("none", "none"), 2), decode("xctestidentifier.bin"));
  }

  @Test
  void nsValueRect() throws Exception {
    Map<?, ?> d = (Map<?, ?>) decode("nsvalue.bin");
    assertEquals("AXAuditIssue_v1", ((Map<?, ?>) ((List<?>) d.get("Value")).get(0)).get("ObjectType"));
    Map<?, ?> issue = (Map<?, ?>) ((Map<?, ?>) ((List<?>) d.get("Value")).get(0)).get("Value");
    Map<?, ?> fields = (Map<?, ?>) issue.get("Value");
    NSValue rect = (NSValue) ((Map<?, ?>) fields.get("ElementRectValue_v1")).get("Value");
    assertEquals(NSValue.Kind.RECT, rect.kind());
    assertEquals("{{146.33333333333337, 728.33333333333337}, {135.66666666666663, 69.666666666666629}}",
        rect.encoded());
    assertEquals(4, rect.numbers().size());
    assertEquals(135.66666666666663, rect.numbers().get(2));
    Map<?, ?> element = (Map<?, ?>) ((Map<?, ?>) fields.get("AuditElementValue_v1")).get("Value");
    Map<?, ?> platform = (Map<?, ?>) ((Map<?, ?>) element.get("Value")).get("PlatformElementValue_v1");
    assertEquals(HexFormat.of().parseHex("134100001 0d41b05010000 00cf000000 00000000".replace(" ", "")).length,
        ((byte[]) platform.get("Value")).length);
    assertArrayEquals(HexFormat.of().parseHex("13410000 10d41b05 01000000 cf000000 00000000".replace(" ", "")),
        (byte[]) platform.get("Value"));
  }

  @Test
  void testConfiguration() throws Exception {
    XCTestConfiguration c = (XCTestConfiguration) decode("xctestconfiguration.bin");
    assertEquals(NSURL.of("file:///private/var/containers/Bundle/Application/D88B04C9-BC72-47D5-9CD0-0E2CBD299DCE/"
        + "WebDriverAgentRunner-Runner.app/PlugIns/WebDriverAgentRunner.xctest"), c.testBundleUrl());
    assertEquals(UUID.fromString("be7edfce-da6a-402d-95d3-2d919955a29a"), c.sessionIdentifier());
    assertEquals("WebDriverAgentRunner", c.productModuleName());
    assertEquals("/Developer/Library/PrivateFrameworks/XCTAutomationSupport.framework", c.automationFrameworkPath());
    assertEquals(2, c.formatVersion());
    assertEquals(600, c.get("defaultTestExecutionTimeAllowance"));
    assertEquals(1, c.get("userAttachmentLifetime"));
    assertEquals(2, c.get("systemAttachmentLifetime"));
    assertEquals(0, c.get("testExecutionOrdering"));
    assertEquals(true, c.flag("initializeForUITesting"));
    assertEquals(true, c.flag("testsMustRunOnMainThread"));
    assertEquals(false, c.flag("testsDrivenByIDE"));
    assertEquals(List.of(), c.get("targetApplicationArguments"));
    assertEquals(Map.of(), c.get("targetApplicationEnvironment"));
    assertNull(c.targetApplicationBundleId());
    assertTrue(c.fields().containsKey("testsToRun"));
    assertNull(c.get("testsToRun"));
    assertEquals(Map.of("com.facebook.WebDriverAgentRunner.xctrunner",
            "/Users/danielpaulus/Library/Developer/Xcode/DerivedData/WebDriverAgent-ceevxwhaybzdvmgdhfbwaevsrmwh/"
                + "Build/Products/Debug-iphoneos/WebDriverAgentRunner-Runner.app"),
        c.get("testApplicationDependencies"));
    assertEquals(Map.of("XCSuiteRecordsKey", Map.of()), c.get("aggregateStatisticsBeforeCrash"));
    assertEquals(new XCTCapabilities(Map.of(
            "test timeout capability", 1, "skipped test capability", 1, "XCTIssue capability", 1)),
        c.ideCapabilities());
    assertEquals(36, c.fields().size());
    assertTrue(c.inlineKeys().contains("testsMustRunOnMainThread"));
    assertTrue(c.inlineKeys().contains("userAttachmentLifetime"));
    assertTrue(!c.inlineKeys().contains("formatVersion"));
  }
}
