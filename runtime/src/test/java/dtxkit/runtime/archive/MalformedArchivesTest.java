package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** One test per malformed archive: the go-ios negative fixtures and hand-built bad archives. */
class MalformedArchivesTest {
  private static ArchiveFormatException formatError(byte[] archive) {
    return assertThrows(ArchiveFormatException.class, () -> NSKeyedUnarchiver.unarchive(archive));
  }

  private static ArchiveFormatException fixtureError(String name) {
    ArchiveFormatException e = formatError(Fixtures.read(name));
    assertFalse(e.isConnectionFatal(), "an undecodable payload is not fatal to the connection");
    assertEquals(DtxProtocolException.UNKNOWN_OFFSET, e.offset());
    return e;
  }

  /** A binary keyed archive with {@code $top.root} = UID(1) and the given objects after {@code $null}. */
  static byte[] archiveOf(NSObject... objects) throws Exception {
    NSDictionary root = header();
    NSDictionary top = new NSDictionary();
    top.put("root", NSKeyedArchiver.uid(1));
    root.put("$top", top);
    List<NSObject> all = new ArrayList<>();
    all.add(new NSString("$null"));
    Collections.addAll(all, objects);
    root.put("$objects", new NSArray(all.toArray(new NSObject[0])));
    return BinaryPropertyListWriter.writeToArray(root);
  }

  private static NSDictionary header() {
    NSDictionary root = new NSDictionary();
    root.put("$archiver", new NSString("NSKeyedArchiver"));
    root.put("$version", new NSNumber(100000));
    return root;
  }

  static NSDictionary classDict(String... chain) {
    NSDictionary d = new NSDictionary();
    d.put("$classname", new NSString(chain[0]));
    NSObject[] names = new NSObject[chain.length];
    for (int i = 0; i < chain.length; i++) {
      names[i] = new NSString(chain[i]);
    }
    d.put("$classes", new NSArray(names));
    return d;
  }

  static NSDictionary instance(int classIndex, Object... keysAndValues) {
    NSDictionary d = new NSDictionary();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      d.put((String) keysAndValues[i], (NSObject) keysAndValues[i + 1]);
    }
    d.put("$class", NSKeyedArchiver.uid(classIndex));
    return d;
  }

  static NSArray uids(int... indexes) {
    NSObject[] refs = new NSObject[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      refs[i] = NSKeyedArchiver.uid(indexes[i]);
    }
    return new NSArray(refs);
  }

  @Test
  void brokenPlist() {
    ArchiveFormatException e = fixtureError("broken_plist.xml");
    assertEquals("plist", e.field());
    assertTrue(e.getMessage().startsWith("plist: not a property list"), e.getMessage());
  }

  @Test
  void missingArchiver() {
    ArchiveFormatException e = fixtureError("missing_archiver.xml");
    assertEquals("$archiver", e.field());
    assertEquals("$archiver: missing (expected \"NSKeyedArchiver\")", e.getMessage());
  }

  @Test
  void missingObjects() {
    ArchiveFormatException e = fixtureError("missing_objects.xml");
    assertEquals("$objects", e.field());
    assertEquals("$objects: missing (expected an array)", e.getMessage());
  }

  @Test
  void missingTop() {
    ArchiveFormatException e = fixtureError("missing_top.xml");
    assertEquals("$top", e.field());
    assertEquals("$top: missing (expected a dictionary of UIDs)", e.getMessage());
  }

  @Test
  void missingVersion() {
    ArchiveFormatException e = fixtureError("missing_version.xml");
    assertEquals("$version", e.field());
    assertEquals("$version: missing (expected 100000)", e.getMessage());
  }

  @Test
  void wrongArchiver() {
    ArchiveFormatException e = fixtureError("wrong_archiver.xml");
    assertEquals("$archiver", e.field());
    assertEquals("$archiver: bad value \"DummyArchiver\" (expected \"NSKeyedArchiver\")", e.getMessage());
  }

  @Test
  void wrongVersion() {
    ArchiveFormatException e = fixtureError("wrong_version.xml");
    assertEquals("$version", e.field());
    assertEquals("$version: bad value 18 (expected 100000)", e.getMessage());
  }

  @Test
  void notADictionaryAtTheRoot() throws Exception {
    ArchiveFormatException e = formatError(BinaryPropertyListWriter.writeToArray(new NSArray(new NSString("x"))));
    assertEquals("plist", e.field());
    assertTrue(e.getMessage().contains("expected a dictionary"), e.getMessage());
  }

  @Test
  void firstObjectIsNotNull() throws Exception {
    NSDictionary root = header();
    NSDictionary top = new NSDictionary();
    top.put("root", NSKeyedArchiver.uid(1));
    root.put("$top", top);
    root.put("$objects", new NSArray(new NSString("oops"), new NSString("x")));
    ArchiveFormatException e = formatError(BinaryPropertyListWriter.writeToArray(root));
    assertEquals("$objects[0]", e.field());
    assertTrue(e.getMessage().contains("\"oops\""), e.getMessage());
  }

  @Test
  void uidOutOfRange() throws Exception {
    byte[] archive = archiveOf(instance(2, "NS.objects", uids(99)), classDict("NSArray", "NSObject"));
    ArchiveFormatException e = formatError(archive);
    assertEquals("$objects[1].NS.objects[0]", e.field());
    assertTrue(e.getMessage().contains("UID 99") && e.getMessage().contains("below 3"), e.getMessage());
  }

  @Test
  void rootUidOutOfRange() throws Exception {
    NSDictionary root = header();
    NSDictionary top = new NSDictionary();
    top.put("root", NSKeyedArchiver.uid(7));
    root.put("$top", top);
    root.put("$objects", new NSArray(new NSString("$null")));
    ArchiveFormatException e = formatError(BinaryPropertyListWriter.writeToArray(root));
    assertEquals("$top.root", e.field());
  }

  @Test
  void setContainingItselfWouldRecurseForever() throws Exception {
    byte[] archive = archiveOf(instance(2, "NS.objects", uids(1)), classDict("NSSet", "NSObject"));
    ArchiveFormatException e = formatError(archive);
    assertEquals("$objects[1].NS.objects[0]", e.field());
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void errorWhoseUserInfoIsItselfWouldRecurseForever() throws Exception {
    byte[] archive = archiveOf(
        instance(3, "NSDomain", NSKeyedArchiver.uid(2), "NSCode", new NSNumber(1), "NSUserInfo", NSKeyedArchiver.uid(1)),
        new NSString("d"),
        classDict("NSError", "NSObject"));
    ArchiveFormatException e = formatError(archive);
    assertEquals("$objects[1].NSUserInfo", e.field());
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void dictionaryUsedAsItsOwnKey() throws Exception {
    byte[] archive = archiveOf(
        instance(2, "NS.keys", uids(1), "NS.objects", uids(1)), classDict("NSDictionary", "NSObject"));
    ArchiveFormatException e = formatError(archive);
    assertEquals("$objects[1].NS.keys[0]", e.field());
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }

  @Test
  void depthBomb() throws Exception {
    int n = 300;
    NSObject[] objects = new NSObject[n + 1];
    for (int i = 0; i < n; i++) {
      objects[i] = instance(n + 1, "NS.objects", uids(i + 2));
    }
    objects[n - 1] = instance(n + 1, "NS.objects", uids());
    objects[n] = classDict("NSArray", "NSObject");
    byte[] archive = archiveOf(objects);
    DtxLimitExceededException e =
        assertThrows(DtxLimitExceededException.class, () -> NSKeyedUnarchiver.unarchive(archive));
    assertEquals("archive depth", e.field());
    assertEquals("archive depth exceeded: 257 > 256", e.getMessage());
    // within a raised limit the same archive decodes
    NSKeyedUnarchiver deep = NSKeyedUnarchiver.builder()
        .limits(ArchiveLimits.DEFAULT.withMaxDepth(n)).build();
    Object v = deep.decode(archive);
    int depth = 0;
    while (v instanceof List<?> l && !l.isEmpty()) {
      v = l.get(0);
      depth++;
    }
    assertEquals(n - 1, depth);
  }

  /**
   * The depth limit counts objects that nest (arrays, dictionaries, instances): a string or number nests nothing, so
   * one inside the deepest array the limit allows decodes, in both readers, while an array there is refused.
   */
  @Test
  void aLeafBelowTheDeepestAllowedObjectDecodesAndAnotherObjectThereDoesNot() throws Exception {
    int n = ArchiveLimits.DEFAULT.maxDepth();
    NSObject[] objects = new NSObject[n + 2];
    for (int i = 0; i < n - 1; i++) {
      objects[i] = instance(n + 1, "NS.objects", uids(i + 2));
    }
    objects[n - 1] = instance(n + 1, "NS.objects", uids(n + 2));
    objects[n] = classDict("NSArray", "NSObject");
    objects[n + 1] = new NSString("leaf");
    byte[] leaf = archiveOf(objects);
    NSKeyedUnarchiver reader = NSKeyedUnarchiver.builder().build();
    for (Object v : List.of(reader.decodeTop(leaf).get("root"), reader.decodeTree(leaf).get("root"))) {
      int depth = 0;
      while (v instanceof List<?> l && l.size() == 1) {
        v = l.get(0);
        depth++;
      }
      assertEquals(n, depth);
      assertEquals("leaf", v);
    }
    objects[n + 1] = instance(n + 1, "NS.objects", uids());
    byte[] oneTooDeep = archiveOf(objects);
    List<Executable> decodes = List.of(() -> reader.decodeTop(oneTooDeep), () -> reader.decodeTree(oneTooDeep));
    for (Executable decode : decodes) {
      DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class, decode);
      assertEquals("archive depth exceeded: " + (n + 1) + " > " + n, e.getMessage());
    }
  }

  @Test
  void depthBeyondTheThreadStackIsAFormatErrorNotAnOverflow() throws Exception {
    int n = 100_000;
    NSObject[] objects = new NSObject[n + 1];
    for (int i = 0; i < n; i++) {
      objects[i] = instance(n + 1, "NS.objects", uids(i + 2));
    }
    objects[n - 1] = instance(n + 1, "NS.objects", uids());
    objects[n] = classDict("NSArray", "NSObject");
    byte[] archive = archiveOf(objects);
    NSKeyedUnarchiver careless = NSKeyedUnarchiver.builder()
        .limits(ArchiveLimits.DEFAULT.withMaxDepth(Integer.MAX_VALUE)).build();
    ArchiveFormatException e = assertThrows(ArchiveFormatException.class, () -> careless.decode(archive));
    assertEquals("$objects", e.field());
    assertTrue(e.getMessage().contains("deeper than this thread's stack"), e.getMessage());
  }

  @Test
  void archivingTooDeepAValueIsACallerMistake() {
    List<Object> v = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      v = new ArrayList<>(List.of(v));
    }
    List<Object> deep = v;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NSKeyedArchiver.archive(deep));
    assertEquals("value nests deeper than 256 objects", e.getMessage());
  }

  @Test
  void objectCountBomb() throws Exception {
    List<Integer> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(i);
    }
    byte[] archive = NSKeyedArchiver.archive(many);
    NSKeyedUnarchiver small = NSKeyedUnarchiver.builder()
        .limits(ArchiveLimits.DEFAULT.withMaxObjects(100)).build();
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class, () -> small.decode(archive));
    assertEquals("archive objects", e.field());
    assertEquals("archive objects exceeded: 203 > 100", e.getMessage());
  }

  @Test
  void inputBytesOverLimitAreRejectedBeforeParsing() {
    byte[] junk = new byte[4096];
    NSKeyedUnarchiver small = NSKeyedUnarchiver.builder()
        .limits(ArchiveLimits.DEFAULT.withMaxInputBytes(1024)).build();
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class, () -> small.decode(junk));
    assertEquals("archive bytes", e.field());
    assertEquals("archive bytes exceeded: 4096 > 1024", e.getMessage());
  }

  @Test
  void objectWithoutClass() throws Exception {
    NSDictionary noClass = new NSDictionary();
    noClass.put("NS.objects", uids());
    ArchiveFormatException e = formatError(archiveOf(noClass));
    assertEquals("$objects[1].$class", e.field());
  }

  @Test
  void classReferenceToAString() throws Exception {
    ArchiveFormatException e = formatError(archiveOf(instance(2, "NS.objects", uids()), new NSString("NSArray")));
    assertEquals("$objects[2]", e.field());
    assertTrue(e.getMessage().contains("expected a class dictionary"), e.getMessage());
  }

  @Test
  void uuidOfWrongLength() throws Exception {
    ArchiveFormatException e = formatError(
        archiveOf(instance(2, "NS.uuidbytes", new NSData(new byte[3])), classDict("NSUUID", "NSObject")));
    assertEquals("$objects[1].NS.uuidbytes", e.field());
    assertTrue(e.getMessage().contains("length 3 (expected 16)"), e.getMessage());
  }

  @Test
  void dictionaryWithMoreKeysThanValues() throws Exception {
    ArchiveFormatException e = formatError(archiveOf(
        instance(3, "NS.keys", uids(2, 2), "NS.objects", uids(2)), new NSString("k"),
        classDict("NSDictionary", "NSObject")));
    assertEquals("$objects[1].NS.objects", e.field());
  }

  @Test
  void dictionaryWithoutValues() throws Exception {
    ArchiveFormatException e = formatError(archiveOf(
        instance(3, "NS.keys", uids(2)), new NSString("k"), classDict("NSDictionary", "NSObject")));
    assertEquals("$objects[1].NS.objects", e.field());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void dictionaryWhoseValuesAreNoArray() throws Exception {
    ArchiveFormatException e = formatError(archiveOf(
        instance(3, "NS.keys", uids(2), "NS.objects", new NSString("v")), new NSString("k"),
        classDict("NSDictionary", "NSObject")));
    assertEquals("$objects[1].NS.objects", e.field());
    assertTrue(e.getMessage().contains("expected an array of UIDs"), e.getMessage());
  }

  @Test
  void errorDomainOfWrongType() throws Exception {
    ArchiveFormatException e = formatError(archiveOf(
        instance(3, "NSDomain", NSKeyedArchiver.uid(2), "NSCode", new NSNumber(1)), new NSNumber(5),
        classDict("NSError", "NSObject")));
    assertEquals("$objects[1].NSDomain", e.field());
    assertEquals("$objects[1].NSDomain: expected a String, found Integer 5", e.getMessage());
  }

  @Test
  void arrayElementsThatAreNotReferences() throws Exception {
    ArchiveFormatException e = formatError(
        archiveOf(instance(2, "NS.objects", new NSArray(new NSString("inline"))), classDict("NSArray", "NSObject")));
    assertEquals("$objects[1].NS.objects[0]", e.field());
    assertTrue(e.getMessage().contains("expected a UID"), e.getMessage());
  }
}
