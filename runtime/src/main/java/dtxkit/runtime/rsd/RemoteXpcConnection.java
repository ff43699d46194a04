package dtxkit.runtime.rsd;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.http2.Http2;
import dtxkit.runtime.http2.Http2Connection;
import dtxkit.runtime.http2.Http2Settings;
import dtxkit.runtime.xpc.XpcBufferBudget;
import dtxkit.runtime.xpc.XpcCodec;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcFlags;
import dtxkit.runtime.xpc.XpcLimits;
import dtxkit.runtime.xpc.XpcMessage;
import dtxkit.runtime.xpc.XpcMessageDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a RemoteXPC connection: the HTTP/2 handshake in devicectl's order, then XPC messages on the
 * root channel (stream 1) and the reply channel (stream 3).
 *
 * <p>Requests are matched to replies by message id, so any number may be in flight at once from any thread; there
 * is no lock around a round trip. Messages that answer no request (the RSD peer info, device events) are kept in
 * arrival order for {@link #awaitMessage}; at most {@link Options#maxUnclaimedMessages()} are kept, more is a
 * protocol error rather than a silent drop. Header-only messages and empty dictionaries (the handshake mirrors) are
 * not kept: they carry nothing and every RemoteXPC client skips them.
 */
public final class RemoteXpcConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteXpcConnection.class);

  /** Stream 1, the root channel: client requests. */
  public static final int ROOT_CHANNEL = 1;
  /** Stream 3, the reply channel. */
  public static final int REPLY_CHANNEL = 3;

  /**
   * Tuning.
   *
   * @param initialWindow the stream window we grant (devicectl: 1 MiB; pymobiledevice3 and appium: 16 MiB)
   * @param connectionWindow the connection window we grant (the WINDOW_UPDATE adds this minus 65535)
   * @param handshakeTimeout how long to wait for the peer's SETTINGS
   * @param limits XPC decoding limits
   * @param maxUnclaimedMessages the most messages kept for {@link #awaitMessage}
   * @param threadFactory makes the connection's threads: its reader, and the write task's thread while it writes
   *     (null: daemon platform threads, writing on a pool shared by every connection)
   * @param http2 HTTP/2 tuning: queued-write bound, write, frame and keep-alive timeouts
   */
  public record Options(int initialWindow, int connectionWindow, Duration handshakeTimeout, XpcLimits limits,
      int maxUnclaimedMessages, ThreadFactory threadFactory, Http2Connection.Options http2) {
    /**
     * devicectl's windows (1 MiB, seed 000), a 10 s handshake timeout, default limits, 1024 messages, default
     * threads and {@link Http2Connection.Options#DEFAULT}.
     */
    public static final Options DEFAULT =
        new Options(1 << 20, 1 << 20, Duration.ofSeconds(10), XpcLimits.DEFAULT, 1024);

    /** The first five settings with default threads and HTTP/2 tuning. */
    public Options(int initialWindow, int connectionWindow, Duration handshakeTimeout, XpcLimits limits,
        int maxUnclaimedMessages) {
      this(initialWindow, connectionWindow, handshakeTimeout, limits, maxUnclaimedMessages, null,
          Http2Connection.Options.DEFAULT);
    }

    /** Requires the HTTP/2 options. */
    public Options {
      Objects.requireNonNull(http2, "http2");
    }

    /** These options with threads from {@code threadFactory} (e.g. {@code Thread.ofVirtual().factory()}). */
    public Options withThreadFactory(ThreadFactory threadFactory) {
      return new Options(initialWindow, connectionWindow, handshakeTimeout, limits, maxUnclaimedMessages,
          threadFactory, http2);
    }

    /** These options with other HTTP/2 tuning. */
    public Options withHttp2(Http2Connection.Options http2) {
      return new Options(initialWindow, connectionWindow, handshakeTimeout, limits, maxUnclaimedMessages,
          threadFactory, http2);
    }
  }

  private final Http2Connection h2;
  private final Options options;
  /** Bytes held for incomplete messages on all streams: at most one largest message plus 1 MiB. */
  private final XpcBufferBudget buffered;
  private final Map<Integer, XpcMessageDecoder> decoders = new HashMap<>();
  private final Map<Long, CompletableFuture<XpcMessage>> pending = new ConcurrentHashMap<>();
  private final ArrayDeque<XpcMessage> unclaimed = new ArrayDeque<>();
  private final CompletableFuture<Http2Settings> peerSettings = new CompletableFuture<>();
  private final AtomicLong nextRootId = new AtomicLong(1);
  private final Map<Integer, Long> resets = new ConcurrentHashMap<>();
  private volatile Throwable closedCause;
  private volatile boolean closed;

  private RemoteXpcConnection(Socket socket, Options options, String name) throws IOException {
    this.options = options;
    this.buffered = XpcBufferBudget.of("XPC bytes buffered by one connection",
        options.limits().maxMessageBytes() + (1 << 20));
    if (options.threadFactory() == null) {
      this.h2 = new Http2Connection(socket, false, options.http2(), new Handler(), name);
    } else {
      // A thread from the factory for each burst of writes (one at a time): none is kept while the connection is
      // idle, and with a virtual-thread factory each is nearly free.
      ThreadFactory factory = options.threadFactory();
      java.util.concurrent.Executor perBurst = task -> {
        Thread t = factory.newThread(task);
        if (t == null) {
          throw new java.util.concurrent.RejectedExecutionException("the thread factory gave no thread");
        }
        t.setName("dtxkit-h2-writer-" + name);
        t.start();
      };
      this.h2 = new Http2Connection(socket, false, options.http2(), new Handler(), name, factory, perBurst);
    }
  }

  /**
   * Runs the RemoteXPC handshake on a connected socket and returns once the peer's SETTINGS have arrived and been
   * acknowledged. Frames, in devicectl's order: preface; SETTINGS; WINDOW_UPDATE(0); HEADERS(1); DATA(1) empty
   * dictionary (flags 0x1, id 0); HEADERS(3); DATA(1) flags 0x0201; DATA(3) INIT_HANDSHAKE (0x00400001); and, once
   * the peer's SETTINGS arrive, SETTINGS ACK.
   *
   * @param socket a connected socket; owned by the returned connection (closed on failure)
   * @param options tuning
   * @throws IOException when the peer closes, breaks the protocol or does not answer in time
   */
  public static RemoteXpcConnection open(Socket socket, Options options) throws IOException {
    RemoteXpcConnection c = new RemoteXpcConnection(socket, options,
        "rxpc-" + socket.getInetAddress().getHostAddress() + ":" + socket.getPort());
    try {
      c.handshake();
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void handshake() throws IOException {
    h2.writePreface();
    h2.writeSettings(Http2Settings.remoteXpc(options.initialWindow()));
    if (options.connectionWindow() > Http2.DEFAULT_WINDOW) {
      // Skipped only when the caller asks for no more than the default window (a zero increment is illegal).
      h2.writeWindowUpdate(0, options.connectionWindow() - Http2.DEFAULT_WINDOW);
    }
    h2.writeHeaders(ROOT_CHANNEL, false);
    send(ROOT_CHANNEL, new XpcMessage(XpcFlags.ALWAYS_SET, 0, XpcDictionary.empty()));
    h2.writeHeaders(REPLY_CHANNEL, false);
    send(ROOT_CHANNEL, XpcMessage.headerOnly(XpcFlags.ALWAYS_SET | XpcFlags.HANDSHAKE_VERSION, 0));
    send(REPLY_CHANNEL, XpcMessage.headerOnly(XpcFlags.ALWAYS_SET | XpcFlags.INIT_HANDSHAKE, 0));
    h2.start();
    await(peerSettings, options.handshakeTimeout(), "the peer's SETTINGS");
  }

  private <T> T await(CompletableFuture<T> f, Duration timeout, String what) throws IOException {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("timed out after " + timeout.toMillis() + " ms waiting for " + what + " on "
          + h2.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      throw new IOException("failed waiting for " + what + ": " + cause, cause);
    }
  }

  /**
   * Sends a message on a stream.
   *
   * @return completes when the message is on the wire
   */
  public CompletableFuture<Void> send(int streamId, XpcMessage message) {
    ByteBuf bytes = XpcCodec.encodeMessage(message, PooledByteBufAllocator.DEFAULT);
    return h2.writeData(streamId, bytes, false);
  }

  /** The next message id on the root channel (ids 0 belong to the handshake). */
  public long nextMessageId() {
    return nextRootId.getAndIncrement();
  }

  /**
   * Sends {@code body} on the root channel with WANTS_REPLY and a fresh message id; the future completes with the
   * message that carries the REPLY flag and the same id, on whichever stream it arrives. Safe from any thread;
   * cancelling the future forgets the request.
   */
  public CompletableFuture<XpcMessage> request(XpcDictionary body) {
    long id = nextMessageId();
    CompletableFuture<XpcMessage> reply = new CompletableFuture<>();
    pending.put(id, reply);
    reply.whenComplete((m, e) -> pending.remove(id));
    if (closed) {
      reply.completeExceptionally(new IOException("RemoteXPC connection closed", closedCause));
      return reply;
    }
    int flags = XpcFlags.ALWAYS_SET | XpcFlags.WANTS_REPLY | (body.isEmpty() ? 0 : XpcFlags.DATA_PRESENT);
    send(ROOT_CHANNEL, new XpcMessage(flags, id, body)).whenComplete((v, e) -> {
      if (e != null) {
        reply.completeExceptionally(e);
      }
    });
    return reply;
  }

  /**
   * Waits for the first kept message that {@code matches}, removing it; earlier non-matching messages stay.
   *
   * @throws IOException when the connection closes or the time runs out first
   */
  public XpcMessage awaitMessage(Predicate<XpcMessage> matches, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (unclaimed) {
      while (true) {
        for (Iterator<XpcMessage> it = unclaimed.iterator(); it.hasNext(); ) {
          XpcMessage m = it.next();
          if (matches.test(m)) {
            it.remove();
            return m;
          }
        }
        if (closed) {
          throw new IOException("RemoteXPC connection " + h2.name() + " closed before the expected message arrived",
              closedCause);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("timed out after " + timeout.toMillis() + " ms waiting for a message on "
              + h2.name());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(unclaimed, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
  }

  /** Streams the peer reset, with their error codes (the iPhone resets stream 1 after the peer info). */
  public Map<Integer, Long> resetStreams() {
    return Map.copyOf(resets);
  }

  /** True once closed. */
  public boolean isClosed() {
    return closed;
  }

  /** The underlying HTTP/2 connection. */
  public Http2Connection http2() {
    return h2;
  }

  /** Closes the connection; pending requests fail. Idempotent. */
  @Override
  public void close() {
    h2.close();
    try {
      h2.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }

  }

  private final class Handler implements Http2Connection.Handler {
    @Override
    public void onSettingsAcknowledged(Http2Connection c, Http2Settings settings) {
      // Completed only once the ACK is queued, so whatever the caller sends next (the Handshake) follows it.
      peerSettings.complete(settings);
    }

    @Override
    public void onHeaders(Http2Connection c, int streamId, boolean endStream) {
      log.trace("{}: peer opened stream {}", c.name(), streamId);
    }

    @Override
    public void onTick(Http2Connection c, long nowNanos) throws IOException {
      String overdue;
      synchronized (decoders) {
        overdue = XpcMessageDecoder.overdue(decoders, nowNanos, options.http2().messageTimeout());
      }
      if (overdue != null) {
        // The connection fails; closing it closes the decoders, which releases what they held.
        throw new java.net.SocketTimeoutException(c.name() + ": " + overdue);
      }
    }

    @Override
    public void onData(Http2Connection c, int streamId, ByteBuf data, boolean endStream) throws IOException {
      java.util.List<XpcMessage> messages;
      synchronized (decoders) {
        if (closed) {
          return;
        }
        XpcMessageDecoder decoder = decoders.computeIfAbsent(streamId,
            id -> new XpcMessageDecoder(PooledByteBufAllocator.DEFAULT, options.limits(), buffered));
        messages = decoder.decode(data);
      }
      for (XpcMessage m : messages) {
        deliver(streamId, m);
      }
    }

    private void deliver(int streamId, XpcMessage m) throws IOException {
      if (m.has(XpcFlags.REPLY)) {
        CompletableFuture<XpcMessage> f = pending.get(m.messageId());
        if (f != null) {
          f.complete(m);
          return;
        }
      }
      if (m.body() == null || XpcDictionary.empty().equals(m.body())) {
        // The peer's mirrors of our handshake messages: nothing to deliver, as every RemoteXPC client treats them.
        log.trace("{}: stream {}: header-only or empty message {}", h2.name(), streamId, m);
        return;
      }
      synchronized (unclaimed) {
        if (unclaimed.size() >= options.maxUnclaimedMessages()) {
          throw new DtxLimitExceededException("unclaimed RemoteXPC messages", options.maxUnclaimedMessages(),
              unclaimed.size() + 1L, DtxLimitExceededException.UNKNOWN_OFFSET);
        }
        unclaimed.add(m);
        unclaimed.notifyAll();
      }
    }

    @Override
    public void onRstStream(Http2Connection c, int streamId, long errorCode) {
      log.debug("{}: peer reset stream {} with {}", c.name(), streamId, Http2.errorName(errorCode));
      resets.put(streamId, errorCode);
    }

    @Override
    public void onClosed(Http2Connection c, Throwable cause) {
      closedCause = cause;
      closed = true;
      IOException failure = new IOException("RemoteXPC connection " + c.name() + " closed"
          + (cause == null ? "" : ": " + cause.getMessage()), cause);
      peerSettings.completeExceptionally(failure);
      pending.values().forEach(f -> f.completeExceptionally(failure));
      synchronized (decoders) {
        decoders.values().forEach(XpcMessageDecoder::close);
        decoders.clear();
      }
      synchronized (unclaimed) {
        unclaimed.notifyAll();
      }
    }
  }
}
