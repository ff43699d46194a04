package dtxkit.runtime;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The single writer of a connection: queues outgoing messages per lane (one lane per channel) and writes them a
 * fragment at a time, taking the lanes in turn, so a 100 MiB message on one channel does not hold back a small call
 * on another. Within a lane messages keep their order.
 *
 * <p>Writes happen on the writer thread, except for a fast path: a caller that is not the connection's reader may
 * write a single-fragment message itself when nothing else is queued or being written, saving a thread hand-off per
 * call. The reader never writes (it would block on a full socket while the peer blocks on ours).
 *
 * <p>The output is buffered and flushed whenever the queue runs empty.
 */
final class OutboundWriter implements Runnable {

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

    /** True when the whole message is a single fragment. */
    boolean singleFragment();

    /** How many fragments the message is sent in. */
    int fragmentCount();

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

  private final OutputStream out;
  private final Map<Integer, Lane> lanes = new HashMap<>();
  private final ArrayDeque<Lane> ready = new ArrayDeque<>();
  private final Predicate<Thread> isReader;
  private final FailureSink failureSink;
  private boolean writing;
  /** The message the writer thread is writing a fragment of; close() leaves it to the writer thread to discard. */
  private Outgoing current;
  private boolean dirty;
  private int idleWaiters;
  private IOException failed;
  private boolean closed;

  /** Told when writing fails; the connection then drops. */
  interface FailureSink {
    void writeFailed(IOException e);
  }

  OutboundWriter(OutputStream out, Thread readerThread, FailureSink failureSink) {
    this(out, t -> t == readerThread, failureSink);
  }

  /**
   * @param isReader tells whether a thread is (currently) the connection's reader, which must never write inline
   */
  OutboundWriter(OutputStream out, Predicate<Thread> isReader, FailureSink failureSink) {
    this.out = out;
    this.isReader = isReader;
    this.failureSink = failureSink;
  }

  /**
   * Queues a message on a lane.
   *
   * @return false (and the message discarded) when the writer is closed
   */
  boolean enqueue(int laneKey, Outgoing message) {
    boolean inline;
    synchronized (this) {
      if (closed) {
        message.discard();
        return false;
      }
      inline = !writing && ready.isEmpty() && message.singleFragment() && !isReader.test(Thread.currentThread());
      if (inline) {
        writing = true;
      } else {
        Lane lane = lanes.computeIfAbsent(laneKey, Lane::new);
        if (lane.messages.isEmpty()) {
          ready.addLast(lane);
        }
        lane.messages.addLast(message);
        notifyAll();
        return true;
      }
    }
    // Fast path: this thread writes the message and flushes; the writer thread picks up whatever was queued meanwhile.
    IOException error = null;
    try {
      writeFragment(message.next());
      out.flush();
    } catch (IOException e) {
      error = e;
    }
    synchronized (this) {
      writing = false;
      if (error == null) {
        // The flush covered whatever the writer thread wrote before us; left set, it would keep awaitIdle waiting
        // on a writer thread that found us writing, went back to waiting, and is woken by no one.
        dirty = false;
      }
      // Wake the writer thread only when it has work or someone waits for idle: an idle writer woken for nothing
      // costs a context switch per call.
      if (!ready.isEmpty() || idleWaiters > 0) {
        notifyAll();
      }
    }
    if (error != null) {
      fail(error);
    }
    return true;
  }

  @Override
  public void run() {
    try {
      while (true) {
        Lane lane;
        Outgoing message;
        synchronized (this) {
          while (!closed && (writing || ready.isEmpty()) && !(!writing && dirty)) {
            wait();
          }
          if (closed) {
            return;
          }
          writing = true;
          lane = ready.pollFirst();
          message = lane == null ? null : lane.messages.peekFirst();
          current = message;
        }
        if (message == null) {
          // The queue ran empty after writes: flush outside the lock, then wait again.
          flushAndRelease();
          continue;
        }
        ByteBuf fragment = message.next();
        boolean done = !message.hasNext();
        try {
          writeFragment(fragment);
        } catch (IOException e) {
          fail(e);
          synchronized (this) {
            current = null;
          }
          message.discard();
          return;
        }
        synchronized (this) {
          current = null;
          if (closed) {
            // close() left the message being written to us.
            message.discard();
            return;
          }
          writing = false;
          dirty = true;
          if (done) {
            lane.messages.pollFirst();
          }
          if (!lane.messages.isEmpty()) {
            ready.addLast(lane);
          }
          notifyAll();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void flushAndRelease() {
    try {
      out.flush();
    } catch (IOException e) {
      fail(e);
      return;
    }
    synchronized (this) {
      dirty = false;
      writing = false;
      notifyAll();
    }
  }

  /** Writes one fragment; the fragment is released here. */
  private void writeFragment(ByteBuf fragment) throws IOException {
    try {
      fragment.getBytes(fragment.readerIndex(), out, fragment.readableBytes());
    } finally {
      fragment.release();
    }
  }

  /**
   * Waits until everything queued before this call is written and flushed.
   *
   * @return true when idle, false on timeout or when the writer failed
   */
  boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (this) {
      idleWaiters++;
      try {
        while (!closed && (writing || dirty || !ready.isEmpty())) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return !closed || failed == null;
      } finally {
        idleWaiters--;
      }
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
