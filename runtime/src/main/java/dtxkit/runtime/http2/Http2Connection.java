package dtxkit.runtime.http2;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * A reader thread decodes frames and calls the {@link Handler} (never concurrently, in wire order). Frames written
 * with the {@code write*} methods are queued and written by a writer thread in exactly the order they were queued,
 * so a handler can answer frame for frame without blocking the reader. A queued DATA frame waits for the peer's
 * windows without holding anything the reader needs. Two kinds of frame bypass the queue because the peer may be
 * waiting for them before it grants window: the WINDOW_UPDATEs that replenish what we received, and PING ACKs.
 *
 * <h2>Flow control</h2>
 * Inbound: every DATA byte counts against the connection and stream windows we granted; exceeding one is a
 * FLOW_CONTROL_ERROR. Bytes are consumed as soon as the handler returns, and WINDOW_UPDATEs are sent in batches once
 * half of the granted window (at most {@link Options#windowUpdateThreshold()}) has been used. Outbound: DATA is cut to
 * the peer's SETTINGS_MAX_FRAME_SIZE and never exceeds the peer's connection or stream window; SETTINGS changes of
 * INITIAL_WINDOW_SIZE adjust open streams as RFC 9113 §6.9.2 says.
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
   */
  public record Options(int maxInboundFrameSize, int windowUpdateThreshold, int maxStreams) {
    /** 16 KiB frames, WINDOW_UPDATE every 1 MiB at most (pymobiledevice3's batch size), 1000 streams. */
    public static final Options DEFAULT = new Options(Http2.DEFAULT_MAX_FRAME_SIZE, 1 << 20, 1000);
  }

  private final Socket socket;
  private final String name;
  private final Handler handler;
  private final Options options;
  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final Http2FrameReader frameReader;
  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final OutputStream out;
  private final Object outLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean closedReported = new AtomicBoolean();
  private volatile Throwable closeCause;
  private final ThreadFactory threadFactory;
  private volatile Thread readerThread;
  private volatile Thread writerThread;

  private static final ThreadFactory DAEMON_THREADS = r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  };

  // Flow-control state, guarded by flowLock.
  private final ReentrantLock flowLock = new ReentrantLock();
  private final Condition windowOpened = flowLock.newCondition();
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
    this(socket, server, options, handler, name, DAEMON_THREADS);
  }

  /**
   * Wraps a connected socket, making its threads with {@code threadFactory}. Nothing is read or written until
   * {@link #start()}.
   *
   * @param threadFactory makes the connection's threads (named by the connection)
   */
  public Http2Connection(Socket socket, boolean server, Options options, Handler handler, String name,
      ThreadFactory threadFactory) throws IOException {
    this.threadFactory = java.util.Objects.requireNonNull(threadFactory, "threadFactory");
    this.socket = socket;
    this.options = options;
    this.handler = handler;
    this.name = name;
    this.frameReader = new Http2FrameReader(server, options.maxInboundFrameSize());
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    socket.setTcpNoDelay(true);
  }

  /**
   * Starts the reader and writer threads. Frames queued before this are written first, in order. If a thread
   * cannot be created or started (an {@code OutOfMemoryError} when the process is out of threads), the connection
   * is closed (socket included, no thread left behind) and the error is thrown.
   */
  public void start() {
    try {
      Thread writer = newThread(this::writeLoop, "dtxkit-h2-writer-" + name);
      Thread reader = newThread(this::readLoop, "dtxkit-h2-reader-" + name);
      writerThread = writer;
      writer.start();
      readerThread = reader;
      reader.start();
    } catch (RuntimeException | Error e) {
      if (readerThread != null && !readerThread.isAlive()) {
        readerThread = null;
      }
      close();
      throw e;
    }
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
    return enqueue(new Item(b, 0, false));
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
    return enqueue(new Item(b, 0, false));
  }

  /** Queues a SETTINGS ACK. */
  public CompletableFuture<Void> writeSettingsAck() {
    return enqueue(control(Http2.SETTINGS, Http2.FLAG_ACK, 0, 0, 0));
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
    return enqueue(new Item(b, 0, false));
  }

  /** Queues HEADERS with an empty header block and END_HEADERS (plus END_STREAM when asked). */
  public CompletableFuture<Void> writeHeaders(int streamId, boolean endStream) {
    int flags = Http2.FLAG_END_HEADERS | (endStream ? Http2.FLAG_END_STREAM : 0);
    ByteBuf b = alloc.buffer(9);
    Http2.writeFrameHeader(b, 0, Http2.HEADERS, flags, streamId);
    return enqueue(new Item(b, 0, false));
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
    return enqueue(new Item(data, streamId, endStream));
  }

  /** Queues RST_STREAM. */
  public CompletableFuture<Void> writeRstStream(int streamId, int errorCode) {
    return enqueue(control(Http2.RST_STREAM, 0, streamId, 4, errorCode));
  }

  /** Queues a PING (not an ACK). */
  public CompletableFuture<Void> writePing(long opaque) {
    ByteBuf b = alloc.buffer(17);
    Http2.writeFrameHeader(b, 8, Http2.PING, 0, 0);
    b.writeLong(opaque);
    return enqueue(new Item(b, 0, false));
  }

  /** Queues GOAWAY with a debug text. */
  public CompletableFuture<Void> writeGoAway(int lastStreamId, int errorCode, String debug) {
    byte[] text = debug.getBytes(StandardCharsets.UTF_8);
    ByteBuf b = alloc.buffer(17 + text.length);
    Http2.writeFrameHeader(b, 8 + text.length, Http2.GOAWAY, 0, 0);
    b.writeInt(lastStreamId);
    b.writeInt(errorCode);
    b.writeBytes(text);
    return enqueue(new Item(b, 0, false));
  }

  private Item control(int type, int flags, int streamId, int length, int word) {
    ByteBuf b = alloc.buffer(Http2.FRAME_HEADER_BYTES + length);
    Http2.writeFrameHeader(b, length, type, flags, streamId);
    if (length == 4) {
      b.writeInt(word);
    }
    return new Item(b, 0, false);
  }

  private CompletableFuture<Void> enqueue(Item item) {
    if (closed.get()) {
      item.frame.release();
      item.done.completeExceptionally(closedException());
      return item.done;
    }
    queue.add(item);
    // close() may have drained the queue between the check and the add; drain again so nothing is stranded.
    if (closed.get()) {
      drainQueue();
    }
    return item.done;
  }

  private IOException closedException() {
    Throwable cause = closeCause;
    return new IOException("HTTP/2 connection " + name + " is closed", cause);
  }

  // ------------------------------------------------------------------------------------------------ writer thread

  private void writeLoop() {
    try {
      while (!closed.get()) {
        Item item = queue.take();
        try {
          if (item.dataStream == 0) {
            synchronized (outLock) {
              item.frame.readBytes(out, item.frame.readableBytes());
              if (queue.isEmpty()) {
                out.flush();
              }
            }
          } else {
            writeDataFrames(item);
          }
          item.done.complete(null);
        } catch (IOException | InterruptedException | RuntimeException e) {
          // Taken off the queue already, so drainQueue() will not see it: fail it here.
          item.done.completeExceptionally(e instanceof IOException ? e : closedException());
          throw e;
        } finally {
          item.frame.release();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      fail(e);
    } finally {
      drainQueue();
    }
  }

  private void writeDataFrames(Item item) throws IOException, InterruptedException {
    ByteBuf data = item.frame;
    int streamId = item.dataStream;
    do {
      int chunk;
      flowLock.lock();
      try {
        StreamWindows s = streamLocked(streamId);
        if (data.isReadable() && (connSendWindow <= 0 || s.send <= 0)) {
          // The peer grants more window only after it has read what we wrote: flush before waiting.
          flowLock.unlock();
          try {
            synchronized (outLock) {
              out.flush();
            }
          } finally {
            flowLock.lock();
          }
        }
        while (data.isReadable() && (connSendWindow <= 0 || s.send <= 0)) {
          if (closed.get()) {
            throw closedException();
          }
          windowOpened.await();
        }
        chunk = (int) Math.min(Math.min(data.readableBytes(), peerMaxFrameSize), Math.min(connSendWindow, s.send));
        connSendWindow -= chunk;
        s.send -= chunk;
      } finally {
        flowLock.unlock();
      }
      boolean last = data.readableBytes() == chunk;
      synchronized (outLock) {
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
        out.write(header);
        data.readBytes(out, chunk);
        if (last && queue.isEmpty()) {
          out.flush();
        }
      }
    } while (data.isReadable());
  }

  private void drainQueue() {
    Item item;
    while ((item = queue.poll()) != null) {
      item.frame.release();
      item.done.completeExceptionally(closedException());
    }
  }

  /** Writes a frame now, ahead of the queue (WINDOW_UPDATE replenishing, PING ACK). */
  private void writeNow(ByteBuf frame) throws IOException {
    try {
      synchronized (outLock) {
        frame.readBytes(out, frame.readableBytes());
        out.flush();
      }
    } finally {
      frame.release();
    }
  }

  // ------------------------------------------------------------------------------------------------ reader thread

  private void readLoop() {
    ByteBuf acc = alloc.heapBuffer(32 * 1024);
    Throwable cause = null;
    try {
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[32 * 1024];
      Listener listener = new Listener();
      while (!closed.get()) {
        int n = in.read(chunk);
        if (n < 0) {
          throw new EOFException("peer closed HTTP/2 connection " + name + " at offset " + frameReader.offset());
        }
        acc.writeBytes(chunk, 0, n);
        frameReader.read(acc, listener);
        acc.discardSomeReadBytes();
      }
    } catch (Http2ProtocolException e) {
      cause = e;
      goAwayNow(e.errorCode(), e.getMessage());
    } catch (DtxProtocolException e) {
      cause = e;
      goAwayNow(Http2.PROTOCOL_ERROR, e.getMessage());
    } catch (IOException | RuntimeException e) {
      cause = e;
    } finally {
      acc.release();
    }
    fail(closed.get() && cause instanceof IOException && closeCause == null ? null : cause);
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
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
          writeNow(connUpdate);
        }
        if (streamUpdate != null) {
          writeNow(streamUpdate);
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
        windowOpened.signalAll();
      } finally {
        flowLock.unlock();
      }
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
        writeNow(b);
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
        windowOpened.signalAll();
      } finally {
        flowLock.unlock();
      }
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

  private void shutdown() {
    flowLock.lock();
    try {
      windowOpened.signalAll();
    } finally {
      flowLock.unlock();
    }
    try {
      synchronized (outLock) {
        out.flush();
      }
    } catch (IOException e) {
      log.trace("{}: flush on close failed: {}", name, e.toString());
    }
    try {
      socket.close();
    } catch (IOException e) {
      log.trace("{}: close failed: {}", name, e.toString());
    }
    if (writerThread != null) {
      writerThread.interrupt();
    }
    drainQueue();
  }

  /**
   * Closes the socket and fails queued writes; the handler's {@code onClosed} runs with a null cause. Already
   * queued frames that the writer has not reached are dropped: callers that need them on the wire wait for their
   * futures first. Idempotent.
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
   * Waits until the reader and writer threads have ended (after {@link #close()} or a failure).
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    if (readerThread != null) {
      readerThread.join();
    }
    if (writerThread != null) {
      writerThread.join();
    }
  }
}
