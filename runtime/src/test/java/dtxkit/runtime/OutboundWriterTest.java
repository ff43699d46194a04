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

/** The writer's scheduling: fragments of different channels interleave round-robin; one channel keeps its order. */
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
    public void discard() {
      discarded = true;
    }
  }

  @Test
  void bigMessageDoesNotHoldBackOtherChannels() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutboundWriter writer = new OutboundWriter(out, Thread.currentThread(), e -> {});
    // Enqueued before the writer thread starts (and from the "reader" thread, so nothing is written inline).
    writer.enqueue(1, new Fake("A", 5));
    writer.enqueue(2, new Fake("B", 1));
    writer.enqueue(3, new Fake("C", 2));
    writer.enqueue(1, new Fake("D", 1));
    Thread t = new Thread(writer);
    t.start();
    assertTrue(writer.awaitIdle(10, TimeUnit.SECONDS));
    writer.close();
    t.join(5000);
    assertEquals("A0 B0 C0 A1 C1 A2 A3 A4 D0 ", out.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void aSmallMessageIsWrittenInlineWhenNothingIsQueued() throws Exception {
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
    Thread notTheCaller = new Thread(() -> {});
    OutboundWriter writer = new OutboundWriter(out, notTheCaller, e -> {});
    // No writer thread running: only the inline path can write this.
    writer.enqueue(1, new Fake("S", 1));
    assertEquals("S0 ", bytes.toString(StandardCharsets.US_ASCII));
    assertEquals(1, flushes.get());
    writer.close();
  }

  @Test
  void anInlineWriteFlushesWhatTheWriterThreadLeftUnflushed() throws Exception {
    // The writer thread has written a queued fragment and, in the moment before it comes back to flush it, a caller
    // takes the inline path, writes and flushes everything. The writer thread then sees an inline write in progress
    // and waits, and no one wakes it: so the inline flush must count for the writer's unflushed bytes too, or
    // awaitIdle (close()) waits out its whole timeout. The state is set directly: that moment cannot be forced
    // from outside.
    AtomicInteger flushes = new AtomicInteger();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        bytes.write(b);
      }

      @Override
      public void flush() {
        flushes.incrementAndGet();
      }
    };
    OutboundWriter writer = new OutboundWriter(out, new Thread(() -> {}), e -> {});
    java.lang.reflect.Field dirty = OutboundWriter.class.getDeclaredField("dirty");
    dirty.setAccessible(true);
    dirty.setBoolean(writer, true);
    writer.enqueue(1, new Fake("S", 1));
    assertEquals("S0 ", bytes.toString(StandardCharsets.US_ASCII));
    assertEquals(1, flushes.get());
    assertFalse(dirty.getBoolean(writer), "the inline flush covered the writer thread's bytes");
    assertTrue(writer.awaitIdle(10, TimeUnit.SECONDS));
    writer.close();
  }

  @Test
  void closeDiscardsWhatIsQueuedAndRefusesMore() throws Exception {
    OutboundWriter writer = new OutboundWriter(new ByteArrayOutputStream(), Thread.currentThread(), e -> {});
    Fake queued = new Fake("Q", 3);
    writer.enqueue(1, queued);
    writer.close();
    assertTrue(queued.discarded);
    Fake late = new Fake("L", 1);
    assertFalse(writer.enqueue(1, late));
    assertTrue(late.discarded);
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
    OutboundWriter writer = new OutboundWriter(broken, new Thread(() -> {}), e -> reported[0] = e);
    writer.enqueue(1, new Fake("X", 1));
    assertEquals("broken pipe", reported[0].getMessage());
    writer.close();
  }
}
