package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The writer's scheduling: fragments of different channels interleave round-robin, one channel keeps its order, callers
 * write inline, and what the reader queues goes to the flusher.
 */
class OutboundWriterTest {

  /** A message of {@code count} one-letter fragments, e.g. A0 A1 A2. */
  static final class Fake implements OutboundWriter.Outgoing {
    final String name;
    final int count;
    int next;
    boolean discarded;

    Fake(String name, int count) {
      this.name = name;
      this.count = count;
    }

    @Override
    public boolean hasNext() {
      return next < count;
    }

    @Override
    public ByteBuf next() {
      return Unpooled.copiedBuffer(name + next++ + " ", StandardCharsets.US_ASCII);
    }

    @Override
    public boolean singleFragment() {
      return count == 1;
    }

    @Override
    public int fragmentCount() {
      return count;
    }

    @Override
    public long wireLength() {
      return 3L * count;
    }

    @Override
    public void discard() {
      discarded = true;
    }
  }

  /** A flusher the test runs by hand. */
  private final java.util.List<Runnable> flusher = new java.util.ArrayList<>();

  private void runFlusher() {
    while (!flusher.isEmpty()) {
      flusher.remove(0).run();
    }
  }

  @Test
  void bigMessageDoesNotHoldBackOtherChannels() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Every thread is "the reader" here: nothing is written inline, the flusher drains.
    OutboundWriter writer = new OutboundWriter(out, t -> true, flusher::add, e -> {});
    writer.enqueue(1, new Fake("A", 5));
    writer.enqueue(2, new Fake("B", 1));
    writer.enqueue(3, new Fake("C", 2));
    writer.enqueue(1, new Fake("D", 1));
    assertEquals(1, flusher.size(), "one drain scheduled for the lot");
    assertEquals("", out.toString(StandardCharsets.US_ASCII));
    runFlusher();
    assertTrue(writer.awaitIdle(10, TimeUnit.SECONDS));
    writer.close();
    assertEquals("A0 B0 C0 A1 C1 A2 A3 A4 D0 ", out.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void aCallerWritesItsMessageItselfAndFlushes() throws Exception {
    AtomicInteger flushes = new AtomicInteger();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        bytes.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes.write(b, off, len);
      }

      @Override
      public void flush() {
        flushes.incrementAndGet();
      }
    };
    OutboundWriter writer = new OutboundWriter(out, t -> false, flusher::add, e -> {});
    writer.enqueue(1, new Fake("S", 1));
    writer.enqueue(2, new Fake("M", 3));
    assertEquals("S0 M0 M1 M2 ", bytes.toString(StandardCharsets.US_ASCII));
    assertEquals(2, flushes.get());
    assertTrue(flusher.isEmpty(), "no other thread involved");
    assertTrue(writer.awaitIdle(1, TimeUnit.SECONDS));
    writer.close();
  }

  @Test
  void aCallerLeavesALongQueueToTheFlusher() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutboundWriter writer = new OutboundWriter(out, t -> false, flusher::add, e -> {});
    int total = OutboundWriter.INLINE_FRAGMENTS + 10;
    writer.enqueue(1, new Fake("L", total));
    assertEquals(OutboundWriter.INLINE_FRAGMENTS, out.toString(StandardCharsets.US_ASCII).split(" ").length,
        "the caller wrote its share");
    assertFalse(writer.awaitIdle(50, TimeUnit.MILLISECONDS), "the rest waits for the flusher");
    assertEquals(1, flusher.size());
    runFlusher();
    assertEquals(total, out.toString(StandardCharsets.US_ASCII).split(" ").length);
    assertTrue(writer.awaitIdle(1, TimeUnit.SECONDS));
    writer.close();
  }

  @Test
  void closeDiscardsWhatIsQueuedAndRefusesMore() throws Exception {
    OutboundWriter writer = new OutboundWriter(new ByteArrayOutputStream(), t -> true, flusher::add, e -> {});
    Fake queued = new Fake("Q", 3);
    writer.enqueue(1, queued);
    writer.close();
    assertTrue(queued.discarded);
    Fake late = new Fake("L", 1);
    assertFalse(writer.enqueue(1, late));
    assertTrue(late.discarded);
    runFlusher();
  }

  @Test
  void aWriteFailureIsReported() throws Exception {
    IOException[] reported = new IOException[1];
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("broken pipe");
      }
    };
    OutboundWriter writer = new OutboundWriter(broken, t -> false, flusher::add, e -> reported[0] = e);
    writer.enqueue(1, new Fake("X", 1));
    assertEquals("broken pipe", reported[0].getMessage());
    writer.close();
  }

  @Test
  void noThreadToWriteWithFailsTheWriterInsteadOfWritingOnTheReader() throws Exception {
    IOException[] reported = new IOException[1];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutboundWriter writer = new OutboundWriter(out, t -> true, r -> {
      throw new OutOfMemoryError("unable to create native thread");
    }, e -> reported[0] = e);
    writer.enqueue(1, new Fake("R", 1));
    assertTrue(reported[0].getMessage().contains("no thread to write with"), reported[0].getMessage());
    assertEquals("", out.toString(StandardCharsets.US_ASCII));
    writer.close();
  }
}
