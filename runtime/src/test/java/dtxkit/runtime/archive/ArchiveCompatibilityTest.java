package dtxkit.runtime.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13: the archive codec of our own (binary plists read in place, written without a plist graph) against the
 * dd-plist path it replaced ({@link NSKeyedUnarchiver#decodeTree} and {@link DdPlistReferenceArchiver}): the same
 * values from every recorded archive, every value written by either writer reads back equal with either reader, and
 * single values are written byte for byte alike.
 */
class ArchiveCompatibilityTest {
  private static final NSKeyedUnarchiver READER = NSKeyedUnarchiver.builder().build();
  private static final NSKeyedArchiver WRITER = NSKeyedArchiver.builder().build();
  private static final DdPlistReferenceArchiver REFERENCE = DdPlistReferenceArchiver.builder().build();

  static final List<String> BINARY_FIXTURES = List.of(
      "DTSysmonTapMessage.bin", "DTTapHeartbeatMessage.bin", "XCActivityRecord.bin", "XCTCapabilities.bin",
      "arrays.bin", "ax_focus_on_element.bin", "ax_statechange.bin", "dict.bin", "dtcpuclusterinfo.bin",
      "dttapmessage.bin", "dttapstatusmessage.bin", "int64-value-in-nskeyedarchive.bin", "nestedarrays.bin",
      "nsuuid.bin", "nsvalue.bin", "onevalue.bin", "primitives.bin", "uint64-key-dictionary.bin",
      "xctestconfiguration.bin", "xctestidentifier.bin");

  private static void assertSameTop(Map<String, Object> expected, Map<String, Object> actual, String what) {
    assertTrue(ArchiveValues.deepEquals(expected, actual), () -> what + ": " + expected + " != " + actual);
    assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()), what);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DTSysmonTapMessage.bin", "DTTapHeartbeatMessage.bin", "XCActivityRecord.bin", "XCTCapabilities.bin",
      "arrays.bin", "ax_focus_on_element.bin", "ax_statechange.bin", "dict.bin", "dtcpuclusterinfo.bin",
      "dttapmessage.bin", "dttapstatusmessage.bin", "int64-value-in-nskeyedarchive.bin", "nestedarrays.bin",
      "nsuuid.bin", "nsvalue.bin", "onevalue.bin", "primitives.bin", "uint64-key-dictionary.bin",
      "xctestconfiguration.bin", "xctestidentifier.bin"})
  void everyRecordedArchiveDecodesAsTheDdPlistPathDecodedIt(String name) throws Exception {
    byte[] archive = Fixtures.read(name);
    Map<String, Object> tree = READER.decodeTree(archive);
    Map<String, Object> streamed = READER.decodeTop(archive);
    assertSameTop(tree, streamed, name);
    // and as a slice of a larger array, read in place
    byte[] padded = new byte[archive.length + 7];
    System.arraycopy(archive, 0, padded, 3, archive.length);
    assertTrue(ArchiveValues.deepEquals(READER.decode(archive), READER.decode(padded, 3, archive.length)), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DTSysmonTapMessage.bin", "DTTapHeartbeatMessage.bin", "XCActivityRecord.bin", "XCTCapabilities.bin",
      "arrays.bin", "ax_focus_on_element.bin", "ax_statechange.bin", "dict.bin", "dtcpuclusterinfo.bin",
      "dttapmessage.bin", "dttapstatusmessage.bin", "int64-value-in-nskeyedarchive.bin", "nestedarrays.bin",
      "nsuuid.bin", "nsvalue.bin", "onevalue.bin", "primitives.bin", "uint64-key-dictionary.bin",
      "xctestconfiguration.bin", "xctestidentifier.bin", "arrays.xml", "dict.xml", "primitives.xml"})
  void recordedArchivesRoundTripThroughBothWritersAndBothReaders(String name) throws Exception {
    Map<String, Object> top = READER.decodeTop(Fixtures.read(name));
    byte[] ours = WRITER.encodeTop(top);
    byte[] theirs = REFERENCE.encodeTop(top);
    assertSameTop(top, READER.decodeTop(ours), name + " written by ours, read by ours");
    assertSameTop(top, READER.decodeTree(ours), name + " written by ours, read by dd-plist");
    assertSameTop(top, READER.decodeTop(theirs), name + " written by dd-plist, read by ours");
    // decode -> encode -> decode -> encode is stable
    assertArrayEquals(ours, WRITER.encodeTop(READER.decodeTop(ours)), name);
  }

  @Test
  void theSingleValuesAreWrittenAsDdPlistWroteThemAndReadBackAlike() throws Exception {
    List<Object> values = SingleValueArchivesTest.values();
    assertTrue(values.size() > 1500, "values: " + values.size());
    for (Object value : values) {
      byte[] ours = WRITER.encodeGeneral(value);
      byte[] theirs = REFERENCE.encodeGeneral(value);
      assertArrayEquals(theirs, ours, () -> "archive of " + value);
      Object a = READER.decodeTop(ours).get("root");
      Object b = READER.decodeTree(theirs).get("root");
      assertTrue(ArchiveValues.deepEquals(b, a) && b.getClass() == a.getClass(), () -> value + ": " + a + " vs " + b);
    }
  }

  @Test
  void containersOfTheSingleValuesReadBackAlikeFromEitherWriter() throws Exception {
    List<Object> values = SingleValueArchivesTest.values();
    Random random = new Random(13);
    for (int round = 0; round < 40; round++) {
      // a list, a map and a set of values, sharing some of them, as one archive
      List<Object> list = new ArrayList<>();
      Map<Object, Object> map = new java.util.LinkedHashMap<>();
      for (int i = 0; i < 50; i++) {
        Object v = values.get(random.nextInt(values.size()));
        list.add(v);
        map.put("k" + random.nextInt(30), v);
      }
      list.add(map);
      list.add(list.get(0));
      list.add(null);
      byte[] ours = WRITER.encode(list);
      byte[] theirs = REFERENCE.encode(list);
      Object fromOurs = READER.decode(ours);
      assertTrue(ArchiveValues.deepEquals(READER.decodeTree(theirs).get("root"), fromOurs), "round " + round);
      assertTrue(ArchiveValues.deepEquals(READER.decodeTree(ours).get("root"), fromOurs), "round " + round);
    }
  }

  @Test
  void corruptedArchivesDecodeAsTheDdPlistPathDecodesThemWhenBothDecode() throws Exception {
    int compared = 0;
    for (String name : BINARY_FIXTURES) {
      byte[] full = Fixtures.read(name);
      Random random = new Random(name.hashCode() * 31L);
      for (int round = 0; round < 300; round++) {
        byte[] bytes = full.clone();
        int at = random.nextInt(bytes.length);
        bytes[at] = (byte) random.nextInt(256);
        Map<String, Object> tree;
        try {
          tree = READER.decodeTree(bytes);
        } catch (DtxProtocolException e) {
          continue;
        }
        Map<String, Object> streamed;
        try {
          streamed = READER.decodeTop(bytes);
        } catch (DtxProtocolException e) {
          // The streaming reader checks more (e.g. offsets past the object area that dd-plist reads blindly).
          continue;
        }
        compared++;
        assertSameTop(tree, streamed, name + " with byte " + at + " = " + (bytes[at] & 0xFF));
      }
    }
    assertTrue(compared > 1000, "compared " + compared);
  }

  @Test
  void objectsWithManyFieldsDecodeAlikeThroughTheKeyIndex() throws Exception {
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      fields.put("field" + i, i % 3 == 0 ? "v" + i : i % 3 == 1 ? (Object) ((long) i << 40) : List.of(i, "x"));
    }
    GenericArchivedObject g = new GenericArchivedObject(List.of("MYThing", "NSObject"), fields,
        java.util.Set.of("field1", "field4"));
    byte[] archive = WRITER.encode(g);
    Object streamed = READER.decode(archive);
    assertTrue(ArchiveValues.deepEquals(READER.decodeTree(archive).get("root"), streamed));
    assertTrue(ArchiveValues.deepEquals(g, streamed), () -> String.valueOf(streamed));
    assertEquals(g.inlineKeys(), ((GenericArchivedObject) streamed).inlineKeys());
  }

  /**
   * Issue 13, third pass: elements are followed through a table of one- and two-byte UIDs (references of one and two
   * bytes); wider references and UIDs take the general path. Both read as dd-plist reads them, whatever the width.
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 100, 200, 300, 40_000, 70_000})
  void archivesOfEveryReferenceAndUidWidthDecodeAsTheDdPlistPathDecodesThem(int n) throws Exception {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(i % 3 == 0 ? (Object) ("s" + i) : i % 3 == 1 ? (Object) (((long) i << 33) + i) : List.of(i, "x"));
    }
    list.add(list.get(1));
    list.add(null);
    byte[] archive = WRITER.encode(list);
    Object streamed = READER.decode(archive);
    assertTrue(ArchiveValues.deepEquals(READER.decodeTree(archive).get("root"), streamed), "n " + n);
    assertTrue(ArchiveValues.deepEquals(list, streamed), "n " + n);
  }

  /** The sizes one encode leaves as the next one's hint change allocation only, never the bytes. */
  @Test
  void theSizesOfOneEncodeChangeNothingInTheNext() {
    NSKeyedArchiver archiver = NSKeyedArchiver.builder().build();
    List<Object> small = List.of(1, "a", 2.5, List.of(true));
    List<Object> large = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      large.add(i % 2 == 0 ? (Object) (i * 0.5) : (Object) Map.of("k" + i, (long) i << 33));
    }
    byte[] smallFresh = NSKeyedArchiver.builder().build().encodeGeneral(small);
    byte[] largeFresh = NSKeyedArchiver.builder().build().encodeGeneral(large);
    assertArrayEquals(smallFresh, archiver.encodeGeneral(small));
    assertArrayEquals(largeFresh, archiver.encodeGeneral(large));
    assertArrayEquals(smallFresh, archiver.encodeGeneral(small));
    assertArrayEquals(largeFresh, archiver.encodeGeneral(large));
    assertArrayEquals(REFERENCE.encodeGeneral(small), archiver.encodeGeneral(small));
  }

  /** Every archive payload of the recorded DTX streams (device and host side), as the fuzz targets seed them. */
  @Test
  void everyArchiveOfTheRecordedDtxStreamsDecodesAsTheDdPlistPathDecodedItAndRoundTrips() throws Exception {
    int compared = 0;
    for (String name : dtxkit.runtime.testing.FuzzSeeds.DTX) {
      for (byte[] payload : ArchiveFuzzTargetsTest.archivePayloads(
          dtxkit.runtime.testing.FuzzSeeds.fixture("dtx", name))) {
        Map<String, Object> tree = READER.decodeTree(payload);
        Map<String, Object> streamed = READER.decodeTop(payload);
        assertSameTop(tree, streamed, name);
        assertSameTop(streamed, READER.decodeTop(WRITER.encodeTop(streamed)), name + " re-encoded");
        compared++;
      }
    }
    assertTrue(compared > 50, "compared " + compared);
  }
}
