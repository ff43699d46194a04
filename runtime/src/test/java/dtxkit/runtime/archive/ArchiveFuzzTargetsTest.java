package dtxkit.runtime.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for the NSKeyedArchiver reader, {@link NSKeyedUnarchiver} (binary and XML
 * plists), seeded with every recorded archive fixture and every archive payload of the recorded DTX streams
 * (decompressed where the message was compressed). Only {@link DtxProtocolException}s may escape: an
 * {@link ArchiveFormatException} for a malformed archive, a limit exception for one over a limit.
 */
class ArchiveFuzzTargetsTest {

  static Stream<Arguments> archives() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (String name : FuzzSeeds.ARCHIVES) {
      seeds.put("nskeyedarchiver/" + name, FuzzSeeds.fixture("nskeyedarchiver", name));
    }
    for (String name : FuzzSeeds.DTX) {
      int i = 0;
      for (byte[] payload : archivePayloads(FuzzSeeds.fixture("dtx", name))) {
        if (i < 30 && !seeds.containsValue(payload)) {
          seeds.put("dtx/" + name + "#payload" + i++, payload);
        }
      }
    }
    List<Arguments> out = new ArrayList<>();
    seeds.forEach((name, bytes) -> out.add(FuzzSeeds.named(name, bytes)));
    return out.stream();
  }

  @MethodSource("archives")
  @FuzzTest(maxDuration = "5m")
  void nsKeyedUnarchiver(byte[] input) throws Exception {
    NoStderr.check(() -> nsKeyedUnarchiverInput(input));
  }

  /** One input of {@link #nsKeyedUnarchiver}. */
  private void nsKeyedUnarchiverInput(byte[] input) throws Exception {
    try {
      NSKeyedUnarchiver.unarchive(input);
    } catch (DtxProtocolException expected) {
      // Refused.
    }
    try {
      NSKeyedUnarchiver.unarchiveTop(input);
    } catch (DtxProtocolException expected) {
      // Refused.
    }
  }

  private static final NSKeyedUnarchiver READER = NSKeyedUnarchiver.builder().build();

  /**
   * The differential target's seeds: every archive the other target is seeded with, and the corpus its fuzzing runs
   * kept (mutated archives that reach deep into both readers), replayed here too.
   */
  static Stream<Arguments> archivesAndCorpus() throws java.io.IOException, java.net.URISyntaxException {
    List<Arguments> out = new ArrayList<>(archives().toList());
    java.net.URL dir = ArchiveFuzzTargetsTest.class.getResource("ArchiveFuzzTargetsTestInputs/nsKeyedUnarchiver/corpus");
    if (dir != null) {
      try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
        for (java.nio.file.Path f : files.sorted().toList()) {
          out.add(FuzzSeeds.named("nsKeyedUnarchiver corpus/" + f.getFileName(), java.nio.file.Files.readAllBytes(f)));
        }
      }
    }
    return out.stream();
  }

  /**
   * Where our reader refuses a malformed binary plist that dd-plist reads on, each by design (docs/fuzzing.md): a
   * dictionary key that is no string (dd-plist makes one with {@code toString()}); trailer fields out of range
   * (dd-plist reads past them or truncates them); an object of a reserved type, or the null marker, where a value
   * must be (dd-plist makes it null and drops the entry); an integer wider than 16 bytes (dd-plist reads it anyway); a
   * string, data or container count beyond 2^31 - 1 (dd-plist keeps its low 32 bits: 0x9800000000000000 became an
   * empty string); a decode that would make more than its bound allows (references followed, string and data bytes:
   * four times the plist's object bytes and a mebibyte; dd-plist expands shared plist objects without a bound);
   * a referenced object whose offset lies in the header (below 8) or at the offset table (dd-plist reads the bytes
   * there as an object; CoreFoundation and ours take objects only from 8 up to the table). Anything else ours refuses and dd-plist decodes is a finding.
   */
  /**
   * Where ours may decode what dd-plist refuses: dd-plist parses every object the plist's top reaches (the whole
   * {@code $objects} table, and every class dictionary) and refuses the plist for a malformation in any of them; ours
   * reads only what the archive's {@code $top} reaches. So when ours decodes and dd-plist refuses, ours must refuse
   * some object of the plist when it reads each one on its own ({@link PlistObjects#refusals}): a malformed object
   * the archive never reaches. (Which of dd-plist's refusals a given object causes cannot be told from outside: its
   * reserved markers, wide integers and lengths are refused or read depending on the bytes around them, so any such
   * object counts; a plist with one of them unreached and a leniency of ours elsewhere would pass unseen.) Or dd-plist refused a cycle of plist references ({@value #LAZIER_CYCLE}), which reading objects one by one
   * cannot show; where ours reaches one it refuses it ({@link PlistCycleTest}). Anything else is a finding: ours
   * reading leniently what dd-plist refuses.
   */
  static final String LAZIER_CYCLE = "contains a cyclic reference";

  /**
   * The one refusal of dd-plist that is no malformation: a header whose version characters after {@code bplist0}
   * are not the ones dd-plist knows. CoreFoundation reads any {@code bplist0?} as the format ours reads, and so does
   * ours ({@link BinaryPlist#isBinary}).
   */
  static final String OTHER_HEADER = "invalid file header: bplist0";

  /**
   * dd-plist's own failure, no malformation: it keeps a plist set ({@code 0xB}, {@code 0xC} markers) in a sorted set,
   * and its {@code NSDictionary.compareTo} throws a {@link NullPointerException} when two dictionary elements differ
   * in their keys, so it refuses such a plist ("not a property list (java.lang.NullPointerException)"). Ours reads a
   * set's references without ordering them. Recognised by the frame that failed: dd-plist adding to its set.
   */
  static final String DD_PLIST_SET_ORDER = "com.dd.plist.NSSet.addObject";

  /** Whether {@code refused} comes from dd-plist's failure to order a set ({@link #DD_PLIST_SET_ORDER}). */
  static boolean ddPlistCouldNotOrderASet(Throwable refused) {
    for (Throwable t = refused; t != null; t = t.getCause()) {
      if (t instanceof NullPointerException) {
        for (StackTraceElement frame : t.getStackTrace()) {
          if ((frame.getClassName() + "." + frame.getMethodName()).equals(DD_PLIST_SET_ORDER)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static final List<String> STRICTER = List.of("(expected string keys)", "a dictionary key is ", "plist.trailer.",
      "an object of unknown type", "bad value nothing", "integer of 2^", "plist.offsetTable[", "found nothing",
      "is out of range", "archive decoded size");


  /**
   * The two archive readers on the same bytes: ours, which reads binary plists in place ({@link BinaryPlist},
   * {@link BinaryUnarchiving}, what {@link NSKeyedUnarchiver#decodeTop} uses), and the dd-plist tree path
   * ({@link NSKeyedUnarchiver#decodeTree}, what XML archives go through). They must agree: the same top-level
   * values in the same order, or both refuse with a {@link DtxProtocolException}; ours may refuse more only for the
   * reasons in {@link #STRICTER}, and never decodes what dd-plist refuses. Inputs that are no binary plist take the
   * tree path in both, so only binary ones are compared.
   */
  @MethodSource("archivesAndCorpus")
  @FuzzTest(maxDuration = "5m")
  void archiveReaders(byte[] input) throws Exception {
    NoStderr.check(() -> archiveReadersInput(input));
  }

  /** One input of {@link #archiveReaders}. */
  private void archiveReadersInput(byte[] input) throws Exception {
    if (!BinaryPlist.isBinary(input, 0, input.length)) {
      return;
    }
    Map<String, Object> tree = null;
    DtxProtocolException treeRefused = null;
    try {
      tree = READER.decodeTree(input);
    } catch (DtxProtocolException e) {
      treeRefused = e;
    }
    Map<String, Object> ours = null;
    DtxProtocolException oursRefused = null;
    try {
      ours = READER.decodeTop(input);
    } catch (DtxProtocolException e) {
      oursRefused = e;
    }
    if (tree != null && ours != null) {
      if (!ArchiveValues.deepEquals(tree, ours)
          || !new ArrayList<>(tree.keySet()).equals(new ArrayList<>(ours.keySet()))) {
        throw new AssertionError("the readers decode different values: dd-plist " + tree + ", ours " + ours);
      }
    } else if (tree != null) {
      if (STRICTER.stream().noneMatch(oursRefused.getMessage()::contains)) {
        throw new AssertionError("ours refuses what dd-plist decodes: " + oursRefused.getMessage() + "; dd-plist: "
            + tree, oursRefused);
      }
    } else if (ours != null && !treeRefused.getMessage().contains(LAZIER_CYCLE)
        && !treeRefused.getMessage().contains(OTHER_HEADER) && !ddPlistCouldNotOrderASet(treeRefused)) {
      if (PlistObjects.refusals(input).isEmpty()) {
        throw new AssertionError("ours decodes what dd-plist refuses, and reads every object of the plist on its own: "
            + treeRefused.getMessage() + "; ours: " + ours, treeRefused);
      }
    }
  }

  /** The payloads of a recorded DTX stream that are binary plists, decompressed by the message decoder. */
  static List<byte[]> archivePayloads(byte[] stream) {
    List<byte[]> out = new ArrayList<>();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder()) {
      decoder.decode(Unpooled.wrappedBuffer(stream), m -> {
        try {
          byte[] p = m.payloadBytes();
          if (p.length > 8 && p[0] == 'b' && p[1] == 'p') {
            out.add(p);
          }
        } finally {
          m.release();
        }
      });
    } catch (DtxProtocolException recordingEndsMidMessage) {
      // What decoded before stands.
    }
    return out;
  }
}
