package dtxkit.runtime.wire;

import static dtxkit.runtime.wire.DtxTesting.ALLOC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Messages of {@link DtxMessageDecoder#ARRAY_REASSEMBLY_BYTES} or more in several fragments are reassembled into their payload's own array, each read
 * released as soon as it is copied, and that array is handed over without another copy
 * ({@link DtxMessage#payloadBytesHandedOver()}): the same message as through the zero-copy composite path in every
 * other respect, whatever the reads, and the composite path still serves compressed or malformed messages and a memory
 * budget too small for the array.
 */
class LargeMessageReassemblyTest {
  private static final int SIZE = (int) DtxMessageDecoder.ARRAY_REASSEMBLY_BYTES + 12_345;

  private static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] wire(DtxMessageType type, byte[] aux, byte[] payload, int fragmentBody) {
    DtxMessage m = DtxMessage.builder(type)
        .identifier(77)
        .channelCode(-3)
        .expectsReply(true)
        .payloadFlags(0x10, 0x02)
        .aux(Unpooled.wrappedBuffer(aux))
        .payload(Unpooled.wrappedBuffer(payload))
        .build();
    return DtxTesting.drain(new DtxFragmentEncoder(fragmentBody, ALLOC).encode(m));
  }

  /** Cut points every {@code step} bytes. */
  private static int[] cuts(int length, int step) {
    List<Integer> cuts = new ArrayList<>();
    for (int at = step; at < length; at += step) {
      cuts.add(at);
    }
    return cuts.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void aLargeFragmentedMessageIsHandedOverInItsOwnArray() throws Exception {
    byte[] aux = bytes(300, 1);
    byte[] payload = bytes(SIZE, 2);
    byte[] wire = wire(DtxMessageType.DATA, aux, payload, 64 * 1024);
    for (int step : new int[] {wire.length, 100_000, 4096, 777}) {
      try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC)) {
        List<DtxMessage> messages = DtxTesting.decode(decoder, wire, cuts(wire.length, step));
        assertEquals(1, messages.size());
        DtxMessage m = messages.get(0);
        try {
          assertEquals(DtxMessageType.DATA, m.type());
          assertEquals(77, m.identifier());
          assertEquals(-3, m.channelCode());
          assertEquals(0x10, m.flagsA());
          assertEquals(0x02, m.flagsB());
          assertArrayEquals(aux, m.auxBytes());
          assertArrayEquals(payload, m.payloadBytes());
          byte[] handed = m.payloadBytesHandedOver();
          assertArrayEquals(payload, handed);
          assertSame(handed, m.payloadBytesHandedOver(), "the payload's own array, not a copy");
          assertEquals(1 + (SIZE + 300 + 16 + 64 * 1024 - 1) / (64 * 1024), m.fragments().size());
        } finally {
          m.release();
        }
        assertEquals(0, decoder.bufferedBytes());
      }
    }
  }

  @Test
  void theBudgetCountsAMessageReassembledIntoItsArrayOnce() throws Exception {
    byte[] aux = bytes(300, 5);
    byte[] payload = bytes(SIZE, 6);
    int body = 64 * 1024;
    byte[] wire = wire(DtxMessageType.DATA, aux, payload, body);
    DtxMemoryBudget budget = DtxMemoryBudget.of(64L << 20);
    List<DtxMessage> out = new ArrayList<>();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC, budget)) {
      // Fragment by fragment: the header-only fragment 0, then bodies of 64 KiB (the last shorter).
      int at = 32;
      decoder.decode(Unpooled.wrappedBuffer(wire, 0, at), out::add);
      while (at < wire.length) {
        int end = Math.min(wire.length, at + 32 + body);
        decoder.decode(Unpooled.wrappedBuffer(wire, at, end - at), out::add);
        at = end;
        if (at < wire.length) {
          // The array (the payload) and the head (payload header and aux): not the fragments' bytes besides.
          assertEquals(SIZE + 16 + aux.length, budget.used(), "after the fragment ending at " + at);
        }
      }
      assertEquals(1, out.size());
      assertArrayEquals(payload, out.get(0).payloadBytesHandedOver());
    } finally {
      DtxTesting.releaseAll(out);
    }
    assertEquals(0, budget.used());
  }

  @Test
  void smallMessagesAndBudgetsTooSmallForTheArrayKeepTheCompositePath() throws Exception {
    byte[] payload = bytes(SIZE, 3);
    byte[] wire = wire(DtxMessageType.DATA, new byte[0], payload, 64 * 1024);
    // A budget that holds the fragments but not an array besides them.
    DtxMemoryBudget budget = DtxMemoryBudget.of(SIZE + 1000);
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC, budget)) {
      List<DtxMessage> messages = DtxTesting.decode(decoder, wire, cuts(wire.length, 50_000));
      DtxMessage m = messages.get(0);
      try {
        assertArrayEquals(payload, m.payloadBytes());
        assertNotSame(m.payloadBytesHandedOver(), m.payloadBytesHandedOver(), "a copy each time");
      } finally {
        m.release();
      }
    }
    assertEquals(0, budget.used());
    byte[] small = bytes((int) DtxMessageDecoder.ARRAY_REASSEMBLY_BYTES - 1_000, 4);
    byte[] smallWire = wire(DtxMessageType.DATA, new byte[0], small, 8 * 1024);
    List<DtxMessage> messages = DtxTesting.decodeAll(smallWire);
    try {
      assertArrayEquals(small, messages.get(0).payloadBytesHandedOver());
      assertNotSame(messages.get(0).payloadBytesHandedOver(), messages.get(0).payloadBytesHandedOver());
    } finally {
      DtxTesting.releaseAll(messages);
    }
  }

  @Test
  void aMalformedLargeMessageIsReportedAsOnTheCompositePath() throws Exception {
    byte[] payload = bytes(SIZE, 5);
    byte[] wire = wire(DtxMessageType.DATA, new byte[0], payload, 64 * 1024);
    // The payload header's total length: first body fragment, after fragment 0's header and its own.
    byte[] bad = wire.clone();
    bad[32 + 32 + 8] ^= 0x01;
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> DtxTesting.decodeAll(bad));
    assertEquals("total length", e.field());
  }

  @Test
  void aConnectionClosedMidMessageReleasesTheArrayReservation() throws Exception {
    byte[] payload = bytes(SIZE, 6);
    byte[] wire = wire(DtxMessageType.DATA, new byte[0], payload, 64 * 1024);
    DtxMemoryBudget budget = DtxMemoryBudget.of(8L * SIZE);
    DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC, budget);
    List<DtxMessage> out = new ArrayList<>();
    decoder.decode(DtxTesting.direct(wire, 0, wire.length / 2), out::add);
    assertEquals(0, out.size());
    decoder.close();
    assertEquals(0, budget.used());
    assertThrows(IllegalStateException.class,
        () -> decoder.decode(DtxTesting.direct(wire, wire.length / 2, wire.length), out::add));
  }

  @Test
  void theLimitsStillApply() {
    byte[] payload = bytes(SIZE, 7);
    byte[] wire = wire(DtxMessageType.DATA, new byte[0], payload, 64 * 1024);
    DtxLimits limits = DtxLimits.builder().maxMessageBytes(SIZE / 2).build();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(limits, ALLOC)) {
      assertThrows(DtxLimitExceededException.class, () -> DtxTesting.decode(decoder, wire));
    }
  }
}
