package dtxkit.runtime.lockdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import dtxkit.runtime.testing.SplitReads;

/** Lockdown's 4-byte big-endian length + plist framing: split at every offset, and bad input. */
class LockdownCodecTest {

  /** What lockdownd answers to QueryType, as the peers record it (XML, Apple's header). */
  static final String QUERY_TYPE_REPLY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      + "<plist version=\"1.0\">\n<dict>\n\t<key>Request</key>\n\t<string>QueryType</string>\n"
      + "\t<key>Type</key>\n\t<string>com.apple.mobile.lockdown</string>\n</dict>\n</plist>\n";

  static byte[] framed(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  @Test
  void twoMessagesAtEverySplit() throws Exception {
    NSDictionary request = new NSDictionary();
    request.put("Label", "dtxkit");
    request.put("Request", "GetValue");
    request.put("Key", "ProductVersion");
    byte[] first = framed(QUERY_TYPE_REPLY.getBytes(StandardCharsets.UTF_8));
    byte[] second = LockdownCodec.encode(request);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(first);
    both.write(second);
    byte[] bytes = both.toByteArray();
    SplitReads.atEverySplit(bytes, (in, split) -> {
      LockdownCodec.Reader reader = new LockdownCodec.Reader(in, 1 << 16, "lockdown");
      NSDictionary a = reader.read();
      assertEquals("com.apple.mobile.lockdown", a.objectForKey("Type").toJavaObject());
      assertEquals(first.length, reader.offset());
      assertEquals(request, reader.read());
      assertNull(reader.read());
    });
  }

  @Test
  void binaryPlistsAreReadToo() throws Exception {
    NSDictionary d = new NSDictionary();
    d.put("Request", "StartService");
    d.put("Port", 49152);
    d.put("EnableServiceSSL", true);
    byte[] binary = com.dd.plist.BinaryPropertyListWriter.writeToArray(d);
    assertEquals(d, new LockdownCodec.Reader(new ByteArrayInputStream(framed(binary)), 1 << 16, "lockdown").read());
  }

  @Test
  void hugeLengthIsRefusedBeforeAllocating() {
    byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE};
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
        () -> new LockdownCodec.Reader(new ByteArrayInputStream(huge), 1 << 20, "lockdown").read());
    assertEquals("lockdown message bytes exceeded: 4294967294 > 1048576 at offset 0", e.getMessage());
  }

  @Test
  void garbageTruncationAndEmptyAreClearErrors() {
    byte[] garbage = framed("\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1));
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> new LockdownCodec.Reader(new ByteArrayInputStream(garbage), 1 << 16, "lockdown").read());
    assertTrue(e.getMessage().startsWith("lockdown message: not a property list (9 bytes: 0001"), e.getMessage());
    assertTrue(e.getMessage().endsWith("at offset 4"), e.getMessage());

    byte[] whole = framed(QUERY_TYPE_REPLY.getBytes(StandardCharsets.UTF_8));
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] part = Arrays.copyOf(whole, cut);
      EOFException eof = assertThrows(EOFException.class,
          () -> new LockdownCodec.Reader(new ByteArrayInputStream(part), 1 << 16, "lockdown").read());
      assertTrue(eof.getMessage().contains(cut < 4 ? "inside a length prefix" : "inside a message"),
          eof.getMessage());
    }
    DtxProtocolException empty = assertThrows(LockdownProtocolException.class,
        () -> new LockdownCodec.Reader(new ByteArrayInputStream(new byte[4]), 1 << 16, "lockdown").read());
    assertTrue(empty.getMessage().contains("length 0"), empty.getMessage());
  }
}
