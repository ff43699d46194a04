package dtxkit.runtime.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.FuzzSeeds;
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
  void nsKeyedUnarchiver(byte[] input) {
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
