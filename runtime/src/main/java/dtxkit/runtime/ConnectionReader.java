package dtxkit.runtime;

import dtxkit.runtime.wire.DtxLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading loop of a connection: reads the transport, decodes messages and hands each to the
 * {@link InboundRouter}, until the stream ends, a read fails or the peer breaks the protocol; then tells the
 * connection why ({@link EndSink}). No user code runs on the thread that reads.
 *
 * <p>With a twin ({@code twin} true) two threads take turns at reading (leader and follower): when a read brings a
 * message for a channel whose delivery queue is idle, the reader hands the reader role to the waiting twin, then runs
 * that queue itself, which saves a request the wake-up of a delivery thread. The thread running user code never holds
 * the reader role at that time. Without a twin one thread reads until the end.
 */
final class ConnectionReader implements InboundRouter.Queuer {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);
  /** The smallest and largest read: an idle connection holds a small buffer, a busy one reads in large ones. */
  static final int MIN_READ = 8 * 1024;
  static final int MAX_READ = 256 * 1024;

  /** Told once, when reading has ended. */
  interface EndSink {
    void readingEnded(String why, Throwable cause);
  }

  private final String name;
  private final InputStream in;
  private final Codec.Decoder decoder;
  private final InboundRouter router;
  private final EndSink endSink;
  private final BooleanSupplier closing;
  /** Waits before each read while the connection's own queued replies are not drained (back-pressure). */
  private final Runnable beforeRead;
  /** When bytes last arrived ({@link System#nanoTime()}). */
  private volatile long lastRead = System.nanoTime();
  /** Since when a fragment or message is partly received, or 0 when none is. */
  private volatile long incompleteSince;
  /** Bytes the decoder holds for messages being reassembled, as of the last read. */
  private volatile long buffered;
  /** The size of the next read's buffer: doubled after a read that filled it, halved after two small ones. */
  private int readSize = MIN_READ;
  private int smallReads;
  /** Where the reading loop runs instead of a thread of its own ({@link DtxConnectionOptions#runReaderWith}), or null. */
  private final java.util.function.Consumer<Runnable> runner;
  /** The thread that reads first, or null with a {@link #runner}. */
  private final Thread readerThread;
  /** The second reading thread, or null. */
  private final Thread twinThread;
  /** The thread that holds the reader role now: only it touches {@link #in} and {@link #decoder}. */
  private volatile Thread reader;
  /** The reading thread waiting for the reader role, if any: the one a delivery may be left to. */
  private final AtomicReference<Thread> idleTwin = new AtomicReference<>();
  /** Set by the last reader when reading has ended: the waiting thread stops. */
  private volatile boolean readingDone;
  /** A delivery queue the current reader will run itself once it has passed the reader role on; reader only. */
  private SerialQueue claimed;
  /** The thread the reader role goes to before {@link #claimed} runs; reader only. */
  private Thread claimedTwin;

  /**
   * @param closing true once the connection is being closed on purpose (a failed read then is no failure)
   */
  ConnectionReader(String name, InputStream in, DtxLimits limits, boolean twin, InboundRouter router,
      EndSink endSink, BooleanSupplier closing, java.util.concurrent.ThreadFactory threads, Runnable beforeRead,
      dtxkit.runtime.wire.DtxMemoryBudget budget) {
    this(name, in, limits, twin, router, endSink, closing, threads, beforeRead, budget, null);
  }

  /**
   * @param runner where the reading loop runs instead of a thread of its own, or null (then {@code threads} is used)
   */
  ConnectionReader(String name, InputStream in, DtxLimits limits, boolean twin, InboundRouter router,
      EndSink endSink, BooleanSupplier closing, java.util.concurrent.ThreadFactory threads, Runnable beforeRead,
      dtxkit.runtime.wire.DtxMemoryBudget budget, java.util.function.Consumer<Runnable> runner) {
    this.beforeRead = beforeRead;
    this.name = name;
    this.in = in;
    this.decoder = new Codec.Decoder(limits, budget);
    this.router = router;
    this.endSink = endSink;
    this.closing = closing;
    this.runner = runner;
    if (runner != null) {
      if (twin) {
        throw new IllegalArgumentException("a reader run by the caller has no twin");
      }
      this.readerThread = null;
      this.twinThread = null;
      return;
    }
    this.readerThread = thread(threads, name + "-reader");
    this.reader = readerThread;
    if (twin) {
      this.twinThread = thread(threads, name + "-reader-twin");
      idleTwin.set(twinThread);
    } else {
      this.twinThread = null;
    }
  }

  /** A reading thread: from the application's factory if it gave one, else a named platform daemon thread. */
  private Thread thread(java.util.concurrent.ThreadFactory threads, String threadName) {
    if (threads == null) {
      Thread t = new Thread(this::loop, threadName);
      t.setDaemon(true);
      return t;
    }
    Thread t = threads.newThread(this::loop);
    if (t == null) {
      throw new IllegalStateException("the thread factory returned no thread");
    }
    return t;
  }

  void start() {
    if (runner != null) {
      runner.accept(() -> {
        reader = Thread.currentThread();
        loop();
      });
      return;
    }
    readerThread.start();
    if (twinThread != null) {
      twinThread.start();
    }
  }

  /** True when {@code thread} holds the reader role at this moment. */
  boolean isReader(Thread thread) {
    return thread == reader;
  }

  private void loop() {
    Thread self = Thread.currentThread();
    while (true) {
      while (reader != self) {
        if (readingDone) {
          return;
        }
        LockSupport.park(this);
      }
      SerialQueue mine = readUntilClaimed();
      if (mine == null) {
        return;
      }
      mine.run();
      idleTwin.set(self);
    }
  }

  /**
   * Reads and routes messages while this thread holds the reader role.
   *
   * @return a delivery queue to run now that the role has passed to the twin, or null when reading has ended
   */
  private SerialQueue readUntilClaimed() {
    String why;
    Throwable cause = null;
    try {
      while (true) {
        // Pooled: a fresh zeroed array per read costs as much as the copy itself on bulk transfers. Sized to the
        // traffic: a blocked read holds its buffer, and a thousand idle connections must not hold 256 KiB each.
        beforeRead.run();
        ByteBuf chunk = ByteBufAllocator.DEFAULT.heapBuffer(readSize);
        int n;
        try {
          n = chunk.writeBytes(in, chunk.writableBytes());
        } catch (IOException | RuntimeException e) {
          chunk.release();
          throw e;
        }
        if (n < 0) {
          chunk.release();
          why = "peer closed the stream";
          break;
        }
        adaptReadSize(n);
        long now = System.nanoTime();
        lastRead = now;
        decoder.feed(chunk, message -> router.route(message, this));
        buffered = decoder.bufferedBytes();
        if (decoder.idle()) {
          incompleteSince = 0;
        } else if (incompleteSince == 0) {
          incompleteSince = now;
        }
        SerialQueue queue = claimed;
        if (queue != null) {
          Thread twin = claimedTwin;
          claimed = null;
          claimedTwin = null;
          reader = twin;
          LockSupport.unpark(twin);
          return queue;
        }
      }
    } catch (DtxProtocolException e) {
      why = "peer broke the protocol: " + e.getMessage();
      cause = e;
    } catch (IOException e) {
      boolean onPurpose = closing.getAsBoolean();
      why = onPurpose ? "closed by close()" : "read failed: " + e;
      cause = onPurpose ? null : e;
    } catch (RuntimeException | Error e) {
      LOG.error("{}: reader failed: {}", name, e.toString());
      LOG.debug("{}: the reader's failure", name, e);
      why = "reader failed: " + e;
      cause = e;
    }
    SerialQueue queue = claimed;
    if (queue != null) {
      // Claimed before the failure: its deliveries (and the onClosed to come) run on the executor instead.
      idleTwin.set(claimedTwin);
      claimed = null;
      claimedTwin = null;
      queue.runElsewhere();
    }
    decoder.close();
    readingDone = true;
    if (twinThread != null) {
      LockSupport.unpark(readerThread);
      LockSupport.unpark(twinThread);
    }
    endSink.readingEnded(why, cause);
    return null;
  }

  private void adaptReadSize(int n) {
    if (n >= readSize) {
      readSize = Math.min(readSize * 2, MAX_READ);
      smallReads = 0;
    } else if (n < readSize / 4 && readSize > MIN_READ) {
      if (++smallReads >= 2) {
        readSize /= 2;
        smallReads = 0;
      }
    } else {
      smallReads = 0;
    }
  }

  /** When bytes last arrived ({@link System#nanoTime()}). */
  long lastRead() {
    return lastRead;
  }

  /** Since when a fragment or message is partly received ({@link System#nanoTime()}), or 0 when none is. */
  long incompleteSince() {
    return incompleteSince;
  }

  /** Bytes held for messages being reassembled, as of the last read. */
  long bufferedBytes() {
    return buffered;
  }

  /** The size of the next read's buffer (for tests). */
  int readSize() {
    return readSize;
  }

  /**
   * Queues a delivery from the reader. When the queue is idle and the twin is waiting, the reader keeps the run for
   * itself (see the class comment); at most one queue per read.
   */
  @Override
  public boolean offer(SerialQueue queue, Runnable task) {
    if (claimed != null) {
      return queue.offer(task, false);
    }
    Thread twin = idleTwin.getAndSet(null);
    if (twin == null) {
      return queue.offer(task, false);
    }
    SerialQueue.Offer outcome = queue.offerOrClaim(task);
    if (outcome == SerialQueue.Offer.CLAIMED) {
      claimed = queue;
      claimedTwin = twin;
      return true;
    }
    idleTwin.set(twin);
    return outcome == SerialQueue.Offer.QUEUED;
  }
}
