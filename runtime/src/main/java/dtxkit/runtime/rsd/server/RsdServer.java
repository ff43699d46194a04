package dtxkit.runtime.rsd.server;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.http2.Http2;
import dtxkit.runtime.http2.Http2Connection;
import dtxkit.runtime.http2.Http2ProtocolException;
import dtxkit.runtime.http2.Http2Settings;
import dtxkit.runtime.net.AcceptLoop;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RemoteXpcConnection;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.xpc.XpcBufferBudget;
import dtxkit.runtime.xpc.XpcCodec;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcFlags;
import dtxkit.runtime.xpc.XpcLimits;
import dtxkit.runtime.xpc.XpcMessage;
import dtxkit.runtime.xpc.XpcMessageDecoder;
import dtxkit.runtime.xpc.XpcObject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A RemoteServiceDiscovery port that answers clients frame for frame as an iPhone does (seed 000), serving a
 * configurable {@link PeerInfo}.
 *
 * <table>
 * <caption>What each client frame triggers</caption>
 * <tr><th>client sends</th><th>server answers</th></tr>
 * <tr><td>SETTINGS (first)</td><td>SETTINGS {100 streams, 1 MiB window}, WINDOW_UPDATE(0, 983041), SETTINGS ACK</td></tr>
 * <tr><td>HEADERS(s)</td><td>HEADERS(s)</td></tr>
 * <tr><td>DATA(1) empty dictionary</td><td>the same message back on 1</td></tr>
 * <tr><td>DATA(1) flags 0x0201</td><td>the same message back on 1</td></tr>
 * <tr><td>DATA(3) INIT_HANDSHAKE</td><td>INIT_HANDSHAKE on 3, then the peer info on 1 (unsolicited: appium never
 * asks), then RST_STREAM(1, STREAM_CLOSED) unless {@link Builder#resetRootAfterPeerInfo(boolean)} is off</td></tr>
 * <tr><td>a {@code Handshake} dictionary</td><td>nothing: the peer info went out once already (pymobiledevice3
 * sends its Handshake after reading our SETTINGS and then reads the unsolicited peer info)</td></tr>
 * <tr><td>another message with WANTS_REPLY</td><td>the {@link RequestHandler}'s reply on 3 with REPLY and the
 * request's id, answered concurrently; without a handler the message is counted in {@link #unhandledMessages()}</td></tr>
 * </table>
 *
 * <p>Wrong orders: a first frame that is not SETTINGS, or HEADERS on an even stream, is a connection error
 * (GOAWAY PROTOCOL_ERROR). DATA on a stream the client never opened with HEADERS gets RST_STREAM(STREAM_CLOSED), as
 * CoreDeviceService answers an application-level mismatch. The 0x0201 version-flags message before HEADERS(3) gets
 * GOAWAY(PROTOCOL_ERROR, "Invalid or missing remote device connection version flags"), modelled on remoted, which
 * rejects that order (pymobiledevice3 notes). Malformed XPC is a GOAWAY(PROTOCOL_ERROR) with the decoder's message.
 *
 * <p>About RST_STREAM(1) after the peer info: the iPhone sends it, and appium-ios-remotexpc treats a RST_STREAM
 * before the catalogue is read as fatal. Frames are processed in wire order and the catalogue DATA precedes the
 * RST_STREAM, so a client that parses frames in order (appium, pymobiledevice3, dtxkit) has read the catalogue
 * first; this is also what those clients get from real devices. The option exists for clients that read lazily.
 */
public final class RsdServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RsdServer.class);

  /** Threads answering requests at most, shared by all connections (idle ones end after 30 s). */
  static final int REQUEST_THREADS = 16;
  /** Requests one connection may have waiting for the handler; one more fails that connection. */
  static final int MAX_REQUESTS_IN_FLIGHT = 256;

  /** The window the iPhone grants: 1 MiB per stream and for the connection (seed 000). */
  public static final int IPHONE_WINDOW = 1 << 20;

  /**
   * Answers RemoteXPC requests that are not part of RSD; called concurrently on a pool of at most 16 threads shared by
   * the server's connections. A connection with more than 256 requests waiting for answers fails (a limit error).
   */
  @FunctionalInterface
  public interface RequestHandler {
    /**
     * @param request the request (WANTS_REPLY set)
     * @return the reply body (an empty dictionary for "no data")
     * @throws Exception failing the request; logged, and the connection closes with INTERNAL_ERROR
     */
    XpcObject handle(XpcMessage request) throws Exception;
  }

  private final PeerInfo peerInfo;
  private final List<RsdCheckinResponder> responders = new java.util.ArrayList<>();
  private final boolean resetRootAfterPeerInfo;
  private final RequestHandler requestHandler;
  private final XpcLimits limits;
  private final ThreadFactory threadFactory;
  private final Set<Http2Connection> connections = ConcurrentHashMap.newKeySet();
  private final ExecutorService requestPool;
  private final ExecutorService writePool;
  private final Http2Connection.Options http2Options;
  private final XpcBufferBudget bufferBudget;
  private final long maxBufferedPerConnection;
  private final AcceptLoop acceptLoop;
  private final AtomicLong unhandled = new AtomicLong();
  private final AtomicLong clientHandshakes = new AtomicLong();
  private final AtomicLong streamResets = new AtomicLong();
  private final AtomicLong closedOnError = new AtomicLong();
  private volatile boolean closed;

  private RsdServer(Builder b) throws IOException {
    PeerInfo info = b.peerInfo;
    try {
      if (!b.checkinServices.isEmpty()) {
        Map<String, RsdService> services = new java.util.LinkedHashMap<>(info.services());
        for (Map.Entry<String, RsdCheckinResponder.Service> e : b.checkinServices.entrySet()) {
          RsdCheckinResponder responder = new RsdCheckinResponder(b.bindAddress, e.getValue(), b.threadFactory);
          responders.add(responder);
          services.put(e.getKey(), RsdService.of(e.getKey(), responder.port(), false));
        }
        info = new PeerInfo(info.uuid(), info.messagingProtocolVersion(), info.properties(), services);
      }
    } catch (IOException e) {
      closeResponders();
      throw e;
    }
    this.peerInfo = info;
    this.resetRootAfterPeerInfo = b.resetRootAfterPeerInfo;
    this.requestHandler = b.requestHandler;
    this.limits = b.limits;
    this.threadFactory = b.threadFactory;
    this.http2Options = b.http2Options;
    this.maxBufferedPerConnection = b.maxBufferedPerConnection > 0 ? b.maxBufferedPerConnection
        : b.limits.maxMessageBytes() + (1 << 20);
    this.bufferBudget = XpcBufferBudget.of("XPC bytes buffered by all connections", b.maxBufferedTotal);
    try {
      this.acceptLoop = AcceptLoop.builder("rsd-server", this::serve).bindAddress(b.bindAddress).port(b.port)
          .maxConnections(b.maxConnections).threadFactory(threadFactory).bind();
    } catch (IOException | RuntimeException e) {
      closeResponders();
      throw e;
    }
    ThreadPoolExecutor requests = new ThreadPoolExecutor(REQUEST_THREADS, REQUEST_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = threadFactory.newThread(r);
          t.setName("dtxkit-rsd-request-" + acceptLoop.port());
          return t;
        });
    requests.allowCoreThreadTimeOut(true);
    this.requestPool = requests;
    this.writePool = Http2Connection.sharedWriters(threadFactory);
    try {
      acceptLoop.start();
    } catch (IOException e) {
      requestPool.shutdownNow();
      writePool.shutdownNow();
      closeResponders();
      throw e;
    }
  }

  /** A builder serving {@code peerInfo}. */
  public static Builder builder(PeerInfo peerInfo) {
    return new Builder(peerInfo);
  }

  /** The bound port. */
  public int port() {
    return acceptLoop.port();
  }

  /** The bound address. */
  public InetAddress address() {
    return acceptLoop.address().getAddress();
  }

  /** The served peer info (with the ports of {@link Builder#checkinService} services filled in). */
  public PeerInfo peerInfo() {
    return peerInfo;
  }

  /** Messages received that nothing answered (no request handler, or not a request). */
  public long unhandledMessages() {
    return unhandled.get();
  }

  /** Client {@code Handshake} messages received (accepted, not answered: the peer info is unsolicited). */
  public long clientHandshakes() {
    return clientHandshakes.get();
  }

  /** RST_STREAM frames received from clients (counted, logged at DEBUG only). */
  public long streamResets() {
    return streamResets.get();
  }

  /**
   * Connections closed because of an error: a protocol error, a limit, a timeout (each also logged in one INFO
   * line, its stack trace at DEBUG).
   */
  public long connectionsClosedOnError() {
    return closedOnError.get();
  }

  /** Connections accepted so far (refused ones not included). */
  public int acceptedConnections() {
    return acceptLoop.acceptedConnections();
  }

  /** Connections that could not be served (closed at once, e.g. no thread could be created for them). */
  public long failedConnections() {
    return acceptLoop.failedConnections();
  }

  /** Connections refused because {@link Builder#maxConnections(int)} were open. */
  public long refusedConnections() {
    return acceptLoop.refusedConnections();
  }

  /** Bytes held now for incomplete XPC messages, all connections together. */
  public long bufferedBytes() {
    return bufferBudget.used();
  }

  /** Connections open now. */
  public int openConnections() {
    return connections.size();
  }

  private AutoCloseable serve(Socket socket, AcceptLoop.Slot slot, int n) throws IOException {
    Session session = new Session(slot);
    Http2Connection c = new Http2Connection(socket, true, http2Options, session, "rsd-server-" + port() + "#" + n,
        threadFactory, writePool);
    connections.add(c);
    if (closed) {
      c.close();
      return c;
    }
    c.start();
    return c;
  }

  /** Stops accepting, closes every connection and waits for their threads. Idempotent. */
  @Override
  public void close() {
    closed = true;
    acceptLoop.close();
    try {
      for (Http2Connection c : List.copyOf(connections)) {
        c.close();
        c.awaitTermination();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requestPool.shutdownNow();
    writePool.shutdown();
    closeResponders();
  }

  private void closeResponders() {
    for (RsdCheckinResponder r : responders) {
      try {
        r.close();
      } catch (IOException e) {
        log.debug("closing checkin responder on port {}: {}", r.port(), e.toString());
      }
    }
  }

  /** One client connection's state; all callbacks run on its reader thread. */
  private final class Session implements Http2Connection.Handler {
    private final AcceptLoop.Slot slot;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final XpcBufferBudget buffered =
        bufferBudget.child("XPC bytes buffered by one connection", maxBufferedPerConnection);
    private final Map<Integer, XpcMessageDecoder> decoders = new HashMap<>();
    private final Set<Integer> opened = new HashSet<>();
    private boolean settingsSeen;
    private boolean versionFlagsSeen;
    private boolean replyHeadersHeld;
    private boolean initHandshakeSeen;
    private boolean peerInfoSent;
    private boolean closedSession;

    Session(AcceptLoop.Slot slot) {
      this.slot = slot;
    }

    @Override
    public void onSettings(Http2Connection c, Http2Settings settings) {
      if (!settingsSeen) {
        settingsSeen = true;
        c.writeSettings(Http2Settings.remoteXpc(IPHONE_WINDOW));
        c.writeWindowUpdate(0, IPHONE_WINDOW - Http2.DEFAULT_WINDOW);
      }
    }

    private void requireSettings(Http2Connection c, String frame) throws Http2ProtocolException {
      if (!settingsSeen) {
        throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "first frame",
            "the client must send SETTINGS first, got " + frame, Http2ProtocolException.UNKNOWN_OFFSET);
      }
    }

    @Override
    public void onHeaders(Http2Connection c, int streamId, boolean endStream) throws IOException {
      requireSettings(c, "HEADERS(" + streamId + ")");
      if (streamId % 2 == 0) {
        throw new Http2ProtocolException(Http2.PROTOCOL_ERROR, "HEADERS stream",
            "client opened even stream " + streamId, Http2ProtocolException.UNKNOWN_OFFSET);
      }
      if (opened.add(streamId)) {
        if (streamId == RemoteXpcConnection.REPLY_CHANNEL && !versionFlagsSeen) {
          // The iPhone answers HEADERS(3) only after mirroring the 0x0201 message (pcap order #5 before #6),
          // although every client sends HEADERS(3) first.
          replyHeadersHeld = true;
        } else {
          c.writeHeaders(streamId, false);
        }
      }
    }

    @Override
    public void onTick(Http2Connection c, long nowNanos) throws IOException {
      String overdue;
      synchronized (this) {
        overdue = XpcMessageDecoder.overdue(decoders, nowNanos, http2Options.messageTimeout());
      }
      if (overdue != null) {
        // A client that starts an XPC message and never finishes it: the connection fails, and closing it closes
        // the decoders, which gives their buffers (and budget) back.
        throw new java.net.SocketTimeoutException(c.name() + ": " + overdue);
      }
    }

    @Override
    public void onData(Http2Connection c, int streamId, ByteBuf data, boolean endStream) throws IOException {
      requireSettings(c, "DATA(" + streamId + ")");
      if (!opened.contains(streamId)) {
        log.debug("{}: DATA on stream {} that the client never opened; RST_STREAM(STREAM_CLOSED)", c.name(),
            streamId);
        c.writeRstStream(streamId, Http2.STREAM_CLOSED);
        return;
      }
      List<XpcMessage> messages;
      synchronized (this) {
        if (closedSession) {
          return;
        }
        messages = decoders.computeIfAbsent(streamId,
            id -> new XpcMessageDecoder(PooledByteBufAllocator.DEFAULT, limits, buffered)).decode(data);
      }
      for (XpcMessage m : messages) {
        handle(c, streamId, m);
      }
    }

    private void handle(Http2Connection c, int streamId, XpcMessage m) throws IOException {
      if (m.has(XpcFlags.INIT_HANDSHAKE)) {
        if (!versionFlagsSeen) {
          rejectVersionFlags(c, streamId);
          return;
        }
        send(c, streamId, XpcMessage.headerOnly(m.flags(), m.messageId()));
        initHandshakeSeen = true;
        maybeSendPeerInfo(c);
        return;
      }
      XpcDictionary body = m.dictionary();
      boolean handshakeMirror = !m.has(XpcFlags.WANTS_REPLY)
          && (m.body() == null || XpcDictionary.empty().equals(m.body()));
      if (handshakeMirror) {
        if (m.has(XpcFlags.HANDSHAKE_VERSION)) {
          if (!opened.contains(RemoteXpcConnection.REPLY_CHANNEL)) {
            rejectVersionFlags(c, streamId);
            return;
          }
          versionFlagsSeen = true;
          send(c, streamId, m);
          if (replyHeadersHeld) {
            replyHeadersHeld = false;
            c.writeHeaders(RemoteXpcConnection.REPLY_CHANNEL, false);
          }
          return;
        }
        send(c, streamId, m);
        return;
      }
      if (body != null && "Handshake".equals(body.getString("MessageType"))) {
        clientHandshakes.incrementAndGet();
        log.debug("{}: client Handshake (UUID {}) accepted; peer info {}", c.name(), body.get("UUID"),
            peerInfoSent ? "already sent" : "follows INIT_HANDSHAKE");
        return;
      }
      if (m.has(XpcFlags.WANTS_REPLY) && requestHandler != null) {
        int n = inFlight.incrementAndGet();
        if (n > MAX_REQUESTS_IN_FLIGHT) {
          inFlight.decrementAndGet();
          throw new DtxLimitExceededException("RemoteXPC requests in flight per connection", MAX_REQUESTS_IN_FLIGHT,
              n, DtxLimitExceededException.UNKNOWN_OFFSET);
        }
        try {
          requestPool.execute(() -> {
            try {
              answer(c, m);
            } finally {
              inFlight.decrementAndGet();
            }
          });
        } catch (RejectedExecutionException e) {
          inFlight.decrementAndGet();
          log.debug("{}: server closing, request {} not answered", c.name(), m.messageId());
        }
        return;
      }
      unhandled.incrementAndGet();
      log.debug("{}: no handler for message on stream {}: {}", c.name(), streamId, m);
    }

    private void rejectVersionFlags(Http2Connection c, int streamId) {
      c.writeGoAway(streamId, Http2.PROTOCOL_ERROR, "Invalid or missing remote device connection version flags")
          .whenComplete((v, e) -> c.close());
    }

    private void answer(Http2Connection c, XpcMessage request) {
      try {
        XpcObject reply = Objects.requireNonNull(requestHandler.handle(request), "reply");
        boolean empty = reply instanceof XpcDictionary d && d.isEmpty();
        int flags = XpcFlags.ALWAYS_SET | XpcFlags.REPLY | (empty ? 0 : XpcFlags.DATA_PRESENT);
        send(c, RemoteXpcConnection.REPLY_CHANNEL, new XpcMessage(flags, request.messageId(), reply));
      } catch (Throwable e) {
        // Any Throwable (see dtxkit.runtime.internal.Failures), a handler's StackOverflowError too: the peer is told
        // and the connection closed rather than left waiting. One line per connection: it closes right after.
        log.warn("{}: request handler failed for message {}: {}", c.name(), request.messageId(), e.toString());
        log.debug("{}: request handler failure", c.name(), e);
        c.writeGoAway(0, Http2.INTERNAL_ERROR, "request handler failed: " + e).whenComplete((v, x) -> c.close());
        dtxkit.runtime.internal.Failures.rethrowIfFatal(e);
      }
    }

    private void maybeSendPeerInfo(Http2Connection c) {
      if (peerInfoSent || !initHandshakeSeen || !opened.contains(RemoteXpcConnection.ROOT_CHANNEL)) {
        return;
      }
      peerInfoSent = true;
      send(c, RemoteXpcConnection.ROOT_CHANNEL,
          new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 0, peerInfo.toXpc()));
      if (resetRootAfterPeerInfo) {
        c.writeRstStream(RemoteXpcConnection.ROOT_CHANNEL, Http2.STREAM_CLOSED);
      }
    }

    private void send(Http2Connection c, int streamId, XpcMessage m) {
      c.writeData(streamId, XpcCodec.encodeMessage(m, PooledByteBufAllocator.DEFAULT), false);
    }

    @Override
    public void onRstStream(Http2Connection c, int streamId, long errorCode) {
      streamResets.incrementAndGet();
      log.debug("{}: client reset stream {} with {}", c.name(), streamId, Http2.errorName(errorCode));
    }

    @Override
    public void onClosed(Http2Connection c, Throwable cause) {
      if (cause != null && !(cause instanceof java.io.EOFException) && !(cause instanceof SocketException)) {
        // One line per failed connection; the stack trace only at DEBUG.
        closedOnError.incrementAndGet();
        log.info("{}: closed: {}", c.name(), cause.getMessage());
        log.debug("{}: close cause", c.name(), cause);
      }
      synchronized (this) {
        closedSession = true;
        decoders.values().forEach(XpcMessageDecoder::close);
        decoders.clear();
      }
      connections.remove(c);
      slot.release();
    }
  }

  /** Configures an {@link RsdServer}. */
  public static final class Builder {
    private final PeerInfo peerInfo;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private boolean resetRootAfterPeerInfo = true;
    private RequestHandler requestHandler;
    private XpcLimits limits = XpcLimits.DEFAULT;
    private int maxConnections = AcceptLoop.DEFAULT_MAX_CONNECTIONS;
    private Http2Connection.Options http2Options = Http2Connection.Options.SERVER_DEFAULT;
    private long maxBufferedPerConnection;
    private long maxBufferedTotal = 256L << 20;
    private ThreadFactory threadFactory = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
    private final Map<String, RsdCheckinResponder.Service> checkinServices = new java.util.LinkedHashMap<>();

    private Builder(PeerInfo peerInfo) {
      this.peerInfo = Objects.requireNonNull(peerInfo, "peerInfo");
    }

    /** Where to listen (loopback by default; {@code ::1} for IPv6). */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = address;
      return this;
    }

    /** The port (0, the default, picks a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Whether to send the iPhone's RST_STREAM(1, STREAM_CLOSED) right after the peer info (default true). */
    public Builder resetRootAfterPeerInfo(boolean reset) {
      this.resetRootAfterPeerInfo = reset;
      return this;
    }

    /** Answers RemoteXPC requests beyond RSD (none by default). */
    public Builder requestHandler(RequestHandler handler) {
      this.requestHandler = handler;
      return this;
    }

    /**
     * Hosts a {@code *.shim.remote}-style service: an {@link RsdCheckinResponder} on a free port of the bind
     * address answers {@code RSDCheckin} and then runs {@code service}; the served peer info advertises it under
     * {@code name} with that port. The responder stops with the server.
     */
    public Builder checkinService(String name, RsdCheckinResponder.Service service) {
      checkinServices.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(service, "service"));
      return this;
    }

    /** XPC decoding limits. */
    public Builder limits(XpcLimits limits) {
      this.limits = limits;
      return this;
    }

    /**
     * The most clients served at once (default {@value AcceptLoop#DEFAULT_MAX_CONNECTIONS}); a client beyond that
     * is accepted and closed at once, and counted in {@link RsdServer#refusedConnections()}.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Makes every thread the server starts: the accept thread, each connection's HTTP/2 reader, and the shared
     * pools that write and answer requests (default: daemon platform threads). On JDK 21+ {@code Thread.ofVirtual().factory()} makes them
     * virtual.
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /**
     * HTTP/2 tuning of each connection (default {@link Http2Connection.Options#SERVER_DEFAULT}: 4 MiB queued
     * writes, 30 s write and frame timeouts, a keep-alive PING after 60 s of silence answered within 20 s).
     */
    public Builder http2Options(Http2Connection.Options options) {
      this.http2Options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Bounds the bytes held for incomplete XPC messages: per connection (default the largest message the limits
     * allow plus 1 MiB) and across all connections (default 256 MiB). A connection that would exceed either fails
     * with a limit error; the others carry on.
     */
    public Builder bufferBudget(long perConnection, long total) {
      if (perConnection <= 0 || total <= 0) {
        throw new IllegalArgumentException("budgets must be positive: " + perConnection + ", " + total);
      }
      this.maxBufferedPerConnection = perConnection;
      this.maxBufferedTotal = total;
      return this;
    }

    /** Binds and starts accepting. */
    public RsdServer start() throws IOException {
      return new RsdServer(this);
    }
  }
}
