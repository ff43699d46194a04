package dtxkit.runtime.rsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.Mutations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of what an RSD peer sends before any XPC: the length-framed RSDCheckin plists (both sides).
 * Only IOExceptions (a {@link DtxProtocolException} for a malformed or oversized plist) escape. The tunnel daemons'
 * listings are fuzzed in {@code TunnelDiscoveryFuzzTest}.
 */
class RsdInputFuzzTest {

  private static byte[] framed(NSDictionary... plists) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (NSDictionary d : plists) {
      RsdCheckin.write(out, d);
    }
    return out.toByteArray();
  }

  private static NSDictionary dict(String... kv) {
    NSDictionary d = new NSDictionary();
    for (int i = 0; i < kv.length; i += 2) {
      d.put(kv[i], kv[i + 1]);
    }
    return d;
  }

  private static byte[] framed(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new DataOutputStream(out).writeInt(body.length);
    out.write(body);
    return out.toByteArray();
  }

  @Test
  void mutatedCheckinRequestsOnlyFailAsIoErrors() throws IOException {
    byte[] seed = framed(dict("Label", "dtxkit", "ProtocolVersion", "2", "Request", "RSDCheckin"));
    int rejected = Mutations.feedAll(Mutations.of(seed, 80, 1500, 31),
        bytes -> RsdCheckin.respond(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), null),
        IOException.class);
    assertTrue(rejected > 0);
  }

  @Test
  void mutatedCheckinRepliesOnlyFailAsIoErrors() throws IOException {
    byte[] seed = framed(dict("Request", "RSDCheckin"), dict("Request", "StartService"));
    Mutations.feedAll(Mutations.of(seed, 80, 1500, 32),
        bytes -> RsdCheckin.perform(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), "dtxkit"),
        IOException.class);
  }

  /** A binary plist sent instead of XML is parsed too; mutations of it reach dd-plist's binary parser. */
  @Test
  void mutatedBinaryCheckinRequestsOnlyFailAsIoErrors() throws IOException {
    ByteArrayOutputStream bin = new ByteArrayOutputStream();
    com.dd.plist.BinaryPropertyListWriter.write(bin,
        dict("Label", "dtxkit", "ProtocolVersion", "2", "Request", "RSDCheckin"));
    byte[] seed = framed(bin.toByteArray());
    Mutations.feedAll(Mutations.of(seed, seed.length, 1500, 33),
        bytes -> RsdCheckin.respond(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), null),
        IOException.class);
  }

  /** A zero-length plist (dd-plist parses it to null) is a protocol error naming the plist, not a NullPointer. */
  @Test
  void emptyPlistIsAProtocolError() {
    byte[] bytes = new byte[4];
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> RsdCheckin.respond(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), null));
    assertTrue(e.getMessage().contains("RSDCheckin plist"), e.getMessage());
  }

  /** A declared plist length of 2 GiB is refused from the 4 length bytes. */
  @Test
  void hugeDeclaredPlistLengthIsRefused() {
    for (int length : new int[] {0x7FFFFFFF, 0xFFFFFFFF, RsdCheckin.MAX_PLIST_BYTES + 1}) {
      byte[] bytes = Mutations.putIntLE(new byte[4], 0, Integer.reverseBytes(length));
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          () -> RsdCheckin.respond(new ByteArrayInputStream(bytes), new ByteArrayOutputStream(), null));
      assertTrue(e.getMessage().contains(Long.toString(Integer.toUnsignedLong(length))), e.getMessage());
    }
  }

  /** A plist nested deeper than any checkin needs, within the size limit, is a protocol error, not a dead thread. */
  @Test
  void deeplyNestedPlistIsAProtocolError() throws IOException {
    String open = "<array>".repeat(60_000);
    String close = "</array>".repeat(60_000);
    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\">" + open + close + "</plist>")
        .getBytes(StandardCharsets.UTF_8);
    assertTrue(xml.length <= RsdCheckin.MAX_PLIST_BYTES);
    byte[] bytes = framed(xml);
    int rejected = Mutations.feedAll(List.of(new Mutations.Case("nested arrays", bytes)),
        b -> RsdCheckin.respond(new ByteArrayInputStream(b), new ByteArrayOutputStream(), null),
        DtxProtocolException.class);
    assertEquals(1, rejected);
  }
}
