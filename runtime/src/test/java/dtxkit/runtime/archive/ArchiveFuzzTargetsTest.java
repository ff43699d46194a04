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
   * must be (dd-plist makes it null and drops the entry); an integer wider than 16 bytes (dd-plist reads it anyway);
   * a referenced object whose offset lies in the header (below 8) or at the offset table (dd-plist reads the bytes
   * there as an object; CoreFoundation and ours take objects only from 8 up to the table). Anything else ours refuses and dd-plist decodes is a finding.
   */
  /**
   * The refusals of dd-plist that ours may not share, both about objects the archive's {@code $top} never leads to:
   * a cycle of plist references (a container that reaches itself), and a plist reference past the object count
   * inside such an object. dd-plist parses every object the plist's top reaches and refuses either; ours reads only
   * what {@code $top} reaches (the {@code $objects} table's own references are checked up front), and where it does
   * reach either it refuses it too (a reference "not below the object count", a cycle at its second step: inline
   * containers hold UIDs, not containers, {@link PlistCycleTest}), so nothing cyclic or out of range is ever built.
   * Finding them everywhere would take a pass over every container of the plist on every decode.
   */
  static final List<String> LAZIER = List.of("contains a cyclic reference", "contains an invalid object identifier");

  static final List<String> STRICTER = List.of("(expected string keys)", "a dictionary key is ", "plist.trailer.",
      "an object of unknown type", "bad value nothing", "integer of 2^", "plist.offsetTable[");


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
    } else if (ours != null && LAZIER.stream().noneMatch(treeRefused.getMessage()::contains)) {
      throw new AssertionError("ours decodes what dd-plist refuses: " + treeRefused.getMessage() + "; ours: " + ours,
          treeRefused);
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
