package dtxkit.runtime.rsd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for the RSDCheckin exchange on a service socket, both sides:
 * {@link RsdCheckin#respond} (the device reading a client's request) and {@link RsdCheckin#perform} (the host reading
 * the device's replies), seeded with XML and binary checkin plists. A finding is anything but an
 * {@link IOException} escaping ({@link dtxkit.runtime.DtxProtocolException} for a malformed or oversized plist).
 */
class RsdCheckinFuzzTargetsTest {
  static Stream<Arguments> checkins() throws IOException {
    NSDictionary request = dict("Label", "dtxkit", "ProtocolVersion", "2", "Request", "RSDCheckin");
    ByteArrayOutputStream bin = new ByteArrayOutputStream();
    BinaryPropertyListWriter.write(bin, request);
    return Stream.of(FuzzSeeds.named("xml request", framed(request)),
        FuzzSeeds.named("binary request", framed(bin.toByteArray())),
        FuzzSeeds.named("xml replies", framed(dict("Request", "RSDCheckin"), dict("Request", "StartService"))),
        FuzzSeeds.named("error reply", framed(dict("Error", "ServiceProhibited"))));
  }

  @MethodSource("checkins")
  @FuzzTest(maxDuration = "5m")
  void rsdCheckin(byte[] input) throws Exception {
    NoStderr.check(() -> rsdCheckinInput(input));
  }

  /** One input of {@link #rsdCheckin}. */
  private void rsdCheckinInput(byte[] input) throws Exception {
    try {
      RsdCheckin.respond(new ByteArrayInputStream(input), new ByteArrayOutputStream(), null);
    } catch (IOException expected) {
      // Refused: a DtxProtocolException for a malformed plist, an EOFException for a short one.
    }
    try {
      RsdCheckin.perform(new ByteArrayInputStream(input), new ByteArrayOutputStream(), "dtxkit");
    } catch (IOException expected) {
      // Refused.
    }
  }

  private static NSDictionary dict(String... kv) {
    NSDictionary d = new NSDictionary();
    for (int i = 0; i < kv.length; i += 2) {
      d.put(kv[i], kv[i + 1]);
    }
    return d;
  }

  private static byte[] framed(NSDictionary... plists) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (NSDictionary d : plists) {
      RsdCheckin.write(out, d);
    }
    return out.toByteArray();
  }

  private static byte[] framed(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) (body.length >>> 24), (byte) (body.length >>> 16), (byte) (body.length >>> 8),
        (byte) body.length});
    out.writeBytes(body);
    return out.toByteArray();
  }
}
