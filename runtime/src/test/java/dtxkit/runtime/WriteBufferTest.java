package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WriteBufferTest {

  /** Records each write the transport gets: its length, and whether it came from the caller's own array. */
  static final class Transport extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> writes = new ArrayList<>();
    final List<byte[]> arrays = new ArrayList<>();
    int flushes;
    boolean closed;

    @Override
    public void write(int b) {
      bytes.write(b);
      writes.add(1);
      arrays.add(null);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      writes.add(len);
      arrays.add(b);
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void smallWritesAreGatheredIntoOneWriteOfTheTransport() throws IOException {
    Transport t = new Transport();
    WriteBuffer w = new WriteBuffer(t, 256 * 1024, 64 * 1024);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 100; i++) {
      byte[] b = random(1 + i * 37, i);
      w.write(b);
      expected.write(b);
    }
    w.write(7);
    expected.write(7);
    assertEquals(List.of(), t.writes, "nothing written before a flush");
    w.flush();
    assertEquals(List.of(expected.size()), t.writes);
    assertEquals(1, t.flushes);
    assertArrayEquals(expected.toByteArray(), t.bytes.toByteArray());
  }

  @Test
  void aLargeWriteTopsUpTheBufferedHeaderAndGoesOutFromTheCallersArray() throws IOException {
    Transport t = new Transport();
    WriteBuffer w = new WriteBuffer(t, 256 * 1024, 64 * 1024);
    byte[] header = random(48, 1);
    byte[] body = random(128 * 1024, 2);
    w.write(header);
    w.write(body);
    // The header with the body's first 16 KiB in one write, the rest straight from the body's array.
    assertEquals(List.of(48 + WriteBuffer.TOP_UP, body.length - WriteBuffer.TOP_UP), t.writes);
    assertTrue(t.arrays.get(1) == body, "the rest of the body was not copied");
    assertEquals(0, w.buffered());
    w.flush();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(header);
    expected.write(body);
    assertArrayEquals(expected.toByteArray(), t.bytes.toByteArray());
  }

  @Test
  void aLargeWriteWithNothingBufferedIsOneWriteOfTheCallersArray() throws IOException {
    Transport t = new Transport();
    WriteBuffer w = new WriteBuffer(t, 256 * 1024, 64 * 1024);
    byte[] body = random(100_000, 3);
    w.write(body, 10, 90_000);
    assertEquals(List.of(90_000), t.writes);
    assertTrue(t.arrays.get(0) == body);
  }

  @Test
  void whenTheBufferIsTooFullToTopUpItIsWrittenFirst() throws IOException {
    Transport t = new Transport();
    WriteBuffer w = new WriteBuffer(t, 32 * 1024, 16 * 1024);
    byte[] small = random(15 * 1024, 4);
    byte[] small2 = random(15 * 1024, 5);
    byte[] large = random(20 * 1024, 6);
    w.write(small);
    w.write(small2);
    w.write(large);
    assertEquals(List.of(30 * 1024, 20 * 1024), t.writes, "30 KiB buffered leave no room for a 16 KiB top-up");
    assertTrue(t.arrays.get(1) == large);
  }

  @Test
  void aWriteThatDoesNotFitWritesTheBufferFirst() throws IOException {
    Transport t = new Transport();
    WriteBuffer w = new WriteBuffer(t, 32 * 1024, 32 * 1024);
    byte[] a = random(20 * 1024, 7);
    byte[] b = random(20 * 1024, 8);
    w.write(a);
    w.write(b);
    assertEquals(List.of(20 * 1024), t.writes);
    assertEquals(20 * 1024, w.buffered());
  }

  @Test
  void theArrayGrowsOnlyAsFarAsWritesNeed() throws IOException {
    Transport t = new Transport();
    WriteBuffer w = new WriteBuffer(t, 256 * 1024, 64 * 1024);
    assertEquals(8 * 1024, w.arrayLength(), "an idle connection holds 8 KiB, not 256");
    w.write(random(100, 9));
    w.flush();
    assertEquals(8 * 1024, w.arrayLength());
    for (int i = 0; i < 10; i++) {
      w.write(random(30 * 1024, 10 + i));
    }
    assertEquals(256 * 1024, w.arrayLength());
  }

  @Test
  void everySplitOfAStreamArrivesWholeAndInOrder() throws IOException {
    byte[] stream = random(300_000, 11);
    Random r = new Random(12);
    for (int round = 0; round < 200; round++) {
      Transport t = new Transport();
      WriteBuffer w = new WriteBuffer(t, 32 * 1024, 8 * 1024 + r.nextInt(24 * 1024));
      int at = 0;
      while (at < stream.length) {
        int n = Math.min(stream.length - at, r.nextInt(4) == 0 ? r.nextInt(70_000) : r.nextInt(200));
        if (n == 1 && r.nextBoolean()) {
          w.write(stream[at]);
        } else {
          w.write(stream, at, n);
        }
        at += n;
      }
      w.close();
      assertTrue(t.closed);
      assertArrayEquals(stream, t.bytes.toByteArray(), "round " + round);
      for (int len : t.writes) {
        assertTrue(len <= Math.max(32 * 1024, 70_000), "a write of " + len);
      }
    }
  }

  @Test
  void refusesBadArguments() {
    Transport t = new Transport();
    assertThrows(IllegalArgumentException.class, () -> new WriteBuffer(t, 1024, 512));
    assertThrows(IllegalArgumentException.class, () -> new WriteBuffer(t, 64 * 1024, 128 * 1024));
    WriteBuffer w = new WriteBuffer(t, 64 * 1024, 32 * 1024);
    assertThrows(IndexOutOfBoundsException.class, () -> w.write(new byte[4], 2, 3));
  }
}
