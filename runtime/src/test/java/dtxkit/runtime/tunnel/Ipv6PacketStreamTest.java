package dtxkit.runtime.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxLimitExceededException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Splitting the tunnel's byte stream into IPv6 packets by their payload length, wherever the reads end. */
class Ipv6PacketStreamTest {
  static byte[] packet(int payload, int seed) {
    byte[] p = new byte[40 + payload];
    new Random(seed).nextBytes(p);
    p[0] = (byte) (0x60 | (p[0] & 0x0F));
    p[4] = (byte) (payload >>> 8);
    p[5] = (byte) payload;
    return p;
  }

  static Ipv6PacketStream stream(InputStream in, int max) {
    return new Ipv6PacketStream(in, new ByteArrayOutputStream(), () -> { }, max, 0, "test");
  }

  static List<byte[]> readAll(Ipv6PacketStream s) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (byte[] p; (p = s.read()) != null; ) {
      out.add(p);
    }
    return out;
  }

  @Test
  void packetsComeOutWholeWhereverTheReadsEnd() throws Exception {
    byte[][] packets = {packet(20, 1), packet(1, 2), packet(1300, 3), packet(60, 4), packet(16000 - 40, 5)};
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] p : packets) {
      all.write(p);
    }
    byte[] bytes = all.toByteArray();
    for (int split = 0; split <= bytes.length; split += split < 1500 ? 1 : 97) {
      List<byte[]> got = readAll(stream(new ChunkedInput(bytes, split, split + 3, split + 41), 16000));
      assertEquals(packets.length, got.size(), "split at " + split);
      for (int i = 0; i < packets.length; i++) {
        assertArrayEquals(packets[i], got.get(i), "packet " + i + ", split at " + split);
      }
    }
    // A read holding every packet, and reads of one byte.
    assertEquals(packets.length, readAll(stream(new ByteArrayInputStream(bytes), 16000)).size());
    int[] ones = new int[bytes.length];
    for (int i = 0; i < ones.length; i++) {
      ones[i] = i + 1;
    }
    Ipv6PacketStream s = stream(new ChunkedInput(bytes, ones), 16000);
    assertEquals(packets.length, readAll(s).size());
    assertEquals(bytes.length, s.offset());
  }

  @Test
  void writesAreBufferedUntilFlushed() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Ipv6PacketStream s = new Ipv6PacketStream(new ByteArrayInputStream(new byte[0]), out, () -> { }, 1500, 0, "t");
    byte[] p = packet(100, 9);
    s.write(p, 0, p.length);
    assertEquals(0, out.size());
    s.flush();
    assertArrayEquals(p, out.toByteArray());
    assertThrows(IllegalArgumentException.class, () -> s.write(new byte[20], 0, 20));
  }

  @Test
  void aVersionOtherThanSixNamesTheOffset() {
    byte[] two = new byte[140];
    System.arraycopy(packet(60, 1), 0, two, 0, 100);
    byte[] bad = packet(0 + 1, 2);
    bad[0] = 0x45;
    System.arraycopy(bad, 0, two, 100, 40);
    Ipv6PacketStream s = stream(new ByteArrayInputStream(two), 1500);
    TunnelProtocolException e = assertThrows(TunnelProtocolException.class, () -> readAll(s));
    assertEquals("IPv6 version", e.field());
    assertEquals(100, e.offset());
    assertTrue(e.getMessage().contains("bad IPv6 version 4 (expected 6) at offset 100"), e.getMessage());
  }

  @Test
  void aJumbogramOrAnOversizedPacketIsRefusedBeforeAllocating() {
    byte[] zero = packet(10, 1);
    zero[4] = 0;
    zero[5] = 0;
    TunnelProtocolException e = assertThrows(TunnelProtocolException.class,
        () -> stream(new ByteArrayInputStream(zero), 1500).read());
    assertEquals(4, e.offset());
    byte[] header = packet(60000, 2);
    // Only the header is there: the limit is checked before waiting for (or allocating) the rest.
    DtxLimitExceededException big = assertThrows(DtxLimitExceededException.class,
        () -> stream(new ByteArrayInputStream(header, 0, 40), 1500).read());
    assertEquals(4, big.offset());
    assertTrue(big.getMessage().contains("60040 > 1500"), big.getMessage());
  }

  @Test
  void aStreamEndingInsideAPacketSaysWhere() throws IOException {
    byte[] p = packet(100, 1);
    for (int cut : new int[] {1, 39, 40, 139}) {
      byte[] two = new byte[p.length + cut];
      System.arraycopy(p, 0, two, 0, p.length);
      System.arraycopy(p, 0, two, p.length, cut);
      Ipv6PacketStream s = stream(new ByteArrayInputStream(two), 1500);
      assertArrayEquals(p, s.read());
      EOFException e = assertThrows(EOFException.class, s::read);
      assertTrue(e.getMessage().contains("at offset " + (p.length + cut)), e.getMessage());
    }
    assertNull(stream(new ByteArrayInputStream(new byte[0]), 1500).read());
  }
}
