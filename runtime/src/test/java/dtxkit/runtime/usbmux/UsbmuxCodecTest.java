package dtxkit.runtime.usbmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import dtxkit.runtime.testing.SplitReads;

/** The usbmuxd framing on go-ios's recorded bytes, split at every offset, and on bad input. */
class UsbmuxCodecTest {

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = UsbmuxCodecTest.class.getResourceAsStream("/fixtures/go-ios/usbmux/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void goIosListDevicesRequestAtEverySplit() throws Exception {
    byte[] bytes = fixture("readdevices.bin");
    SplitReads.atEverySplit(bytes, (in, split) -> {
      UsbmuxCodec.Reader reader = new UsbmuxCodec.Reader(in, 1 << 16);
      UsbmuxMessage m = reader.read();
      assertEquals(1, m.version());
      assertEquals(8, m.type());
      assertEquals(0, m.tag());
      assertEquals("ListDevices", m.messageType());
      assertEquals("go-usbmux-0.0.1", m.plist().objectForKey("ClientVersionString").toJavaObject());
      assertEquals("go-usbmux", m.plist().objectForKey("ProgName").toJavaObject());
      assertEquals(bytes.length, reader.offset());
      assertNull(reader.read(), "clean end after the message");
    });
  }

  @Test
  void encodeThenDecodeKeepsHeaderAndPlist() throws IOException {
    byte[] bytes = fixture("readdevices.bin");
    UsbmuxMessage recorded = new UsbmuxCodec.Reader(new ByteArrayInputStream(bytes), 1 << 16).read();
    byte[] encoded = UsbmuxCodec.encode(UsbmuxMessage.plist(7, recorded.plist()));
    ByteBuffer header = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(encoded.length, header.getInt());
    assertEquals(1, header.getInt());
    assertEquals(8, header.getInt());
    assertEquals(7, header.getInt());
    UsbmuxMessage again = new UsbmuxCodec.Reader(new ByteArrayInputStream(encoded), 1 << 16).read();
    assertEquals(recorded.plist(), again.plist());
    assertEquals(7, again.tag());
  }

  @Test
  void goIosResultPlist() throws IOException {
    byte[] body = fixture("usbmuxresponse.plist");
    byte[] framed = frame(1, 8, 3, body);
    UsbmuxMessage m = new UsbmuxCodec.Reader(new ByteArrayInputStream(framed), 1 << 16).read();
    assertEquals("ErrorName", m.messageType());
    assertEquals(5L, ((Number) m.plist().objectForKey("Number").toJavaObject()).longValue());
    assertEquals(3, m.tag());
  }

  @Test
  void portIsSentInNetworkByteOrder() {
    assertEquals(32498, UsbmuxCodec.swapPort(62078));
    assertEquals(62078, UsbmuxCodec.swapPort(32498));
    assertEquals(0x0100, UsbmuxCodec.swapPort(1));
    assertThrows(IllegalArgumentException.class, () -> UsbmuxCodec.swapPort(65536));
  }

  @Test
  void hugeLengthIsRefusedBeforeAllocating() {
    byte[] framed = frame(1, 8, 1, new byte[0]);
    ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0xFFFFFFF0);
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
        () -> new UsbmuxCodec.Reader(new ByteArrayInputStream(framed), 1 << 16).read());
    assertTrue(e.getMessage().contains("4294967280 > 65536"), e.getMessage());
    assertTrue(e.getMessage().endsWith("at offset 0"), e.getMessage());
  }

  @Test
  void badHeaderFieldsAreNamedWithTheirOffset() throws IOException {
    byte[] plist = fixture("usbmuxresponse.plist");
    byte[] skip = UsbmuxCodec.encode(UsbmuxMessage.plist(1, new NSDictionary()));
    byte[] binary = concat(skip, frame(0, 8, 1, plist));
    UsbmuxCodec.Reader r = new UsbmuxCodec.Reader(new ByteArrayInputStream(binary), 1 << 16);
    r.read();
    DtxProtocolException version = assertThrows(UsbmuxProtocolException.class, r::read);
    assertEquals("bad usbmuxd version 0 (binary protocol) (expected 1 (plist protocol)) at offset "
        + (skip.length + 4), version.getMessage());
    DtxProtocolException type = assertThrows(UsbmuxProtocolException.class,
        () -> new UsbmuxCodec.Reader(new ByteArrayInputStream(frame(1, 3, 1, plist)), 1 << 16).read());
    assertTrue(type.getMessage().contains("message type 3 (expected 8 (plist)) at offset 8"), type.getMessage());
    DtxProtocolException shortLength = assertThrows(UsbmuxProtocolException.class, () -> new UsbmuxCodec.Reader(
        new ByteArrayInputStream(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(3).array()), 99)
        .read());
    assertTrue(shortLength.getMessage().contains("length 3"), shortLength.getMessage());
  }

  @Test
  void garbageBodyAndTruncationAreClearErrors() {
    byte[] garbage = frame(1, 8, 1, "not a plist at all".getBytes(StandardCharsets.US_ASCII));
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> new UsbmuxCodec.Reader(new ByteArrayInputStream(garbage), 1 << 16).read());
    assertTrue(e.getMessage().contains("usbmuxd message: not a property list"), e.getMessage());
    assertTrue(e.getMessage().endsWith("at offset 16"), e.getMessage());

    byte[] whole = frame(1, 8, 1, "<plist><dict/></plist>".getBytes(StandardCharsets.US_ASCII));
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(whole, cut);
      EOFException eof = assertThrows(EOFException.class,
          () -> new UsbmuxCodec.Reader(new ByteArrayInputStream(part), 1 << 16).read());
      assertTrue(eof.getMessage().contains(cut < 16 ? "inside a message header" : "inside a message body"),
          eof.getMessage());
    }
  }

  @Test
  void arrayPlistIsNotADictionary() {
    byte[] array = frame(1, 8, 1, "<plist><array/></plist>".getBytes(StandardCharsets.US_ASCII));
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> new UsbmuxCodec.Reader(new ByteArrayInputStream(array), 1 << 16).read());
    assertTrue(e.getMessage().contains("expected a dictionary"), e.getMessage());
  }

  static byte[] frame(int version, int type, int tag, byte[] body) {
    return ByteBuffer.allocate(16 + body.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(16 + body.length).putInt(version).putInt(type).putInt(tag).put(body).array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void xmlWeWriteIsApples() {
    NSDictionary d = new NSDictionary();
    d.put("MessageType", "ListDevices");
    byte[] encoded = UsbmuxCodec.encode(UsbmuxMessage.plist(1, d));
    String body = new String(encoded, 16, encoded.length - 16, StandardCharsets.UTF_8);
    assertTrue(body.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), body);
    assertTrue(body.contains("<!DOCTYPE plist"), body);
    assertTrue(body.contains("<key>MessageType</key>"), body);
  }
}
