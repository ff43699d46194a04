package dtxkit.runtime.tunnel.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** TCP segments on bytes: packets Linux produced (see fixtures/kernel-tcp) parse, check and rebuild exactly. */
class TcpSegmentTest {
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = TcpSegmentTest.class.getResourceAsStream("/fixtures/kernel-tcp/" + name + ".hex")) {
      return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
  }

  /** Rebuilds a parsed segment with {@link TcpSegment#build}; only the kernel's flow label is copied over. */
  static byte[] rebuild(TcpSegment s, byte[] original) {
    byte[] payload = s.payload();
    byte[] p = TcpSegment.build(s.source(), s.destination(), s.sourcePort(), s.destinationPort(), s.seq(), s.ack(),
        s.flags(), s.window(), s.mss(), s.windowScale(), payload, 0, payload.length);
    System.arraycopy(original, 1, p, 1, 3);
    TcpSegment.put16(p, 56, TcpSegment.checksum(p));
    return p;
  }

  @Test
  void theKernelsSynAckHasItsOptionsAndRebuildsByteForByte() throws Exception {
    byte[] p = fixture("syn-ack");
    TcpSegment s = TcpSegment.parse(p);
    assertTrue(s.has(TcpSegment.SYN | TcpSegment.ACK));
    assertEquals(15940, s.mss());
    assertEquals(10, s.windowScale());
    assertFalse(s.sackPermitted(), "dtxkit's SYN offers no SACK, so the kernel answers without it");
    assertEquals(0, s.payloadLength());
    assertEquals(1, s.sequenceLength());
    assertEquals(TcpSegment.u16(p, 56), TcpSegment.checksum(p));
    assertArrayEquals(p, rebuild(s, p));
  }

  @Test
  void theKernelsOtherSegmentsRebuildByteForByte() throws Exception {
    for (String name : new String[] {"ack", "data-small", "data-full", "fin-ack", "rst"}) {
      byte[] p = fixture(name);
      TcpSegment s = TcpSegment.parse(p);
      assertEquals(-1, s.mss(), name);
      assertArrayEquals(p, rebuild(s, p), name);
    }
    TcpSegment full = TcpSegment.parse(fixture("data-full"));
    assertEquals(TcpOptions.MAX_MSS, full.payloadLength(), "the kernel honours the MSS dtxkit announced");
    assertTrue(TcpSegment.parse(fixture("data-small")).has(TcpSegment.PSH));
    assertTrue(TcpSegment.parse(fixture("fin-ack")).has(TcpSegment.FIN | TcpSegment.ACK));
    TcpSegment rst = TcpSegment.parse(fixture("rst"));
    assertEquals(TcpSegment.RST, rst.flags());
  }

  @Test
  void aFlippedBitAnywhereInTheSegmentOrPseudoHeaderFailsTheChecksum() throws Exception {
    byte[] p = fixture("data-small");
    for (int i = 8; i < p.length; i++) {
      if (i == 56 || i == 57) {
        continue;
      }
      byte[] bad = p.clone();
      bad[i] ^= 0x10;
      int at = i;
      TcpSegmentException e = assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(bad), "byte " + at);
      if (i != 40 + 12) {
        assertEquals("TCP checksum", e.field(), "byte " + i);
        assertEquals(56, e.offset());
      }
    }
    byte[] bad = p.clone();
    bad[57] ^= 1;
    TcpSegmentException e = assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(bad));
    assertTrue(e.getMessage().startsWith("bad TCP checksum 0x"), e.getMessage());
  }

  @Test
  void headerFieldsAreCheckedWithTheirOffsets() throws Exception {
    byte[] p = fixture("syn-ack");
    byte[] v4 = p.clone();
    v4[0] = 0x45;
    assertEquals(0, assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(v4)).offset());
    byte[] len = p.clone();
    len[5]++;
    TcpSegmentException l = assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(len));
    assertEquals("IPv6 payload length", l.field());
    assertEquals(4, l.offset());
    byte[] udp = p.clone();
    udp[6] = 17;
    assertEquals(6, assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(udp)).offset());
    assertEquals(17, TcpSegment.nextHeader(udp));
    byte[] offset = p.clone();
    offset[52] = (byte) 0xF0;
    TcpSegmentException d = assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(offset));
    assertEquals("TCP data offset", d.field());
    assertEquals(52, d.offset());
    assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(new byte[59]));
  }

  @Test
  void malformedOptionsAreCaughtAfterTheChecksum() throws Exception {
    byte[] p = fixture("syn-ack");
    // MSS option (kind 2 at 60) with length 0, then 5, then a window scale (at 65) running past the header.
    int[][] cases = {{61, 0}, {61, 5}, {66, 4}};
    String[] fields = {"TCP option 2 length", "TCP MSS option length", "TCP option 3 length"};
    for (int i = 0; i < cases.length; i++) {
      byte[] bad = p.clone();
      bad[cases[i][0]] = (byte) cases[i][1];
      TcpSegment.put16(bad, 56, TcpSegment.checksum(bad));
      TcpSegmentException e = assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(bad));
      assertEquals(fields[i], e.field());
      assertEquals(cases[i][0], e.offset());
    }
  }

  @Test
  void bothZerosOfOnesComplementAreAGoodChecksum() throws Exception {
    byte[] p = fixture("data-full");
    // Add the checksum to a payload word: the sum of everything but the checksum becomes 0xFFFF (negative zero), so
    // its complement, the checksum, is 0x0000, which a sender may equally write as 0xFFFF (Linux does).
    int c = TcpSegment.u16(p, 56);
    int at = 60 + 100;
    int word = TcpSegment.u16(p, at) + c;
    TcpSegment.put16(p, at, (word & 0xFFFF) + (word >>> 16));
    assertEquals(0, TcpSegment.checksum(p));
    TcpSegment.put16(p, 56, 0x0000);
    assertEquals(TcpOptions.MAX_MSS, TcpSegment.parse(p).payloadLength());
    TcpSegment.put16(p, 56, 0xFFFF);
    assertEquals(TcpOptions.MAX_MSS, TcpSegment.parse(p).payloadLength(), "0xFFFF is zero too");
    TcpSegment.put16(p, 56, 0xFFFE);
    assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(p));
    byte[] q = fixture("data-full");
    if (TcpSegment.u16(q, 56) != 0xFFFF) {
      TcpSegment.put16(q, 56, 0xFFFF);
      assertThrows(TcpSegmentException.class, () -> TcpSegment.parse(q), "0xFFFF only stands for 0x0000");
    }
  }

  @Test
  void buildAndParseAgree() throws Exception {
    byte[] src = new byte[16];
    byte[] dst = new byte[16];
    src[0] = (byte) 0xfd;
    dst[0] = (byte) 0xfd;
    src[15] = 2;
    dst[15] = 1;
    for (int len : new int[] {0, 1, 2, 3, 1339, 1340}) {
      byte[] payload = new byte[len];
      for (int i = 0; i < len; i++) {
        payload[i] = (byte) (i * 7);
      }
      byte[] p = TcpSegment.build(src, dst, 50000, 58783, 0x80000001, -2, TcpSegment.ACK | TcpSegment.PSH, 65535,
          len == 0 ? 1340 : -1, len == 0 ? 7 : -1, payload, 0, len);
      TcpSegment s = TcpSegment.parse(p);
      assertEquals(50000, s.sourcePort());
      assertEquals(58783, s.destinationPort());
      assertEquals(0x80000001, s.seq());
      assertEquals(-2, s.ack());
      assertEquals(65535, s.window());
      assertArrayEquals(payload, s.payload());
      assertEquals(len == 0 ? 1340 : -1, s.mss());
      assertEquals(len == 0 ? 7 : -1, s.windowScale());
      assertTrue(s.toString().contains("[PA]"), s.toString());
    }
  }
}
