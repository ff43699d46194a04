package dtxkit.runtime;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Writes a connection's outgoing messages without a thread of its own: queues them per lane (one lane per channel)
 * and writes them a fragment at a time, taking the lanes in turn, so a 100 MiB message on one channel does not hold
 * back a small call on another. Within a lane messages keep their order.
 *
 * <p><b>Who writes.</b> One thread at a time drains the queue (the drainer). A thread that queues a message when
 * nobody is draining drains itself, at most {@link #INLINE_FRAGMENTS} fragments, then leaves what remains to the
 * shared flusher; the common call costs no thread hand-off. The connection's reader never writes (it would block on a
 * full socket while the peer blocks on ours): what it queues (control replies, refusals) is drained on the flusher,
 * an executor shared by connections that lends a thread only while there is something to write.
 *
 * <p>The output is buffered and flushed whenever the queue runs empty.
 *
 * <p><b>Bounds.</b> The bytes the reader has queued and that are not written yet are counted
 * ({@link #readerQueuedBytes()}); the reader waits for room ({@link #awaitReaderRoom}) before reading more, so a
 * peer that sends requests and never reads the answers stops being read instead of filling memory. A write that
 * does not finish is visible through {@link #writeStalledSince()} (the connection's watchdog drops it).
 */
final class OutboundWriter {

  /** The most fragments a calling thread writes before it hands the rest of the queue to the flusher. */
  static final int INLINE_FRAGMENTS = 64;

  /** One queued message: its fragments, handed out one at a time. */
  interface Outgoing {
    /** True when another fragment remains. */
    boolean hasNext();

    /**
     * The next fragment's bytes.
     *
     * @return a buffer released by the writer after writing it
     */
    ByteBuf next();

    /**
     * Writes the next fragment to {@code out}: the bytes {@link #next()} hands out (by default that buffer, released
     * here); a message may write them from its own buffers instead.
     */
    default void writeNext(OutputStream out) throws IOException {
      ByteBuf fragment = next();
      try {
        fragment.getBytes(fragment.readerIndex(), out, fragment.readableBytes());
      } finally {
        fragment.release();
      }
    }

    /** True when the whole message is a single fragment. */
    boolean singleFragment();

    /** How many fragments the message is sent in. */
    int fragmentCount();

    /** The message's size on the wire, headers included. */
    long wireLength();

    /** Releases whatever the message still holds; called when it is dropped unwritten. */
    void discard();
  }

  private static final class Lane {
    final int key;
    final ArrayDeque<Outgoing> messages = new ArrayDeque<>();

    Lane(int key) {
      this.key = key;
    }
  }

  /** Told when writing fails; the connection then drops. */
  interface FailureSink {
    void writeFailed(IOException e);
  }

  private final OutputStream out;
  private final Map<Integer, Lane> lanes = new HashMap<>();
  private final ArrayDeque<Lane> ready = new ArrayDeque<>();
  private final Predicate<Thread> isReader;
  private final Executor flusher;
  private final FailureSink failureSink;
  private final dtxkit.runtime.wire.DtxMemoryBudget budget;
  /** True while a thread drains the queue; only that thread touches {@link #out}. */
  private boolean draining;
  /** The message whose fragment is being written; close() leaves it to the drainer to discard. */
  private Outgoing current;
  private IOException failed;
  private boolean closed;
  /** Bytes of messages the reader queued that are not completely written; guarded by this. */
  private long readerQueued;
  /** When the fragment being written started, or 0. */
  private volatile long writeStarted;
  /** When a fragment was last written whole ({@link System#nanoTime()}): the idle timeout counts from it too. */
  private volatile long lastWritten = System.nanoTime();

  /**
   * @param isReader tells whether a thread is (currently) the connection's reader, which must never write
   * @param flusher where a drain runs when the reader queued a message, or a caller left part of the queue
   */
  OutboundWriter(OutputStream out, Predicate<Thread> isReader, Executor flusher, FailureSink failureSink) {
    this(out, isReader, flusher, failureSink, dtxkit.runtime.wire.DtxMemoryBudget.unlimited());
  }

  /**
   * @param budget where the messages the reader queues are reserved first (shared with other connections)
   */
  OutboundWriter(OutputStream out, Predicate<Thread> isReader, Executor flusher, FailureSink failureSink,
      dtxkit.runtime.wire.DtxMemoryBudget budget) {
    this.budget = budget;
    this.out = out;
    this.isReader = isReader;
    this.flusher = flusher;
    this.failureSink = failureSink;
  }

  /**
   * Queues a message on a lane, and drains the queue on this thread when nobody else is (unless this thread is the
   * reader).
   *
   * @return false (and the message discarded) when the writer is closed
   */
  boolean enqueue(int laneKey, Outgoing message) {
    boolean fromReader = isReader.test(Thread.currentThread());
    if (fromReader && !budget.tryReserve(message.wireLength())) {
      message.discard();
      fail(new IOException("a reply of " + message.wireLength() + " bytes would pass the memory budget shared by"
          + " the connections (" + budget + ")"));
      return false;
    }
    boolean inline;
    synchronized (this) {
      if (closed) {
        if (fromReader) {
          budget.release(message.wireLength());
        }
        message.discard();
        return false;
      }
      Outgoing queued = fromReader ? new ReaderQueued(message) : message;
      Lane lane = lanes.computeIfAbsent(laneKey, Lane::new);
      if (lane.messages.isEmpty()) {
        ready.addLast(lane);
      }
      lane.messages.addLast(queued);
      if (draining) {
        return true;
      }
      draining = true;
      inline = !fromReader;
    }
    if (inline) {
      drain(INLINE_FRAGMENTS);
    } else {
      handToFlusher();
    }
    return true;
  }

  private void handToFlusher() {
    try {
      flusher.execute(() -> drain(Integer.MAX_VALUE));
    } catch (RuntimeException | Error e) {
      // No thread to write with (the flusher refused, or the JVM could not start a thread): the connection drops.
      fail(new IOException("no thread to write with: " + e, e));
      synchronized (this) {
        draining = false;
        notifyAll();
      }
    }
  }

  /**
   * Writes queued fragments, lanes in turn, until the queue is empty (then flushes and stops draining) or
   * {@code budget} fragments are written (then hands the rest to the flusher). Called with {@link #draining} set.
   */
  private void drain(int budget) {
    int written = 0;
    while (true) {
      Lane lane;
      Outgoing message;
      synchronized (this) {
        if (closed) {
          draining = false;
          notifyAll();
          return;
        }
        lane = ready.pollFirst();
        message = lane == null ? null : lane.messages.peekFirst();
        current = message;
      }
      if (message == null) {
        // Empty: flush outside the lock, then stop unless something came meanwhile.
        try {
          writeStarted = System.nanoTime();
          out.flush();
          writeStarted = 0;
        } catch (IOException e) {
          writeStarted = 0;
          stopDraining();
          fail(e);
          return;
        }
        synchronized (this) {
          if (ready.isEmpty() || closed) {
            draining = false;
            notifyAll();
            return;
          }
        }
        continue;
      }
      if (written >= budget) {
        synchronized (this) {
          current = null;
          ready.addFirst(lane);
        }
        handToFlusher();
        return;
      }
      boolean done;
      try {
        writeStarted = System.nanoTime();
        message.writeNext(out);
        done = !message.hasNext();
        writeStarted = 0;
        lastWritten = System.nanoTime();
      } catch (IOException e) {
        writeStarted = 0;
        synchronized (this) {
          current = null;
        }
        message.discard();
        stopDraining();
        fail(e);
        return;
      }
      written++;
      synchronized (this) {
        current = null;
        if (closed) {
          // close() left the message being written to us.
          message.discard();
          draining = false;
          notifyAll();
          return;
        }
        if (done) {
          lane.messages.pollFirst();
          if (message instanceof ReaderQueued r) {
            r.settle();
          }
        }
        if (!lane.messages.isEmpty()) {
          ready.addLast(lane);
        }
      }
    }
  }

  /** A message the reader queued: its bytes count until written or discarded. Guarded by the writer. */
  private final class ReaderQueued implements Outgoing {
    private final Outgoing message;
    private final long length;
    private boolean settled;

    /** The message's length is already reserved in the budget. */
    ReaderQueued(Outgoing message) {
      this.message = message;
      this.length = message.wireLength();
      readerQueued += length;
    }

    /** Called with the writer's lock held, once the message is written or dropped. */
    void settle() {
      if (!settled) {
        settled = true;
        readerQueued -= length;
        budget.release(length);
        OutboundWriter.this.notifyAll();
      }
    }

    @Override
    public boolean hasNext() {
      return message.hasNext();
    }

    @Override
    public ByteBuf next() {
      return message.next();
    }

    @Override
    public void writeNext(OutputStream out) throws IOException {
      message.writeNext(out);
    }

    @Override
    public boolean singleFragment() {
      return message.singleFragment();
    }

    @Override
    public int fragmentCount() {
      return message.fragmentCount();
    }

    @Override
    public long wireLength() {
      return length;
    }

    @Override
    public void discard() {
      synchronized (OutboundWriter.this) {
        settle();
      }
      message.discard();
    }
  }

  /** Bytes of messages the reader queued that are not written yet. */
  synchronized long readerQueuedBytes() {
    return readerQueued;
  }

  /**
   * Waits while more than {@code limit} bytes the reader queued are unwritten: the reader's back-pressure. Returns at
   * once when there is room, and when the writer closes.
   */
  void awaitReaderRoom(long limit) throws InterruptedException {
    synchronized (this) {
      while (!closed && readerQueued > limit) {
        wait(1000);
      }
    }
  }

  /** When the write in progress started ({@link System#nanoTime()}), or 0 when no write is in progress. */
  long writeStalledSince() {
    return writeStarted;
  }

  /** When a fragment was last written whole, or when the writer was made if none was. */
  long lastWritten() {
    return lastWritten;
  }

  private synchronized void stopDraining() {
    draining = false;
    notifyAll();
  }

  /**
   * Waits until everything queued before this call is written and flushed.
   *
   * @return true when idle, false on timeout or when the writer failed
   */
  boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (this) {
      while (!closed && (draining || !ready.isEmpty())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return !closed || failed == null;
    }
  }

  private void fail(IOException e) {
    synchronized (this) {
      if (failed == null) {
        failed = e;
      }
    }
    failureSink.writeFailed(e);
  }

  /** Stops the writer and discards whatever is still queued (the messages release their buffers). */
  void close() {
    ArrayDeque<Outgoing> dropped = new ArrayDeque<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ready.clear();
      for (Lane lane : lanes.values()) {
        for (Outgoing message : lane.messages) {
          if (message != current) {
            dropped.add(message);
          }
        }
        lane.messages.clear();
      }
      notifyAll();
    }
    for (Outgoing message : dropped) {
      message.discard();
    }
  }
}
