package dtxkit.runtime.http2;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import dtxkit.runtime.DtxLimitExceededException;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection over a blocking socket, as RemoteXPC uses it: raw frames, no HPACK, flow control in both
 * directions. It does not decide which frames to send when; the RemoteXPC client and the RSD server do, frame for
 * frame, through the {@code write*} methods.
 *
 * <h2>Threads and ordering</h2>
 * One reader thread per connection (made by the owner's {@link ThreadFactory}) decodes frames and calls the
 * {@link Handler} (never concurrently, in wire order). There is no writer thread: frames written with the
 * {@code write*} methods are queued and written by a task on a shared executor (one task per connection at a time,
 * only while there is something to write), in exactly the order they were queued, so a handler can answer frame
 * for frame without blocking the reader. A DATA frame without window stays at the head of the queue until a
 * WINDOW_UPDATE arrives; nothing waits for it. Two kinds of frame go ahead of the queue because the peer may be
 * waiting for them before it grants window: the WINDOW_UPDATEs that replenish what we received, and PING ACKs.
 *
 * <h2>Flow control</h2>
 * Inbound: every DATA byte counts against the connection and stream windows we granted; exceeding one is a
 * FLOW_CONTROL_ERROR. Bytes are consumed as soon as the handler returns, and WINDOW_UPDATEs are sent in batches once
 * half of the granted window (at most {@link Options#windowUpdateThreshold()}) has been used. Outbound: DATA is cut to
 * the peer's SETTINGS_MAX_FRAME_SIZE and never exceeds the peer's connection or stream window; SETTINGS changes of
 * INITIAL_WINDOW_SIZE adjust open streams as RFC 9113 §6.9.2 says.
 *
 * <h2>Budgets and timeouts</h2>
 * Queued bytes are bounded by {@link Options#maxQueuedBytes()}: a frame queued beyond it by the reader (an answer
 * to a peer that floods SETTINGS or PINGs without reading) fails the connection with a
 * {@link DtxLimitExceededException}; any other thread waits up to {@link Options#writeTimeout()} for room (back
 * pressure), then the connection fails. A write blocked on the socket longer than the write timeout, a frame that
 * takes longer than {@link Options#frameTimeout()} to arrive (slowloris), and, when {@link Options#pingInterval()}
 * is set, a peer that answers nothing within {@link Options#pingTimeout()} of a PING (half-open) close the
 * connection.
 *
 * <h2>Errors</h2>
 * A framing error, or a {@link DtxProtocolException} thrown by the handler, sends GOAWAY with the error and closes the
 * socket; {@link Handler#onClosed} then reports the cause. Every queued write fails when the connection closes; no
 * caller waits forever.
 */
public final class Http2Connection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);

  /**
   * What the connection tells its owner. Called on the reader thread, one call at a time, in wire order; a handler
   * must not block on the network (queue writes instead).
   */
  public interface Handler {
    /** The peer's SETTINGS (not an ACK), already applied; the ACK is queued right after this returns. */
    default void onSettings(Http2Connection connection, Http2Settings settings) throws IOException {}

    /**
     * Called right after our ACK of the peer's SETTINGS was queued: anything queued from here on follows the ACK
     * on the wire.
     */
    default void onSettingsAcknowledged(Http2Connection connection, Http2Settings settings) throws IOException {}

    /** The peer acknowledged our SETTINGS. */
    default void onSettingsAck(Http2Connection connection) throws IOException {}

    /** A complete header block opened or continued {@code streamId}. */
    void onHeaders(Http2Connection connection, int streamId, boolean endStream) throws IOException;

    /**
     * DATA on {@code streamId}.
     *
     * @param data the payload; valid only during the call, released by the connection afterwards (retain to keep)
     */
    void onData(Http2Connection connection, int streamId, ByteBuf data, boolean endStream) throws IOException;

    /** The peer reset {@code streamId}. */
    default void onRstStream(Http2Connection connection, int streamId, long errorCode) throws IOException {}

    /**
     * Called by the reader after each read and, when the connection has timeouts, at least every quarter of the
     * shortest (of {@link Options#messageTimeout()} among them): where a handler times out what it reassembles
     * above HTTP/2. An exception thrown here fails the connection.
     *
     * @param nowNanos {@link System#nanoTime()}
     */
    default void onTick(Http2Connection connection, long nowNanos) throws IOException {}

    /** The peer sent GOAWAY; the connection closes after this returns. */
    default void onGoAway(Http2Connection connection, int lastStreamId, long errorCode, String debug) {}

    /**
     * The connection closed, once. {@code cause} is null after {@link #close()}, an {@link EOFException} when the
     * peer closed, a {@link DtxProtocolException} on a protocol error, or the I/O error.
     */
    void onClosed(Http2Connection connection, Throwable cause);
  }

  /**
   * Tuning.
   *
   * @param maxInboundFrameSize the largest frame payload we accept (our SETTINGS_MAX_FRAME_SIZE; we never advertise
   *     another value, so 16384 unless the owner's SETTINGS change it)
   * @param windowUpdateThreshold the most inbound bytes consumed before a WINDOW_UPDATE is sent (batches are smaller
   *     when the granted window is small: half of it)
   * @param maxStreams the most streams tracked at once; more is a protocol error
   * @param maxQueuedBytes the most bytes queued for writing (a single larger DATA is let through when nothing else
   *     is queued)
   * @param writeTimeout how long a writer waits for room in the queue, and the longest a socket write may block
   * @param frameTimeout the longest a frame may take to arrive once its first byte has (0: no limit)
   * @param pingInterval after this long without a byte from the peer a PING is sent (0: never)
   * @param pingTimeout the connection closes when nothing arrives this long after that PING
   * @param messageTimeout the longest a message of the protocol above HTTP/2 (an XPC message) may take to arrive
   *     whole across DATA frames once its first byte has (0: no limit). The connection does not know those
   *     messages: it wakes its reader often enough and calls {@link Handler#onTick}, where the handler enforces it
   */
  public record Options(int maxInboundFrameSize, int windowUpdateThreshold, int maxStreams, long maxQueuedBytes,
      Duration writeTimeout, Duration frameTimeout, Duration pingInterval, Duration pingTimeout,
      Duration messageTimeout) {
    /**
     * 16 KiB frames, WINDOW_UPDATE every 1 MiB at most (pymobiledevice3's batch size), 1000 streams, 4 MiB queued,
     * 30 s write and frame timeouts, no keep-alive PINGs (a client's choice: the device closes idle tunnels itself),
     * 60 s for a message across frames.
     */
    public static final Options DEFAULT = new Options(Http2.DEFAULT_MAX_FRAME_SIZE, 1 << 20, 1000, 4L << 20,
        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(20),
        Duration.ofSeconds(60));

    /** {@link #DEFAULT} plus a PING after 60 s of silence, answered within 20 s: what a server uses. */
    public static final Options SERVER_DEFAULT = DEFAULT.withPing(Duration.ofSeconds(60), Duration.ofSeconds(20));

    /** The first three settings with the defaults for the rest. */
    public Options(int maxInboundFrameSize, int windowUpdateThreshold, int maxStreams) {
      this(maxInboundFrameSize, windowUpdateThreshold, maxStreams, DEFAULT.maxQueuedBytes, DEFAULT.writeTimeout,
          DEFAULT.frameTimeout, DEFAULT.pingInterval, DEFAULT.pingTimeout, DEFAULT.messageTimeout);
    }

    /** Rejects non-positive sizes and negative durations. */
    public Options {
      if (maxInboundFrameSize <= 0 || windowUpdateThreshold <= 0 || maxStreams <= 0 || maxQueuedBytes <= 0) {
        throw new IllegalArgumentException("sizes must be positive");
      }
      for (Duration d : new Duration[] {writeTimeout, frameTimeout, pingInterval, pingTimeout, messageTimeout}) {
        if (d == null || d.isNegative()) {
          throw new IllegalArgumentException("durations must be present and not negative: " + d);
        }
      }
      if (writeTimeout.isZero() || pingTimeout.isZero()) {
        throw new IllegalArgumentException("write and ping timeouts must be positive");
      }
    }

    /** These options with another queue bound. */
    public Options withMaxQueuedBytes(long bytes) {
      return new Options(maxInboundFrameSize, windowUpdateThreshold, maxStreams, bytes, writeTimeout, frameTimeout,
          pingInterval, pingTimeout, messageTimeout);
    }

    /** These options with other write and frame timeouts (frame timeout 0: none). */
    public Options withTimeouts(Duration writeTimeout, Duration frameTimeout) {
      return new Options(maxInboundFrameSize, windowUpdateThreshold, maxStreams, maxQueuedBytes, writeTimeout,
          frameTimeout, pingInterval, pingTimeout, messageTimeout);
    }

    /** These options with keep-alive PINGs after {@code interval} of silence (0: none), answered within timeout. */
    public Options withPing(Duration interval, Duration timeout) {
      return new Options(maxInboundFrameSize, windowUpdateThreshold, maxStreams, maxQueuedBytes, writeTimeout,
          frameTimeout, interval, timeout, messageTimeout);
    }

    /** These options with another message timeout (0: none); see {@link #messageTimeout()}. */
    public Options withMessageTimeout(Duration timeout) {
      return new Options(maxInboundFrameSize, windowUpdateThreshold, maxStreams, maxQueuedBytes, writeTimeout,
          frameTimeout, pingInterval, pingTimeout, timeout);
    }
  }

  private final Socket socket;
  private final String name;
  private final Handler handler;
  private final Options options;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final Http2FrameReader frameReader;
  private final Executor writeExecutor;
  private final OutputStream out;
  private final ReentrantLock outLock = new ReentrantLock();

  // The write queue, guarded by queueLock.
  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition roomInQueue = queueLock.newCondition();
  private final Condition drainIdle = queueLock.newCondition();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private final ArrayDeque<Item> urgent = new ArrayDeque<>();
  private long queuedBytes;
  private long queuedControlBytes;
  private boolean started;
  private boolean draining;
  private boolean drainAgain;
  /** The item the write task is writing, or null. */
  private Item current;
  /** When the socket write in progress started (nanoTime), or 0. */
  private volatile long writeStartedNanos;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean closedReported = new AtomicBoolean();
  private volatile Throwable closeCause;
  private final ThreadFactory threadFactory;
  private volatile Thread readerThread;

  private static final ThreadFactory DAEMON_THREADS = r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  };

  /** Writes for connections whose owner gives no executor: threads exist only while some connection writes. */
  private static final ExecutorService SHARED_WRITERS = sharedWriters(DAEMON_THREADS);

  /**
   * A pool for {@code write*} tasks: threads from {@code threadFactory}, created when connections have something to
   * write and ended after 30 s idle.
   */
  public static ExecutorService sharedWriters(ThreadFactory threadFactory) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = threadFactory.newThread(r);
      if (t != null) {
        t.setName("dtxkit-h2-writer-" + n.incrementAndGet());
      }
      return t;
    });
  }

  // Flow-control state, guarded by flowLock.
  private final ReentrantLock flowLock = new ReentrantLock();
  private final Map<Integer, StreamWindows> streams = new HashMap<>();
  private long connSendWindow = Http2.DEFAULT_WINDOW;
  private long peerInitialWindow = Http2.DEFAULT_WINDOW;
  private int peerMaxFrameSize = Http2.DEFAULT_MAX_FRAME_SIZE;
  private long connRecvWindow = Http2.DEFAULT_WINDOW;
  private long connRecvGranted = Http2.DEFAULT_WINDOW;
  private long connRecvUnacked;
  private long localInitialWindow = Http2.DEFAULT_WINDOW;

  private static final class StreamWindows {
    long send;
    long recv;
    long recvGranted;
    long recvUnacked;

    StreamWindows(long send, long recv) {
      this.send = send;
      this.recv = recv;
      this.recvGranted = recv;
    }
  }

  /** A queued write. */
  private static final class Item {
    final ByteBuf frame; // a whole control frame, or the DATA payload
    final int dataStream; // 0 for a control frame
    final boolean endStream;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int queuedSize = -1; // bytes counted in queuedBytes; -1 until queued
    boolean dropped; // failed by a close while queued; guarded by queueLock

    Item(ByteBuf frame, int dataStream, boolean endStream) {
      this.frame = frame;
      this.dataStream = dataStream;
      this.endStream = endStream;
    }
  }

  /**
   * Wraps a connected socket. Nothing is read or written until {@link #start()}.
   *
   * @param socket the connected socket; owned (closed) by this connection from now on
   * @param server true when the peer is the client, whose byte stream starts with the preface
   * @param options tuning
   * @param handler receives frames and the close
   * @param name for thread names and logs
   */
  public Http2Connection(Socket socket, boolean server, Options options, Handler handler, String name)
      throws IOException {
    this(socket, server, options, handler, name, DAEMON_THREADS, SHARED_WRITERS);
  }

  /**
   * Wraps a connected socket, making its reader thread with {@code threadFactory} and writing on
   * {@code writeExecutor}. Nothing is read or written until {@link #start()}.
   *
   * @param threadFactory makes the connection's reader thread (named by the connection)
   * @param writeExecutor runs the write tasks (e.g. {@link #sharedWriters(ThreadFactory)}, shared by many
   *     connections); a write task may block on the socket up to the write timeout
   */
  public Http2Connection(Socket socket, boolean server, Options options, Handler handler, String name,
      ThreadFactory threadFactory, Executor writeExecutor) throws IOException {
    this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
    this.writeExecutor = Objects.requireNonNull(writeExecutor, "writeExecutor");
    this.socket = socket;
    this.options = options;
    this.handler = handler;
    this.name = name;
    this.frameReader = new Http2FrameReader(server, options.maxInboundFrameSize());
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    socket.setTcpNoDelay(true);
  }

  /**
   * Starts the reader thread and writing. Frames queued before this are written first, in order. If the thread
   * cannot be created or started (an {@code OutOfMemoryError} when the process is out of threads), the connection
   * is closed (socket included, nothing left running) and the error is thrown.
   */
  public void start() {
    try {
      Thread reader = newThread(this::readLoop, "dtxkit-h2-reader-" + name);
      readerThread = reader;
      reader.start();
    } catch (RuntimeException | Error e) {
      Thread t = readerThread;
      if (t != null && !t.isAlive()) {
        readerThread = null;
      }
      close();
      throw e;
    }
    queueLock.lock();
    try {
      started = true;
    } finally {
      queueLock.unlock();
    }
    scheduleDrain();
  }

  private Thread newThread(Runnable task, String threadName) {
    Thread t = threadFactory.newThread(task);
    if (t == null) {
      throw new IllegalStateException("the thread factory gave no thread for " + threadName);
    }
    t.setName(threadName);
    return t;
  }

  /** The name given at construction. */
  public String name() {
    return name;
  }

  /** True once closed (by either side or an error). */
  public boolean isClosed() {
    return closed.get();
  }

  /** Why the connection closed: null while open or after a clean {@link #close()}. */
  public Throwable closeCause() {
    return closeCause;
  }

  /** The socket (for its addresses). */
  public Socket socket() {
    return socket;
  }

  // ------------------------------------------------------------------------------------------------ queued writes

  /** Queues the 24-byte client preface. */
  public CompletableFuture<Void> writePreface() {
    ByteBuf b = alloc.buffer(Http2.PREFACE.length);
    b.writeBytes(Http2.PREFACE);
    return enqueue(new Item(b, 0, false), false);
  }

  /**
   * Queues SETTINGS. An INITIAL_WINDOW_SIZE in it becomes the window every new inbound stream is granted.
   *
   * @return completes when written
   */
  public CompletableFuture<Void> writeSettings(Http2Settings settings) {
    Long window = settings.get(Http2.SETTINGS_INITIAL_WINDOW_SIZE);
    if (window != null) {
      flowLock.lock();
      try {
        localInitialWindow = window;
      } finally {
        flowLock.unlock();
      }
    }
    ByteBuf b = alloc.buffer();
    Http2.writeFrameHeader(b, settings.values().size() * 6, Http2.SETTINGS, 0, 0);
    settings.writePayload(b);
    return enqueue(new Item(b, 0, false), false);
  }

  /** Queues a SETTINGS ACK. */
  public CompletableFuture<Void> writeSettingsAck() {
    return enqueue(control(Http2.SETTINGS, Http2.FLAG_ACK, 0, 0, 0), false);
  }

  /**
   * Queues a WINDOW_UPDATE that grants the peer {@code increment} more bytes on {@code streamId} (0: the
   * connection). Automatic replenishing is separate; this is for the grants a handshake makes explicitly.
   */
  public CompletableFuture<Void> writeWindowUpdate(int streamId, int increment) {
    if (increment <= 0) {
      throw new IllegalArgumentException("increment must be positive: " + increment);
    }
    flowLock.lock();
    try {
      if (streamId == 0) {
        connRecvWindow += increment;
        connRecvGranted += increment;
      } else {
        StreamWindows s = streamLocked(streamId);
        s.recv += increment;
        s.recvGranted += increment;
      }
    } catch (Http2LimitException e) {
      throw new IllegalStateException("too many streams to grant window on stream " + streamId, e);
    } finally {
      flowLock.unlock();
    }
    ByteBuf b = alloc.buffer(13);
    Http2.writeFrameHeader(b, 4, Http2.WINDOW_UPDATE, 0, streamId);
    b.writeInt(increment);
    return enqueue(new Item(b, 0, false), false);
  }

  /** Queues HEADERS with an empty header block and END_HEADERS (plus END_STREAM when asked). */
  public CompletableFuture<Void> writeHeaders(int streamId, boolean endStream) {
    int flags = Http2.FLAG_END_HEADERS | (endStream ? Http2.FLAG_END_STREAM : 0);
    ByteBuf b = alloc.buffer(9);
    Http2.writeFrameHeader(b, 0, Http2.HEADERS, flags, streamId);
    return enqueue(new Item(b, 0, false), false);
  }

  /**
   * Queues DATA; the writer cuts it into frames that fit the peer's windows and maximum frame size, waiting for
   * WINDOW_UPDATEs as needed.
   *
   * @param data the payload; released by this connection (also on failure)
   * @return completes when the last byte is written; fails if the connection closes first
   */
  public CompletableFuture<Void> writeData(int streamId, ByteBuf data, boolean endStream) {
    if (streamId <= 0) {
      data.release();
      throw new IllegalArgumentException("DATA needs a stream: " + streamId);
    }
    return enqueue(new Item(data, streamId, endStream), false);
  }

  /** Queues RST_STREAM. */
  public CompletableFuture<Void> writeRstStream(int streamId, int errorCode) {
    return enqueue(control(Http2.RST_STREAM, 0, streamId, 4, errorCode), false);
  }

  /** Queues a PING (not an ACK). */
  public CompletableFuture<Void> writePing(long opaque) {
    ByteBuf b = alloc.buffer(17);
    Http2.writeFrameHeader(b, 8, Http2.PING, 0, 0);
    b.writeLong(opaque);
    return enqueue(new Item(b, 0, false), false);
  }

  /** Queues GOAWAY with a debug text. */
  public CompletableFuture<Void> writeGoAway(int lastStreamId, int errorCode, String debug) {
    byte[] text = debug.getBytes(StandardCharsets.UTF_8);
    ByteBuf b = alloc.buffer(17 + text.length);
    Http2.writeFrameHeader(b, 8 + text.length, Http2.GOAWAY, 0, 0);
    b.writeInt(lastStreamId);
    b.writeInt(errorCode);
    b.writeBytes(text);
    return enqueue(new Item(b, 0, false), false);
  }

  private Item control(int type, int flags, int streamId, int length, int word) {
    ByteBuf b = alloc.buffer(Http2.FRAME_HEADER_BYTES + length);
    Http2.writeFrameHeader(b, length, type, flags, streamId);
    if (length == 4) {
      b.writeInt(word);
    }
    return new Item(b, 0, false);
  }

  private CompletableFuture<Void> enqueue(Item item, boolean ahead) {
    int size = item.frame.readableBytes();
    Throwable overflow = null;
    queueLock.lock();
    try {
      if (ahead) {
        // WINDOW_UPDATE and PING ACK: counted against the control frames only, so that a large DATA in the queue
        // (ours, legitimately) never makes the reader fail for want of room for a 13-byte window grant.
        if (!closed.get() && queuedControlBytes + size > options.maxQueuedBytes()) {
          overflow = new DtxLimitExceededException("HTTP/2 control bytes queued for writing (the peer is not"
              + " reading)", options.maxQueuedBytes(), queuedControlBytes + size, frameReader.offset());
        }
      } else if (!closed.get() && queuedBytes > 0 && queuedBytes + size > options.maxQueuedBytes()) {
        if (Thread.currentThread() == readerThread) {
          overflow = new DtxLimitExceededException("HTTP/2 bytes queued for writing (the peer is not reading)",
              options.maxQueuedBytes(), queuedBytes + size, frameReader.offset());
        } else {
          long waitNanos = options.writeTimeout().toNanos();
          while (!closed.get() && queuedBytes > 0 && queuedBytes + size > options.maxQueuedBytes()
              && waitNanos > 0) {
            waitNanos = roomInQueue.awaitNanos(waitNanos);
          }
          if (!closed.get() && queuedBytes > 0 && queuedBytes + size > options.maxQueuedBytes()) {
            overflow = new SocketTimeoutException("no room for " + size + " bytes in the write queue of " + name
                + " within " + options.writeTimeout().toMillis() + " ms: the peer is not reading");
          }
        }
      }
      if (overflow == null && !closed.get()) {
        (ahead ? urgent : queue).add(item);
        queuedBytes += size;
        if (item.dataStream == 0) {
          queuedControlBytes += size;
        }
        item.queuedSize = size;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      overflow = new InterruptedIOException("interrupted waiting for room in the write queue of " + name);
    } finally {
      queueLock.unlock();
    }
    if (overflow != null) {
      closeWith(overflow);
    }
    if (item.queuedSize < 0) {
      item.frame.release();
      item.done.completeExceptionally(closedException());
      return item.done;
    }
    scheduleDrain();
    return item.done;
  }

  private IOException closedException() {
    Throwable cause = closeCause;
    return new IOException("HTTP/2 connection " + name + " is closed", cause);
  }

  // ------------------------------------------------------------------------------------------------ writing

  /** Makes sure a write task runs (or runs again) once the connection is started. */
  private void scheduleDrain() {
    queueLock.lock();
    try {
      if (!started || closed.get()) {
        return;
      }
      if (draining) {
        drainAgain = true;
        return;
      }
      draining = true;
      drainAgain = false;
    } finally {
      queueLock.unlock();
    }
    try {
      writeExecutor.execute(this::drain);
    } catch (RuntimeException | Error e) {
      // Out of threads, or the owner's executor shut down: this connection cannot write any more.
      drainEnded();
      closeWith(new IOException("could not schedule writing for " + name + ": " + e, e));
    }
  }

  private void drainEnded() {
    queueLock.lock();
    try {
      draining = false;
      drainIdle.signalAll();
    } finally {
      queueLock.unlock();
    }
  }

  /** Writes what can be written now, in order, then returns; runs on the write executor, one task at a time. */
  private void drain() {
    Item item = null;
    try {
      while (true) {
        queueLock.lock();
        try {
          drainAgain = false;
          item = closed.get() ? null : urgent.peek();
          if (item == null && !closed.get()) {
            item = queue.peek();
          }
          current = item;
        } finally {
          queueLock.unlock();
        }
        if (item != null && writeItem(item)) {
          finish(item);
          item = null;
          continue;
        }
        release(item);
        item = null;
        // The head is DATA waiting for the peer's window: a connection frame behind it (GOAWAY, SETTINGS, PING) is
        // not flow-controlled and need not wait (a peer that set a zero window and then broke the protocol held our
        // GOAWAY, and the connection, for goAwayNow's 2 s).
        item = connectionFrameBehindBlockedData();
        if (item != null) {
          writeItem(item);
          finish(item);
          item = null;
          continue;
        }
        flush();
        queueLock.lock();
        try {
          if (!drainAgain || closed.get()) {
            draining = false;
            drainIdle.signalAll();
            return;
          }
        } finally {
          queueLock.unlock();
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      release(item);
      drainEnded();
      closeWith(e);
      if (e instanceof Error err) {
        throw err;
      }
    }
  }

  /**
   * The first queued frame on stream 0 behind the queue's head when the head is DATA (which the write task could not
   * send for want of window), made {@link #current}; else null. Frames of other streams stay behind it, in order.
   */
  private Item connectionFrameBehindBlockedData() {
    queueLock.lock();
    try {
      Item head = queue.peek();
      if (closed.get() || !urgent.isEmpty() || head == null || head.dataStream == 0) {
        return null;
      }
      for (Item i : queue) {
        if (i.dataStream == 0 && i.frame.readableBytes() >= Http2.FRAME_HEADER_BYTES
            && (i.frame.getInt(i.frame.readerIndex() + 5) & 0x7FFF_FFFF) == 0) {
          current = i;
          return i;
        }
      }
      return null;
    } finally {
      queueLock.unlock();
    }
  }

  /** The write task is done with {@code item} without finishing it: releases it if a close dropped it meanwhile. */
  private void release(Item item) {
    queueLock.lock();
    try {
      current = null;
      if (item == null || !item.dropped) {
        return;
      }
    } finally {
      queueLock.unlock();
    }
    item.frame.release();
    item.done.completeExceptionally(closedException());
  }

  /** Takes a written item off its queue and completes it (or releases it, if a close dropped it meanwhile). */
  private void finish(Item item) {
    boolean dropped;
    queueLock.lock();
    try {
      current = null;
      dropped = item.dropped;
      if (!dropped) {
        if (!urgent.remove(item)) {
          queue.remove(item);
        }
        queuedBytes -= item.queuedSize;
        if (item.dataStream == 0) {
          queuedControlBytes -= item.queuedSize;
        }
        roomInQueue.signalAll();
      }
    } finally {
      queueLock.unlock();
    }
    item.frame.release();
    item.done.complete(null);
  }

  /**
   * Writes a control frame whole, or as many DATA frames as the windows allow.
   *
   * @return true when the item is fully written
   */
  private boolean writeItem(Item item) throws IOException {
    if (item.dataStream == 0) {
      writeToSocket(item.frame, item.frame.readableBytes(), null);
      return true;
    }
    ByteBuf data = item.frame;
    int streamId = item.dataStream;
    while (data.isReadable()) {
      int chunk;
      flowLock.lock();
      try {
        StreamWindows s = streamLocked(streamId);
        chunk = (int) Math.min(Math.min(data.readableBytes(), peerMaxFrameSize), Math.min(connSendWindow, s.send));
        if (chunk <= 0) {
          return false; // a WINDOW_UPDATE or SETTINGS schedules the next attempt
        }
        connSendWindow -= chunk;
        s.send -= chunk;
      } finally {
        flowLock.unlock();
      }
      boolean last = data.readableBytes() == chunk;
      byte[] header = new byte[Http2.FRAME_HEADER_BYTES];
      header[0] = (byte) (chunk >>> 16);
      header[1] = (byte) (chunk >>> 8);
      header[2] = (byte) chunk;
      header[3] = Http2.DATA;
      header[4] = (byte) (last && item.endStream ? Http2.FLAG_END_STREAM : 0);
      header[5] = (byte) (streamId >>> 24);
      header[6] = (byte) (streamId >>> 16);
      header[7] = (byte) (streamId >>> 8);
      header[8] = (byte) streamId;
      writeToSocket(data, chunk, header);
    }
    return true;
  }

  private void writeToSocket(ByteBuf bytes, int length, byte[] header) throws IOException {
    outLock.lock();
    writeStartedNanos = System.nanoTime() | 1;
    try {
      if (header != null) {
        out.write(header);
      }
      bytes.readBytes(out, length);
    } finally {
      writeStartedNanos = 0;
      outLock.unlock();
    }
  }

  private void flush() throws IOException {
    outLock.lock();
    writeStartedNanos = System.nanoTime() | 1;
    try {
      out.flush();
    } finally {
      writeStartedNanos = 0;
      outLock.unlock();
    }
  }

  /** Fails every queued write; the item the write task holds is released by that task. */
  private void drainQueue() {
    java.util.List<Item> dropped = new java.util.ArrayList<>();
    queueLock.lock();
    try {
      for (Item item : urgent) {
        dropped.add(item);
      }
      for (Item item : queue) {
        dropped.add(item);
      }
      urgent.clear();
      queue.clear();
      queuedBytes = 0;
      queuedControlBytes = 0;
      for (Item item : dropped) {
        item.dropped = true;
      }
      // The write task releases the item it holds; it can pick no other, they are off the queues.
      dropped.remove(current);
      roomInQueue.signalAll();
    } finally {
      queueLock.unlock();
    }
    IOException closed = closedException();
    for (Item item : dropped) {
      item.frame.release();
      item.done.completeExceptionally(closed);
    }
  }

  /** Queues a frame ahead of the queue (WINDOW_UPDATE replenishing, PING ACK, keep-alive PING). */
  private void writeAhead(ByteBuf frame) {
    enqueue(new Item(frame, 0, false), true);
  }

  // ------------------------------------------------------------------------------------------------ reader thread

  private void readLoop() {
    ByteBuf acc = alloc.heapBuffer(32 * 1024);
    Throwable cause = null;
    try {
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[32 * 1024];
      Listener listener = new Listener();
      long tick = tickMillis();
      if (tick > 0) {
        socket.setSoTimeout((int) tick);
      }
      long lastRead = System.nanoTime();
      long partialSince = 0;
      long pingSent = 0;
      while (!closed.get()) {
        int n;
        try {
          n = in.read(chunk);
        } catch (SocketTimeoutException e) {
          n = 0;
        }
        if (n < 0) {
          throw new EOFException("peer closed HTTP/2 connection " + name + " at offset " + frameReader.offset());
        }
        long now = System.nanoTime();
        if (n > 0) {
          lastRead = now;
          pingSent = 0;
          long before = frameReader.offset();
          acc.writeBytes(chunk, 0, n);
          frameReader.read(acc, listener);
          acc.discardSomeReadBytes();
          if (!acc.isReadable()) {
            partialSince = 0;
          } else if (partialSince == 0 || frameReader.offset() != before) {
            partialSince = now;
          }
        }
        checkTimers(now, partialSince, lastRead);
        handler.onTick(this, now);
        if (!options.pingInterval().isZero() && pingSent == 0
            && now - lastRead >= options.pingInterval().toNanos()) {
          pingSent = now;
          ByteBuf ping = alloc.buffer(17);
          Http2.writeFrameHeader(ping, 8, Http2.PING, 0, 0);
          ping.writeLong(now);
          writeAhead(ping);
        } else if (pingSent != 0 && now - pingSent >= options.pingTimeout().toNanos()) {
          throw new SocketTimeoutException("HTTP/2 connection " + name + ": nothing from the peer within "
              + options.pingTimeout().toMillis() + " ms of a PING (after " + options.pingInterval().toMillis()
              + " ms of silence); the peer is gone");
        }
      }
    } catch (Http2ProtocolException e) {
      cause = e;
      goAwayNow(e.errorCode(), e.getMessage());
    } catch (DtxProtocolException e) {
      cause = e;
      goAwayNow(Http2.PROTOCOL_ERROR, e.getMessage());
    } catch (IOException | RuntimeException | Error e) {
      // An Error too (a handler's StackOverflowError...): the connection fails and its handler hears of it, rather
      // than the reader ending with the socket left open (see dtxkit.runtime.internal.Failures).
      cause = e;
    } finally {
      acc.release();
    }
    fail(closed.get() && cause instanceof IOException && closeCause == null ? null : cause);
    dtxkit.runtime.internal.Failures.rethrowIfFatal(cause);
  }

  /** How often the reader wakes to check its timers: a quarter of the shortest one, 0 when none is set. */
  private long tickMillis() {
    long shortest = Long.MAX_VALUE;
    for (Duration d : new Duration[] {options.writeTimeout(), options.frameTimeout(), options.pingInterval(),
        options.pingTimeout(), options.messageTimeout()}) {
      if (!d.isZero()) {
        shortest = Math.min(shortest, d.toMillis());
      }
    }
    return shortest == Long.MAX_VALUE ? 0 : Math.max(1, Math.min(Integer.MAX_VALUE, shortest / 4));
  }

  private void checkTimers(long now, long partialSince, long lastRead) throws IOException {
    long frame = options.frameTimeout().toNanos();
    if (frame > 0 && partialSince != 0 && now - partialSince >= frame) {
      throw new SocketTimeoutException("HTTP/2 connection " + name + ": a frame begun at offset "
          + frameReader.offset() + " did not arrive whole within " + options.frameTimeout().toMillis() + " ms");
    }
    long started = writeStartedNanos;
    if (started != 0 && now - started >= options.writeTimeout().toNanos()) {
      throw new SocketTimeoutException("HTTP/2 connection " + name + ": a write blocked for more than "
          + options.writeTimeout().toMillis() + " ms: the peer is not reading");
    }
  }

  /**
   * Queues GOAWAY behind whatever the handler already queued (so answers to earlier frames still go out in order),
   * and waits a bounded time for it to be written before the socket closes.
   */
  private void goAwayNow(int errorCode, String debug) {
    if (closed.get()) {
      return;
    }
    try {
      writeGoAway(0, errorCode, debug == null ? "" : debug).get(2, java.util.concurrent.TimeUnit.SECONDS);
      // The write task completes a frame once it is in the socket's buffer, and flushes when its queue is empty:
      // the close that follows must not overtake that flush (the socket closed under it and the peer got the end
      // without the GOAWAY, seen as a flaky Http2ConnectionTest under load). Flush here, after any flush under way.
      if (outLock.tryLock(2, java.util.concurrent.TimeUnit.SECONDS)) {
        try {
          out.flush();
        } finally {
          outLock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
      log.debug("{}: could not send GOAWAY: {}", name, e.toString());
    }
  }

  private final class Listener implements Http2FrameListener {
    @Override
    public void onData(int streamId, ByteBuf data, int flowControlledBytes, boolean endStream) throws IOException {
      ByteBuf connUpdate = null;
      ByteBuf streamUpdate = null;
      flowLock.lock();
      try {
        StreamWindows s = streamLocked(streamId);
        connRecvWindow -= flowControlledBytes;
        s.recv -= flowControlledBytes;
        if (connRecvWindow < 0) {
          throw new Http2ProtocolException(Http2.FLOW_CONTROL_ERROR, "DATA",
              flowControlledBytes + " bytes exceed the connection window by " + -connRecvWindow,
              frameReader.offset() - flowControlledBytes - Http2.FRAME_HEADER_BYTES);
        }
        if (s.recv < 0) {
          throw new Http2ProtocolException(Http2.FLOW_CONTROL_ERROR, "DATA",
              flowControlledBytes + " bytes exceed stream " + streamId + "'s window by " + -s.recv,
              frameReader.offset() - flowControlledBytes - Http2.FRAME_HEADER_BYTES);
        }
        // Consumed as soon as delivered: give the window back in batches.
        connRecvUnacked += flowControlledBytes;
        s.recvUnacked += flowControlledBytes;
        if (connRecvUnacked >= threshold(connRecvGranted)) {
          connUpdate = windowUpdateFrame(0, connRecvUnacked);
          connRecvWindow += connRecvUnacked;
          connRecvUnacked = 0;
        }
        if (!endStream && s.recvUnacked >= threshold(s.recvGranted)) {
          streamUpdate = windowUpdateFrame(streamId, s.recvUnacked);
          s.recv += s.recvUnacked;
          s.recvUnacked = 0;
        }
      } finally {
        flowLock.unlock();
      }
      try {
        handler.onData(Http2Connection.this, streamId, data, endStream);
      } finally {
        if (connUpdate != null) {
          writeAhead(connUpdate);
        }
        if (streamUpdate != null) {
          writeAhead(streamUpdate);
        }
      }
    }

    @Override
    public void onHeaders(int streamId, int headerBlockBytes, boolean endStream) throws IOException {
      flowLock.lock();
      try {
        streamLocked(streamId);
      } finally {
        flowLock.unlock();
      }
      if (headerBlockBytes != 0) {
        log.debug("{}: ignoring {} bytes of header block on stream {} (RemoteXPC uses no HPACK)", name,
            headerBlockBytes, streamId);
      }
      handler.onHeaders(Http2Connection.this, streamId, endStream);
    }

    @Override
    public void onRstStream(int streamId, long errorCode) throws IOException {
      handler.onRstStream(Http2Connection.this, streamId, errorCode);
    }

    @Override
    public void onSettings(boolean ack, Http2Settings settings) throws IOException {
      if (ack) {
        handler.onSettingsAck(Http2Connection.this);
        return;
      }
      flowLock.lock();
      try {
        Long window = settings.get(Http2.SETTINGS_INITIAL_WINDOW_SIZE);
        if (window != null) {
          long delta = window - peerInitialWindow;
          peerInitialWindow = window;
          for (StreamWindows s : streams.values()) {
            s.send += delta;
            if (s.send > Http2.MAX_WINDOW) {
              throw new Http2ProtocolException(Http2.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE",
                  "a stream window would exceed 2^31-1", frameReader.offset());
            }
          }
        }
        Long frame = settings.get(Http2.SETTINGS_MAX_FRAME_SIZE);
        if (frame != null) {
          peerMaxFrameSize = (int) (long) frame;
        }
      } finally {
        flowLock.unlock();
      }
      scheduleDrain();
      handler.onSettings(Http2Connection.this, settings);
      writeSettingsAck();
      handler.onSettingsAcknowledged(Http2Connection.this, settings);
    }

    @Override
    public void onPing(boolean ack, long opaque) throws IOException {
      if (!ack) {
        ByteBuf b = alloc.buffer(17);
        Http2.writeFrameHeader(b, 8, Http2.PING, Http2.FLAG_ACK, 0);
        b.writeLong(opaque);
        writeAhead(b);
      }
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, String debug) throws IOException {
      handler.onGoAway(Http2Connection.this, lastStreamId, errorCode, debug);
      throw new EOFException("peer sent GOAWAY " + Http2.errorName(errorCode)
          + (debug.isEmpty() ? "" : " \"" + debug + "\"") + " on connection " + name);
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws IOException {
      flowLock.lock();
      try {
        long after;
        if (streamId == 0) {
          after = connSendWindow += increment;
        } else {
          after = streamLocked(streamId).send += increment;
        }
        if (after > Http2.MAX_WINDOW) {
          throw new Http2ProtocolException(Http2.FLOW_CONTROL_ERROR, "WINDOW_UPDATE",
              "window of stream " + streamId + " would be " + after + " > 2^31-1", frameReader.offset() - 13);
        }
      } finally {
        flowLock.unlock();
      }
      scheduleDrain();
    }
  }

  private long threshold(long granted) {
    return Math.max(1, Math.min(options.windowUpdateThreshold(), granted / 2));
  }

  private ByteBuf windowUpdateFrame(int streamId, long increment) {
    ByteBuf b = alloc.buffer(13);
    Http2.writeFrameHeader(b, 4, Http2.WINDOW_UPDATE, 0, streamId);
    b.writeInt((int) increment);
    return b;
  }

  private StreamWindows streamLocked(int streamId) throws Http2LimitException {
    StreamWindows s = streams.get(streamId);
    if (s == null) {
      if (streams.size() >= options.maxStreams()) {
        throw new Http2LimitException(options.maxStreams(), streams.size() + 1L, frameReader.offset());
      }
      s = new StreamWindows(peerInitialWindow, localInitialWindow);
      streams.put(streamId, s);
    }
    return s;
  }

  // ------------------------------------------------------------------------------------------------ closing

  private void fail(Throwable cause) {
    if (closed.compareAndSet(false, true)) {
      closeCause = cause;
      shutdown();
    }
    if (closedReported.compareAndSet(false, true)) {
      if (cause != null && !(cause instanceof EOFException)) {
        log.debug("{}: closed: {}", name, cause.toString());
      }
      try {
        handler.onClosed(this, closeCause);
      } catch (RuntimeException e) {
        log.warn("{}: onClosed handler failed", name, e);
      }
    }
  }

  /** Closes the connection for {@code cause} (reported by {@link Handler#onClosed} once the reader ends). */
  private void closeWith(Throwable cause) {
    if (closed.compareAndSet(false, true)) {
      closeCause = cause;
      shutdown();
    }
    if (readerThread == null) {
      fail(cause);
    }
  }

  private void shutdown() {
    boolean locked;
    try {
      // A flush under way (the write task completes frames once buffered) ends first, so that what was written goes
      // out before the close; a write blocked on a peer that does not read is not waited for long: the close is
      // what ends it.
      locked = outLock.tryLock(200, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    if (locked) {
      try {
        out.flush();
      } catch (IOException e) {
        log.trace("{}: flush on close failed: {}", name, e.toString());
      } finally {
        outLock.unlock();
      }
    }
    try {
      socket.close();
    } catch (IOException e) {
      log.trace("{}: close failed: {}", name, e.toString());
    }
    drainQueue();
  }

  /**
   * Closes the socket and fails queued writes; the handler's {@code onClosed} runs with a null cause. Already
   * queued frames that the write task has not reached are dropped: callers that need them on the wire wait for
   * their futures first. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      shutdown();
    }
    if (readerThread == null) {
      fail(null);
    }
  }

  /**
   * Waits until the reader thread and the write task have ended (after {@link #close()} or a failure).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    Thread reader = readerThread;
    if (reader != null) {
      reader.join();
    }
    queueLock.lock();
    try {
      while (draining) {
        drainIdle.await();
      }
    } finally {
      queueLock.unlock();
    }
  }
}
