package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListParser;
import dtxkit.runtime.DtxProtocolException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every supported class built in Java survives a round trip; the {@code $classes} written are the intended ones. */
class ClassRoundTripTest {
  private static Object roundTrip(Object value) throws Exception {
    return NSKeyedUnarchiver.unarchive(NSKeyedArchiver.archive(value));
  }

  /** The {@code $classes} chain of the object {@code $top.root} refers to, read from the raw plist. */
  private static List<String> rootChain(byte[] archive) throws Exception {
    NSDictionary plist = (NSDictionary) PropertyListParser.parse(archive);
    NSObject[] objects = ((NSArray) plist.get("$objects")).getArray();
    int root = (int) NSKeyedUnarchiver.uidIndex(((NSDictionary) plist.get("$top")).get("root"));
    return chainOf(objects, (NSDictionary) objects[root]);
  }

  private static List<String> chainOf(NSObject[] objects, NSDictionary instance) {
    NSDictionary cls = (NSDictionary) objects[(int) NSKeyedUnarchiver.uidIndex(instance.get("$class"))];
    List<String> chain = new ArrayList<>();
    for (NSObject o : ((NSArray) cls.get("$classes")).getArray()) {
      chain.add(o.toJavaObject().toString());
    }
    return chain;
  }

  private static void assertRoundTrips(Object value) throws Exception {
    Object back = roundTrip(value);
    assertTrue(ArchiveValues.deepEquals(value, back), () -> value + " != " + back);
  }

  @Test
  void foundationClasses() throws Exception {
    assertRoundTrips(NSURL.of("file:///private/var/containers/Bundle/Application/X/Runner.xctest"));
    assertRoundTrips(new NSURL(NSURL.of("file:///base/"), "relative/path"));
    assertEquals(java.net.URI.create("file:///base/relative/path"),
        new NSURL(NSURL.of("file:///base/"), "relative/path").toUri());
    assertRoundTrips(NSValue.point(1, 2.5));
    assertRoundTrips(NSValue.size(10, 20));
    NSValue rect = NSValue.rect(0, 0, 10, 20);
    assertEquals("{{0, 0}, {10, 20}}", rect.encoded());
    assertRoundTrips(rect);
    assertEquals(List.of(0.0, 0.0, 10.0, 20.0), rect.numbers());
    assertRoundTrips(new NSError("com.apple.dt.xctest", 7, Map.of("NSUnderlyingError",
        new NSError("inner", 1, null), "when", Instant.parse("2024-01-02T03:04:05Z"))));
  }

  @Test
  void tapMessages() throws Exception {
    for (String name : DTTapMessage.CLASS_NAMES) {
      DTTapMessage m = DTTapMessage.of(name, Map.of("k", 1, "Processes", Map.of(1, List.of("launchd", 0.5))));
      DTTapMessage back = (DTTapMessage) roundTrip(m);
      assertEquals(m.classChain(), back.classChain());
      assertEquals(m.plist(), back.plist());
      assertEquals(m.classChain(), rootChain(NSKeyedArchiver.archive(m)));
    }
  }

  @Test
  void dtxAndXcTestClasses() throws Exception {
    assertRoundTrips(new DTCPUClusterInfo(1, 3));
    assertRoundTrips(new XCTCapabilities(Map.of("test timeout capability", 1)));
    assertRoundTrips(XCTTestIdentifier.method("LoginTests", "testLogin"));
    assertRoundTrips(new XCTTestIdentifierSet(
        List.of(XCTTestIdentifier.testClass("A"), XCTTestIdentifier.method("B", "testC"))));
    XCTSourceCodeLocation location = XCTSourceCodeLocation.of(
        Map.of("file-url", NSURL.of("file:///src/LoginTests.swift"), "line-number", 42));
    assertEquals(Set.of("line-number"), location.inlineKeys());
    XCTSourceCodeContext context = XCTSourceCodeContext.of(Map.of("location", location));
    Map<String, Object> issueFields = new LinkedHashMap<>();
    issueFields.put("type", 0);
    issueFields.put("compact-description", "XCTAssertTrue failed");
    issueFields.put("detailed-description", "XCTAssertTrue failed - login");
    issueFields.put("source-code-context", context);
    XCTIssue issue = XCTIssue.of(issueFields);
    XCTIssue issueBack = (XCTIssue) roundTrip(issue);
    assertEquals(issue, issueBack);
    assertEquals(42, issueBack.sourceCodeContext().location().lineNumber());
    assertEquals("XCTAssertTrue failed", issueBack.compactDescription());
    XCTAttachment attachment = XCTAttachment.of(Map.of(
        "name", "screenshot", "uniformTypeIdentifier", "public.png",
        "timestamp", Instant.parse("2024-01-02T03:04:05.5Z"), "data", new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
    XCActivityRecord record = XCActivityRecord.of(Map.of(
        "title", "Tap button", "activityType", "com.apple.dt.xctest.activity-type.userCreated",
        "uuid", UUID.fromString("a8f5c718-d234-49b0-a891-136f94c41213"),
        "start", Instant.parse("2024-01-02T03:04:05Z"), "attachments", List.of(attachment)));
    XCActivityRecord recordBack = (XCActivityRecord) roundTrip(record);
    assertEquals(record, recordBack);
    assertEquals("public.png", ((XCTAttachment) recordBack.attachments().get(0)).uniformTypeIdentifier());
  }

  @Test
  void testConfigurationFromTheBuilder() throws Exception {
    UUID session = UUID.randomUUID();
    XCTestConfiguration config = XCTestConfiguration.builder(NSURL.of("file:///x/UITests.xctest"), session)
        .productModuleName("UITests")
        .targetApplicationBundleId("com.example.app")
        .testsToRun(Set.of("LoginTests/testLogin"))
        .testIdentifiersToRun(new XCTTestIdentifierSet(List.of(XCTTestIdentifier.method("LoginTests", "testLogin"))))
        .build();
    // Xcode's defaults for the fields not set, plus the bundle and session
    assertEquals(37, config.fields().size());
    assertEquals("/Developer/Library/PrivateFrameworks/XCTAutomationSupport.framework",
        config.automationFrameworkPath());
    assertEquals(0, config.get("userAttachmentLifetime"));
    assertEquals(2, config.get("systemAttachmentLifetime"));
    assertEquals(2, config.get("preferredScreenCaptureFormat"));
    assertEquals(true, config.flag("reportResultsToIDE"));
    assertEquals(false, config.flag("testsDrivenByIDE"));
    assertEquals(Map.of("XCSuiteRecordsKey", Map.of()), config.get("aggregateStatisticsBeforeCrash"));
    assertEquals(1, config.ideCapabilities().capabilities().get("XCTIssue capability"));
    assertTrue(!config.targetApplicationPath().isEmpty());
    byte[] archive = NSKeyedArchiver.archive(config);
    XCTestConfiguration back = (XCTestConfiguration) NSKeyedUnarchiver.unarchive(archive);
    assertEquals(config, back);
    assertEquals(session, back.sessionIdentifier());
    assertEquals("com.example.app", back.targetApplicationBundleId());
    assertEquals(true, back.flag("initializeForUITesting"));
    assertEquals(2, back.formatVersion());
    assertEquals(config.inlineKeys(), back.inlineKeys());
    // formatVersion is an object reference (an NSNumber), the switches are inline, as Xcode writes them
    NSDictionary plist = (NSDictionary) PropertyListParser.parse(archive);
    NSDictionary root = (NSDictionary) ((NSArray) plist.get("$objects")).objectAtIndex(1);
    assertTrue(NSKeyedUnarchiver.uidIndex(root.get("formatVersion")) > 0);
    assertTrue(NSKeyedUnarchiver.uidIndex(root.get("initializeForUITesting")) < 0);
    assertTrue(NSKeyedUnarchiver.uidIndex(root.get("systemAttachmentLifetime")) < 0);
    assertEquals(0, NSKeyedUnarchiver.uidIndex(root.get("testsToSkip")));
    assertEquals(List.of("XCTestConfiguration", "NSObject"), rootChain(archive));
    assertThrows(IllegalArgumentException.class,
        () -> XCTestConfiguration.builder(NSURL.of("file:///x"), session).targetApplicationPath(""));
  }

  @Test
  void recordedTestConfigurationArchivesBackFieldForField() throws Exception {
    byte[] recorded = Fixtures.read("xctestconfiguration.bin");
    XCTestConfiguration config = (XCTestConfiguration) NSKeyedUnarchiver.unarchive(recorded);
    NSDictionary original = (NSDictionary) ((NSArray) ((NSDictionary) PropertyListParser.parse(recorded))
        .get("$objects")).objectAtIndex(1);
    NSDictionary again = (NSDictionary) ((NSArray) ((NSDictionary) PropertyListParser.parse(
        NSKeyedArchiver.archive(config))).get("$objects")).objectAtIndex(1);
    assertEquals(original.keySet(), again.keySet());
    for (String key : original.keySet()) {
      boolean wasInline = NSKeyedUnarchiver.uidIndex(original.get(key)) < 0;
      boolean isInline = NSKeyedUnarchiver.uidIndex(again.get(key)) < 0;
      assertEquals(wasInline, isInline, key);
      if (wasInline) {
        assertEquals(original.get(key), again.get(key), key);
      }
    }
  }

  @Test
  void classesChainControl() throws Exception {
    List<String> list = List.of("a", "b");
    assertEquals(List.of("NSArray", "NSObject"), rootChain(NSKeyedArchiver.archive(list)));
    assertEquals(List.of("NSMutableArray", "NSArray", "NSObject"),
        rootChain(NSKeyedArchiver.archive(ArchivedAs.mutableArray(list))));
    assertEquals(List.of("NSMutableDictionary", "NSDictionary", "NSObject"),
        rootChain(NSKeyedArchiver.archive(ArchivedAs.mutableDictionary(Map.of("k", 1)))));
    assertEquals(List.of("NSMutableSet", "NSSet", "NSObject"),
        rootChain(NSKeyedArchiver.archive(ArchivedAs.mutableSet(Set.of(1)))));
    assertEquals(List.of("MYList", "NSArray", "NSObject"),
        rootChain(NSKeyedArchiver.archive(ArchivedAs.of(list, "MYList", "NSArray", "NSObject"))));
    assertEquals(list, NSKeyedUnarchiver.unarchive(NSKeyedArchiver.archive(ArchivedAs.mutableArray(list))));

    NSKeyedArchiver mutable = NSKeyedArchiver.builder().mutableCollections(true).build();
    byte[] archive = mutable.encode(Map.of("list", list, "set", Set.of(1)));
    assertEquals(List.of("NSMutableDictionary", "NSDictionary", "NSObject"), rootChain(archive));
    NSDictionary plist = (NSDictionary) PropertyListParser.parse(archive);
    NSObject[] objects = ((NSArray) plist.get("$objects")).getArray();
    List<List<String>> chains = new ArrayList<>();
    for (NSObject o : objects) {
      if (o instanceof NSDictionary d && d.containsKey("$class")) {
        chains.add(chainOf(objects, d));
      }
    }
    assertTrue(chains.contains(List.of("NSMutableArray", "NSArray", "NSObject")), chains.toString());
    assertTrue(chains.contains(List.of("NSMutableSet", "NSSet", "NSObject")), chains.toString());
    assertTrue(!chains.contains(List.of("NSArray", "NSObject")), chains.toString());
    // XCTTestIdentifierSet always writes its identifiers as NSMutableArray, as testmanagerd expects
    byte[] ids = NSKeyedArchiver.archive(new XCTTestIdentifierSet(List.of(XCTTestIdentifier.testClass("A"))));
    NSObject[] idObjects = ((NSArray) ((NSDictionary) PropertyListParser.parse(ids)).get("$objects")).getArray();
    NSDictionary set = (NSDictionary) idObjects[1];
    NSDictionary array = (NSDictionary) idObjects[(int) NSKeyedUnarchiver.uidIndex(set.get("identifiers"))];
    assertEquals(List.of("NSMutableArray", "NSArray", "NSObject"), chainOf(idObjects, array));
  }

  @Test
  void unregisteredClassDecodesGenericallyAndArchivesBack() throws Exception {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", "widget");
    fields.put("count", 3);
    fields.put("parts", List.of("a", "b"));
    fields.put("nothing", null);
    GenericArchivedObject thing =
        new GenericArchivedObject(List.of("MYThing", "MYBase", "NSObject"), fields, Set.of("count"));
    byte[] archive = NSKeyedArchiver.archive(thing);
    ArchivedObject back = assertInstanceOf(ArchivedObject.class, NSKeyedUnarchiver.unarchive(archive));
    assertEquals("MYThing", back.className());
    assertEquals(List.of("MYThing", "MYBase", "NSObject"), back.classChain());
    assertEquals(List.of("name", "count", "parts", "nothing"), new ArrayList<>(back.fields().keySet()));
    assertEquals(thing, back);
    assertEquals(Set.of("count"), ((GenericArchivedObject) back).inlineKeys());
    assertEquals(archive.length, NSKeyedArchiver.archive(back).length);
  }

  @Test
  void genericObjectThatContainsItselfDecodesToItself() throws Exception {
    byte[] archive = MalformedArchivesTest.archiveOf(
        MalformedArchivesTest.instance(2, "me", NSKeyedArchiver.uid(1)),
        MalformedArchivesTest.classDict("MYNode", "NSObject"));
    GenericArchivedObject node = (GenericArchivedObject) NSKeyedUnarchiver.unarchive(archive);
    assertSame(node, node.fields().get("me"));
  }

  @Test
  void everyDecodedNonPlainValueIsAnArchivedObject() throws Exception {
    Map<String, String> expected = Map.of(
        "DTSysmonTapMessage.bin", "DTSysmonTapMessage",
        "XCActivityRecord.bin", "XCActivityRecord",
        "XCTCapabilities.bin", "XCTCapabilities",
        "xctestconfiguration.bin", "XCTestConfiguration",
        "xctestidentifier.bin", "XCTTestIdentifier");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Object decoded = NSKeyedUnarchiver.unarchive(Fixtures.read(e.getKey()));
      ArchivedObject o = assertInstanceOf(ArchivedObject.class, decoded);
      assertEquals(e.getValue(), o.className());
      assertTrue(!o.fields().isEmpty());
    }
    NSError e = new NSError("d", 1, null);
    assertEquals(List.of("NSError", "NSObject"), e.classChain());
    assertEquals(List.of("NSDomain", "NSCode", "NSUserInfo"), new ArrayList<>(e.fields().keySet()));
  }

  /** An application class, as a user would add one. */
  record Badge(String name, long level) {}

  static final class BadgeCodec implements ArchiveClassCodec<Badge> {
    @Override
    public Class<Badge> javaType() {
      return Badge.class;
    }

    @Override
    public List<String> classNames() {
      return List.of("MYBadge");
    }

    @Override
    public List<String> classChain(Badge value) {
      return List.of("MYBadge", "NSObject");
    }

    @Override
    public void encode(Badge value, ArchiveWriter out) {
      out.encodeObject("name", value.name());
      out.encodeInline("level", value.level());
    }

    @Override
    public Object decode(ArchiveReader in) throws DtxProtocolException {
      return new Badge(in.decode("name", String.class), in.require("level", Number.class).longValue());
    }
  }

  @Test
  void applicationsRegisterTheirOwnClasses() throws Exception {
    ArchiveClassRegistry registry = ArchiveClassRegistry.builtIns().register(new BadgeCodec());
    NSKeyedArchiver archiver = NSKeyedArchiver.builder().registry(registry).build();
    NSKeyedUnarchiver unarchiver = NSKeyedUnarchiver.builder().registry(registry).build();
    byte[] archive = archiver.encode(List.of(new Badge("gold", 3)));
    assertEquals(List.of(new Badge("gold", 3)), unarchiver.decode(archive));
    // the default registry does not know the class: generic object, nothing lost
    GenericArchivedObject generic = (GenericArchivedObject) ((List<?>) NSKeyedUnarchiver.unarchive(archive)).get(0);
    assertEquals(Map.of("name", "gold", "level", 3), generic.fields());
    // and cannot archive it
    assertThrows(IllegalArgumentException.class, () -> NSKeyedArchiver.archive(new Badge("x", 1)));
    // registries are independent: built-ins are fresh, copies do not see later registrations
    assertTrue(ArchiveClassRegistry.builtIns().decoderFor("MYBadge").isEmpty());
    ArchiveClassRegistry copy = ArchiveClassRegistry.builtIns().copy();
    copy.register(new BadgeCodec());
    assertTrue(copy.decoderFor("MYBadge").isPresent());
    assertTrue(ArchiveClassRegistry.empty().decoderFor("NSArray").isEmpty());
  }

  @Test
  void emptyRegistryDecodesEverythingGenerically() throws Exception {
    NSKeyedUnarchiver bare = NSKeyedUnarchiver.builder().registry(ArchiveClassRegistry.empty()).build();
    GenericArchivedObject list = (GenericArchivedObject) bare.decode(NSKeyedArchiver.archive(List.of(1, 2)));
    assertEquals("NSArray", list.className());
    assertEquals(List.of(1, 2), list.fields().get("NS.objects"));
  }

  @Test
  void sharedObjectsAreArchivedOnce() throws Exception {
    NSURL url = NSURL.of("file:///a");
    byte[] once = NSKeyedArchiver.archive(List.of(url));
    byte[] twice = NSKeyedArchiver.archive(List.of(url, url));
    int onceCount = ((NSArray) ((NSDictionary) PropertyListParser.parse(once)).get("$objects")).count();
    int twiceCount = ((NSArray) ((NSDictionary) PropertyListParser.parse(twice)).get("$objects")).count();
    assertEquals(onceCount, twiceCount);
    List<?> back = (List<?>) NSKeyedUnarchiver.unarchive(twice);
    assertSame(back.get(0), back.get(1));
    assertNotEquals(null, back.get(0));
    assertNull(NSKeyedUnarchiver.unarchive(NSKeyedArchiver.archive(null)));
  }
}
