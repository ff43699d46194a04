package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxLimits;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DTX connection over a byte stream, in either role: the client that talks to a device's DTServiceHub, or the
 * server that acts as one (answering the peer's channel requests from a {@link DtxServiceRegistry}).
 *
 * <pre>{@code
 * try (DtxConnection connection = DtxConnection.builder(DtxTransport.tcp("fd12::1", 53421)).connect()) {
 *   DtxChannel processes = connection.openChannel("com.apple.instruments.server.services.processcontrol");
 *   Object pid = processes.invoke("launchSuspendedProcessWithDevicePath:bundleIdentifier:environment:arguments:options:",
 *       DtxArgument.object("/private/"), DtxArgument.object("com.example"), DtxArgument.object(Map.of()),
 *       DtxArgument.object(List.of()), DtxArgument.object(Map.of()));
 *   processes.send("killPid:", DtxArgument.object(pid));
 * } // close() writes the killPid: before closing
 * }</pre>
 *
 * <p><b>Threads.</b> One reader thread per connection decodes messages, matches replies and hands everything else to
 * per-channel delivery queues that run on the delivery executor ({@link Builder#deliveryExecutor}); no user code
 * runs on the reader. With the default executor a second reading thread ({@code <name>-reader-twin}) takes turns with
 * the first: when a read brings a message for a channel whose queue is idle and the twin is waiting, the reader
 * passes reading to the twin and then runs that channel's queue itself, which saves a request the wake-up of a
 * delivery thread. The thread running user code never holds the reader role at that time. One writer thread writes queued messages a fragment at a time, taking channels in turn (see
 * {@code OutboundWriter}); a small message may be written directly by the calling thread when nothing is queued.
 *
 * <p><b>Handshake.</b> {@link Builder#connect()} starts the reader, sends {@code _notifyOfPublishedCapabilities:}
 * with {@link Builder#capabilities} and waits for the peer's (unless {@link Builder#skipHandshake()} or
 * {@link Builder#awaitPeerCapabilities(boolean)} false). Listeners and the registry given to the builder are in place
 * before the first byte is read, so no message is lost to a race.
 *
 * <p><b>Identifiers and codes.</b> Outgoing identifiers come from a counter starting at 1; a reply reuses the
 * request's identifier with conversation index + 1. Channels this side opens get codes 1, 2, 3...; channels the peer
 * opens are kept under the negated code. On the wire a message with an even conversation index carries the local
 * code, one with an odd index (a reply) the negated local code; received codes are mapped back the same way.
 *
 * <p><b>Replies</b> are matched by identifier alone, as devices do. A reply nobody waits for is counted
 * ({@link #unmatchedReplyCount()}) and logged; a reply to a cancelled or timed-out call is counted
 * ({@link #abandonedReplyCount()}) and logged at DEBUG.
 *
 * <p><b>Compressed messages</b> (decompressed by the decoder) reach the listener as a notification when their payload
 * is an archive, else as DATA.
 *
 * <p><b>Unknown traffic.</b> A message on an unknown channel, or of a type the connection does not handle (PRIMITIVE,
 * PROXIED, or an OK/ERROR that is not a reply), is answered with an ERROR (NSError domain {@code DTXMessage}, code 2)
 * when it expects a reply, and counted ({@link #unhandledCount()}) and logged at WARN. Late messages on a channel this
 * side cancelled (sent before the peer saw the cancel) are the same but logged at DEBUG only.
 *
 * <p><b>Ending.</b> {@link #close()} writes every message already queued, cancels the channels this side opened with
 * one {@code _channelCanceled:} (no reply awaited), then closes the transport. When the stream ends, a read or write
 * fails, or the peer breaks the protocol, every pending call fails at once with a
 * {@link DtxConnectionClosedException} saying why, and every channel's listener gets
 * {@link DtxChannelListener#onClosed}.
 *
 * <p><b>Tracing.</b> Every message sent and received is logged at DEBUG on the logger {@value #TRACE_LOGGER}, one
 * line per message, in the fixed format of {@link dtxkit.runtime.wire.DtxTraceFormatter}:
 * {@code >> ch=1 id=5.0 frag=1/1 DISPATCH sel=runningProcesses len=180} ({@code >>} sent, {@code <<} received; the
 * channel code as on the wire; {@code frag=1/N} with N the number of fragments the message travels in; {@code len} the
 * body length). Messages are logged when queued for sending and when completely received.
 */
public final class DtxConnection implements Closeable {

  /** The SLF4J logger name of the one-line-per-message trace. */
  public static final String TRACE_LOGGER = "dtxkit.runtime.trace";
  /** The capabilities selector both sides send first on channel 0. */
  public static final String NOTIFY_CAPABILITIES = "_notifyOfPublishedCapabilities:";
  /** The selector that opens a channel: code (int32) and identifier (archived string). */
  public static final String REQUEST_CHANNEL = "_requestChannelWithCode:identifier:";
  /** The selector that cancels one or several channels: their codes as int32 arguments. */
  public static final String CHANNEL_CANCELED = "_channelCanceled:";

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);
  private static final Logger TRACE = LoggerFactory.getLogger(TRACE_LOGGER);
  private static final AtomicInteger CONNECTION_NUMBERS = new AtomicInteger();
  private static final int READ_CHUNK = 256 * 1024;

  /** Shared by connections built without an executor: daemon threads, created on demand, idle ones expire. */
  private static final ExecutorService SHARED_DELIVERY = Executors.newCachedThreadPool(daemonThreads("dtx-delivery-"));

  private final DtxTransport transport;
  private final String name;
  private final Map<String, Object> capabilities;
  private final boolean awaitPeerCapabilities;
  private final long handshakeTimeoutNanos;
  private final long callTimeoutNanos;
  private final DtxServiceRegistry registry;
  /** Typed clients and handles ({@link #open(Class)}, {@link #openService}). */
  private final TypedServices typed = new TypedServices(this);
  private final Executor deliveryExecutor;
  private final int maxQueuedPerChannel;
  private final DtxLimits limits;

  private final AtomicInteger nextIdentifier = new AtomicInteger(1);
  private final AtomicInteger nextChannelCode = new AtomicInteger(1);
  private final ConcurrentHashMap<Integer, DtxChannel> channels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> abandoned = new ConcurrentHashMap<>();
  private final CompletableFuture<Map<String, Object>> peerCapabilitiesFuture = new CompletableFuture<>();
  private volatile Map<String, Object> peerCapabilities = Map.of();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile DtxConnectionClosedException closedBecause;

  private final AtomicLong abandonedReplies = new AtomicLong();
  private final AtomicLong unmatchedReplies = new AtomicLong();
  private final AtomicLong overflows = new AtomicLong();
  private final AtomicLong unhandled = new AtomicLong();
  /**
   * Codes of the channels this side cancelled most recently (at most {@link #RECENTLY_CANCELLED}): the peer may have
   * queued traffic on them before it saw the cancel, so their late messages are expected, counted and logged at
   * DEBUG, never warned about. Channel codes are not reused, so a bounded memory is enough.
   */
  private final java.util.Set<Integer> recentlyCancelled = java.util.Collections.newSetFromMap(
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<Integer, Boolean>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
          return size() > RECENTLY_CANCELLED;
        }
      }));
  private static final int RECENTLY_CANCELLED = 64;

  private final DtxChannel control;
  /** The thread that reads first; with the default delivery executor, {@link #twinThread} takes turns with it. */
  private final Thread readerThread;
  /** The second reading thread, or null (an application delivery executor runs every delivery). */
  private final Thread twinThread;
  /** The thread that holds the reader role now: only it touches {@link #in} and {@link #decoder}. */
  private volatile Thread reader;
  /** The reading thread waiting for the reader role, if any: the one a delivery may be left to. */
  private final java.util.concurrent.atomic.AtomicReference<Thread> idleTwin =
      new java.util.concurrent.atomic.AtomicReference<>();
  /** Set by the last reader when reading has ended: the waiting thread stops. */
  private volatile boolean readingDone;
  private final InputStream in;
  private final Codec.Decoder decoder;
  /** A delivery queue the current reader will run itself once it has passed the reader role on; reader only. */
  private SerialQueue claimed;
  /** The thread the reader role goes to before {@link #claimed} runs; reader only. */
  private Thread claimedTwin;
  private final Thread writerThread;
  private final OutboundWriter writer;

  private record Pending(CallFuture future, boolean async, String selector) {}

  private DtxConnection(Builder b) throws IOException {
    this.transport = b.transport;
    int number = CONNECTION_NUMBERS.incrementAndGet();
    this.name = b.name != null ? b.name : "dtx-" + number;
    this.capabilities = b.capabilities;
    this.awaitPeerCapabilities = b.capabilities != null && b.awaitPeerCapabilities;
    this.handshakeTimeoutNanos = b.handshakeTimeout.toNanos();
    this.callTimeoutNanos = b.callTimeout.toNanos();
    this.registry = b.registry;
    this.deliveryExecutor = b.deliveryExecutor != null ? b.deliveryExecutor : SHARED_DELIVERY;
    this.maxQueuedPerChannel = b.maxQueuedPerChannel;
    this.limits = b.limits;
    this.control = new DtxChannel(this, 0, "ctrl", DtxChannel.State.OPEN, newQueue());
    control.setListener(b.controlListener);
    control.setHandler(b.controlHandler);
    channels.put(0, control);
    this.in = transport.input();
    this.decoder = new Codec.Decoder(limits);
    OutputStream out = new BufferedOutputStream(transport.output(), 256 * 1024);
    this.readerThread = new Thread(this::ioLoop, name + "-reader");
    readerThread.setDaemon(true);
    this.reader = readerThread;
    if (b.deliveryExecutor == null) {
      this.twinThread = new Thread(this::ioLoop, name + "-reader-twin");
      twinThread.setDaemon(true);
      idleTwin.set(twinThread);
    } else {
      this.twinThread = null;
    }
    this.writer = new OutboundWriter(out, t -> t == reader, e -> drop("write failed: " + e.getMessage(), e));
    this.writerThread = new Thread(writer, name + "-writer");
    writerThread.setDaemon(true);
  }

  /**
   * Starts building a connection over {@code transport}.
   *
   * @param transport the byte stream; the connection owns it from {@link Builder#connect()} on and closes it
   * @return a builder
   */
  public static Builder builder(DtxTransport transport) {
    return new Builder(Objects.requireNonNull(transport, "transport"));
  }

  /**
   * Connects over TCP with the default settings (client role, capabilities handshake).
   *
   * @param host an IPv4/IPv6 literal (scoped link-local allowed, e.g. {@code fe80::1%en0}) or a name
   * @param port the port
   * @return the connected connection
   * @throws IOException when the socket cannot connect
   * @throws DtxTimeoutException when the peer's capabilities do not arrive in time
   */
  public static DtxConnection connect(String host, int port) throws IOException {
    return builder(DtxTransport.tcp(host, port)).connect();
  }

  /**
   * The capabilities a client announces unless told otherwise: {@code com.apple.private.DTXBlockCompression} = 0,
   * {@code com.apple.private.DTXConnection} = 1 and
   * {@code com.apple.instruments.client.processcontrol.capability.terminationCallback} = 1.
   *
   * @return a new, modifiable, ordered map
   */
  public static Map<String, Object> defaultCapabilities() {
    Map<String, Object> caps = new LinkedHashMap<>();
    caps.put("com.apple.private.DTXBlockCompression", 0);
    caps.put("com.apple.private.DTXConnection", 1);
    caps.put("com.apple.instruments.client.processcontrol.capability.terminationCallback", 1);
    return caps;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Public API

  /**
   * Opens a channel to the service {@code identifier} and waits (call timeout) for the peer's answer.
   *
   * @param identifier the service identifier, e.g. {@code com.apple.instruments.server.services.deviceinfo}
   * @return the open channel
   * @throws DtxRemoteException the peer refused (its NSError)
   * @throws DtxTimeoutException no answer in time
   * @throws DtxConnectionClosedException the connection closed first
   */
  public DtxChannel openChannel(String identifier) {
    return openChannel(identifier, null);
  }

  /**
   * Opens a channel with a listener in place before the request is sent, so that nothing the peer sends on the
   * channel right after accepting it is missed.
   *
   * @param identifier the service identifier
   * @param listener the channel's listener, or null
   * @return the open channel
   * @throws DtxRemoteException the peer refused (its NSError)
   * @throws DtxTimeoutException no answer in time
   * @throws DtxConnectionClosedException the connection closed first
   */
  public DtxChannel openChannel(String identifier, DtxChannelListener listener) {
    return await(openChannelAsync(identifier, listener), "reply to " + REQUEST_CHANNEL + " " + identifier,
        callTimeoutNanos);
  }

  /**
   * Opens a channel without waiting.
   *
   * @param identifier the service identifier
   * @return a future completed with the open channel, or exceptionally with {@link DtxRemoteException} or
   *     {@link DtxConnectionClosedException}; completed on the delivery executor
   */
  public CompletableFuture<DtxChannel> openChannelAsync(String identifier) {
    return openChannelAsync(identifier, null);
  }

  /**
   * Opens a channel without waiting, with a listener in place before the request is sent.
   *
   * @param identifier the service identifier
   * @param listener the channel's listener, or null
   * @return a future completed with the open channel (see {@link #openChannelAsync(String)}); cancelling it
   *     abandons the request: the channel closes here at once ({@link DtxChannelListener#onClosed} with null), and
   *     should the peer accept it later, that late OK is counted ({@link #abandonedReplyCount()}) and answered with
   *     {@code _channelCanceled:}
   */
  public CompletableFuture<DtxChannel> openChannelAsync(String identifier, DtxChannelListener listener) {
    Objects.requireNonNull(identifier, "identifier");
    int code = nextChannelCode.getAndIncrement();
    DtxChannel channel = new DtxChannel(this, code, identifier, DtxChannel.State.OPENING, newQueue());
    channel.setListener(listener);
    // Registered before the request so that whatever the peer sends right after its OK is routed to it.
    channels.put(code, channel);
    CompletableFuture<Object> reply = call(control, REQUEST_CHANNEL,
        new DtxArgument[] {DtxArgument.int32(code), DtxArgument.object(identifier)}, true);
    // Cancelling (or timing out) abandons the request: the channel is forgotten here at once, and an OK that comes
    // later is answered with _channelCanceled:, so that neither side keeps a half-open channel.
    CompletableFuture<DtxChannel> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
          channels.remove(code, channel);
          channel.markClosed(null);
        }
        return cancelled;
      }
    };
    reply.whenComplete((ok, error) -> {
      if (error != null) {
        channels.remove(code, channel);
        channel.markClosed(null);
        if (!result.completeExceptionally(error instanceof RuntimeException ? error
            : new DtxException(error.getMessage(), error)) && result.isCancelled()) {
          abandonedReplies.incrementAndGet();
          LOG.debug("{}: late refusal of abandoned channel {} \"{}\"", name, code, identifier, error);
        }
        return;
      }
      channel.markOpen();
      if (!result.complete(channel)) {
        lateChannelOk(channel);
      }
    });
    return result;
  }

  /** The peer accepted a channel request that was cancelled meanwhile: cancel the channel on its side too. */
  private void lateChannelOk(DtxChannel channel) {
    channels.remove(channel.code(), channel);
    channel.markClosed(null);
    abandonedReplies.incrementAndGet();
    LOG.info("{}: channel {} \"{}\" accepted after its request was abandoned; cancelling it", name, channel.code(),
        channel.identifier());
    try {
      sendDispatch(control, CHANNEL_CANCELED, new DtxArgument[] {DtxArgument.int32(channel.code())});
    } catch (DtxException e) {
      LOG.debug("{}: could not cancel abandoned channel {}", name, channel.code(), e);
    }
  }

  /**
   * The connection's shared client for a {@code @DtxService} interface, over a channel opened on first use.
   * Idempotent: the same client is returned for as long as its channel stays open; after the channel closes, the
   * next call opens a new one. For a channel of your own (to close, to watch, or with callbacks), use
   * {@link #openService}. Services are found through their generated binding.
   *
   * <pre>{@code
   * DeviceInfo info = connection.open(DeviceInfo.class);
   * List<ProcessInfo> processes = info.runningProcesses();
   * }</pre>
   *
   * @param service the service interface
   * @return the client; its calls block with the call timeout or, for {@code CompletableFuture} methods, return at
   *     once
   * @throws IllegalArgumentException {@code service} has no generated binding
   * @throws DtxRemoteException the peer refused the channel
   * @throws DtxTimeoutException no answer in time
   * @throws DtxConnectionClosedException the connection closed first
   */
  public <T> T open(Class<T> service) {
    return typed.shared(service);
  }

  /**
   * A typed service on a new channel the caller owns: close the handle to cancel the channel. Messages the peer sends
   * unasked are answered as unknown selectors (invocations) or dropped; see the other overloads to receive them.
   *
   * @param service the service interface
   * @return the handle: client, channel, descriptors, close callbacks
   * @throws IllegalArgumentException {@code service} has no generated binding
   * @throws DtxRemoteException the peer refused the channel
   */
  public <T> DtxClientHandle<T, Void> openService(Class<T> service) {
    return typed.open(service, null);
  }

  /**
   * A typed service on a new channel whose callbacks ({@code @OnNotification}, {@code @OnData}) are delivered to
   * {@code listener}, an implementation of the service's nested events interface. The listener is in place before
   * the channel is requested, so no early callback is missed; callbacks run on the channel's delivery executor, in
   * arrival order.
   *
   * <pre>{@code
   * DtxClientHandle<ProcessControl, ProcessControl.Events> pc = connection.openService(ProcessControl.class,
   *     ProcessControl.Events.class, new ProcessControl.Events() {
   *         public void outputReceived(String output, int pid, long machTime) { System.out.print(output); }
   *     });
   * }</pre>
   *
   * @param service the service interface
   * @param eventsType the service's events interface
   * @param listener receives the callbacks
   * @throws IllegalArgumentException no binding, or {@code eventsType} is not the service's events interface
   */
  public <T, E> DtxClientHandle<T, E> openService(Class<T> service, Class<E> eventsType, E listener) {
    return typed.open(service, eventsType, listener);
  }

  /**
   * A typed service on a new channel whose unsolicited messages go to a raw {@code listener}: for services that push
   * OBJECT samples or DATA that no events interface describes (sysmontap, the taps). The listener is in place
   * before the channel opens.
   *
   * @param service the service interface
   * @param listener receives the channel's notifications, data and end
   */
  public <T> DtxClientHandle<T, Void> openService(Class<T> service, DtxChannelListener listener) {
    return typed.open(service, Objects.requireNonNull(listener, "listener"));
  }

  /** The control channel 0 (always open while the connection is). */
  public DtxChannel controlChannel() {
    return control;
  }

  /**
   * The capabilities the peer announced with {@code _notifyOfPublishedCapabilities:} (the latest, if it sent
   * several); empty until they arrive, or when the peer never sends any.
   */
  public Map<String, Object> peerCapabilities() {
    return peerCapabilities;
  }

  /**
   * The peer's capabilities as a future: completed when they arrive, exceptionally when the connection closes
   * first.
   */
  public CompletableFuture<Map<String, Object>> peerCapabilitiesFuture() {
    return peerCapabilitiesFuture.thenApply(m -> m);
  }

  /** The channels currently known, control channel included, ordered by code. */
  public List<DtxChannel> channels() {
    List<DtxChannel> list = new ArrayList<>(channels.values());
    list.sort((a, c) -> Integer.compare(a.code(), c.code()));
    return list;
  }

  /** True until the connection closes or drops. */
  public boolean isOpen() {
    return closedBecause == null;
  }

  /** Why the connection ended, or null while it is open. */
  public DtxConnectionClosedException closeCause() {
    return closedBecause;
  }

  /** Completed (normally) once the connection has ended, whatever the reason; see {@link #closeCause()}. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture.thenApply(v -> v);
  }

  /** The transport's description and this connection's name, for logs. */
  public String description() {
    return name + " " + transport.description();
  }

  /** Replies that arrived after their call was cancelled or timed out. */
  public long abandonedReplyCount() {
    return abandonedReplies.get();
  }

  /** Replies whose identifier matched no call. */
  public long unmatchedReplyCount() {
    return unmatchedReplies.get();
  }

  /** Messages refused because their channel's delivery queue was full. */
  public long overflowCount() {
    return overflows.get();
  }

  /**
   * Messages nobody took: no listener, unknown channel, or an unhandled message type (each also logged).
   */
  public long unhandledCount() {
    return unhandled.get();
  }

  /**
   * Writes every message already queued (fire-and-forget sends included), cancels the channels this side opened
   * with one {@code _channelCanceled:}, then closes the transport. Pending calls fail with
   * {@link DtxConnectionClosedException}; listeners get {@link DtxChannelListener#onClosed} with null. Waits at
   * most the call timeout for the writes. Idempotent.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true) || closedBecause != null) {
      closeFuture.join();
      return;
    }
    try {
      long wait = Math.max(callTimeoutNanos, TimeUnit.SECONDS.toNanos(1));
      writer.awaitIdle(wait, TimeUnit.NANOSECONDS);
      List<DtxArgument> codes = new ArrayList<>();
      for (DtxChannel channel : channels.values()) {
        if (channel.code() > 0 && channel.state() != DtxChannel.State.CLOSED) {
          codes.add(DtxArgument.int32(channel.code()));
        }
      }
      if (!codes.isEmpty() && closedBecause == null) {
        try {
          sendDispatch(control, CHANNEL_CANCELED, codes.toArray(new DtxArgument[0]));
        } catch (DtxException e) {
          LOG.debug("{}: could not cancel channels on close", name, e);
        }
        writer.awaitIdle(wait, TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      end(new DtxConnectionClosedException("connection " + name + " closed by close()", null), null);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending (package-private, used by DtxChannel)

  long callTimeoutNanos() {
    return callTimeoutNanos;
  }

  /**
   * Sends an invocation that expects a reply.
   *
   * @throws IllegalArgumentException when an argument cannot be archived (a caller mistake, reported at once)
   */
  CompletableFuture<Object> call(DtxChannel channel, String selector, DtxArgument[] args, boolean async) {
    ByteBuf aux = Codec.encodeArguments(args);
    int id = nextIdentifier.getAndIncrement();
    CallFuture future = new CallFuture(this, id);
    DtxConnectionClosedException closed = closedBecause;
    if (closed != null || channel.state() == DtxChannel.State.CLOSED) {
      aux.release();
      future.completeExceptionally(closed != null ? closed : new DtxException("channel " + channel.code() + " ("
          + channel.identifier() + ") is closed"));
      return future;
    }
    ByteBuf payload = Codec.archiveSelector(selector);
    pending.put(id, new Pending(future, async, selector));
    DtxMessage message = DtxMessage.builder(DtxMessageType.DISPATCH).identifier(id).conversationIndex(0)
        .channelCode(channel.code()).expectsReply(true).aux(aux).payload(payload).build();
    if (!enqueue(channel.code(), message, selector)) {
      pending.remove(id);
      future.completeExceptionally(closedOrGeneric());
    } else if (closedBecause != null && pending.remove(id) != null) {
      // end() may have drained the table between our put and our enqueue.
      future.completeExceptionally(closedBecause);
    }
    return future;
  }

  void sendDispatch(DtxChannel channel, String selector, DtxArgument[] args) {
    checkSendable(channel);
    ByteBuf aux = Codec.encodeArguments(args);
    ByteBuf payload;
    try {
      payload = Codec.archiveSelector(selector);
    } catch (RuntimeException e) {
      aux.release();
      throw e;
    }
    DtxMessage message = DtxMessage.builder(DtxMessageType.DISPATCH).identifier(nextIdentifier.getAndIncrement())
        .conversationIndex(0).channelCode(channel.code()).expectsReply(false).aux(aux).payload(payload).build();
    if (!enqueue(channel.code(), message, selector)) {
      throw closedOrGeneric();
    }
  }

  void sendPayload(DtxChannel channel, DtxMessageType type, Object archived, byte[] raw) {
    checkSendable(channel);
    ByteBuf payload = raw != null ? Unpooled.wrappedBuffer(raw)
        : type == DtxMessageType.OBJECT ? Codec.archive(archived) : Unpooled.EMPTY_BUFFER;
    DtxMessage message = DtxMessage.builder(type).identifier(nextIdentifier.getAndIncrement()).conversationIndex(0)
        .channelCode(channel.code()).payload(payload).build();
    if (!enqueue(channel.code(), message, null)) {
      throw closedOrGeneric();
    }
  }

  /** Replies to the peer's message {@code identifier} (conversation 0) on {@code channel}: OK, OBJECT or ERROR. */
  void replyTo(DtxChannel channel, int identifier, Object result, NSError error) {
    replyTo(channel.code(), identifier, 1, result, error);
  }

  private void replyTo(int localCode, int identifier, int conversation, Object result, NSError error) {
    DtxMessageType type;
    ByteBuf payload;
    if (error != null) {
      type = DtxMessageType.ERROR;
      payload = Codec.archive(error);
    } else if (result == null) {
      type = DtxMessageType.OK;
      payload = Unpooled.EMPTY_BUFFER;
    } else {
      ByteBuf archived;
      try {
        archived = Codec.archive(result);
      } catch (RuntimeException e) {
        LOG.warn("{}: reply value of type {} cannot be archived; replying ERROR", name, result.getClass().getName(),
            e);
        replyTo(localCode, identifier, conversation, null, new NSError(DtxRemoteException.DTX_DOMAIN, 1,
            DtxRemoteException.userInfo("reply value cannot be archived: " + e.getMessage())));
        return;
      }
      type = DtxMessageType.OBJECT;
      payload = archived;
    }
    // A reply carries the negated local code (odd conversation index): see the class comment.
    DtxMessage message = DtxMessage.builder(type).identifier(identifier).conversationIndex(conversation)
        .channelCode(wireCode(localCode, conversation)).payload(payload).build();
    if (!enqueue(localCode, message, null)) {
      LOG.debug("{}: reply to {} not sent, connection closed", name, identifier);
    }
  }

  private void checkSendable(DtxChannel channel) {
    DtxConnectionClosedException closed = closedBecause;
    if (closed != null) {
      throw new DtxConnectionClosedException(closed.getMessage(), closed.getCause());
    }
    if (channel.state() == DtxChannel.State.CLOSED) {
      throw new DtxException("channel " + channel.code() + " (" + channel.identifier() + ") is closed");
    }
  }

  private DtxConnectionClosedException closedOrGeneric() {
    DtxConnectionClosedException closed = closedBecause;
    return closed != null ? new DtxConnectionClosedException(closed.getMessage(), closed.getCause())
        : new DtxConnectionClosedException("connection " + name + " is closing", null);
  }

  /** Queues a message whose channel code is already the wire code; the message is taken over. */
  private boolean enqueue(int localCode, DtxMessage message, String selector) {
    OutboundWriter.Outgoing outgoing = Codec.fragments(message);
    if (TRACE.isDebugEnabled()) {
      TRACE.debug(Codec.traceLine(true, message, outgoing.fragmentCount(), selector));
    }
    return writer.enqueue(localCode, outgoing);
  }

  static int wireCode(int localCode, int conversation) {
    return conversation % 2 == 0 ? localCode : -localCode;
  }

  static int localCode(int wireCode, int conversation) {
    return conversation % 2 == 0 ? -wireCode : wireCode;
  }

  void abandon(int identifier) {
    if (pending.remove(identifier) != null) {
      abandoned.put(identifier, Boolean.TRUE);
    }
  }

  void countUnhandled() {
    unhandled.incrementAndGet();
  }

  <T> T await(CompletableFuture<T> future, String what, long timeoutNanos) {
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new DtxTimeoutException("no " + what + " within " + Duration.ofNanos(timeoutNanos));
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw new DtxException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof DtxException d) {
        // Rethrow the same type, with this thread's stack, keeping the original as the cause.
        throw rethrowable(d);
      }
      throw new DtxException(what + " failed: " + cause, cause);
    }
  }

  private static DtxException rethrowable(DtxException d) {
    if (d instanceof DtxUnrecognizedSelectorException u) {
      DtxUnrecognizedSelectorException copy = new DtxUnrecognizedSelectorException(u.nsError());
      copy.initCause(d);
      return copy;
    }
    if (d instanceof DtxRemoteException r) {
      DtxRemoteException copy = new DtxRemoteException(r.nsError());
      copy.initCause(d);
      return copy;
    }
    if (d instanceof DtxConnectionClosedException c) {
      return new DtxConnectionClosedException(c.getMessage(), c.getCause() != null ? c.getCause() : c);
    }
    if (d instanceof DtxTimeoutException) {
      return d;
    }
    return new DtxException(d.getMessage(), d);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Channel cancel

  void cancelChannel(DtxChannel channel) {
    int wire = Math.abs(channel.code());
    try {
      await(call(control, CHANNEL_CANCELED, new DtxArgument[] {DtxArgument.int32(wire)}, false),
          "reply to " + CHANNEL_CANCELED + " " + wire, callTimeoutNanos);
    } finally {
      recentlyCancelled.add(channel.code());
      channels.remove(channel.code(), channel);
      channel.markClosed(null);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Starting

  private void start() {
    readerThread.start();
    if (twinThread != null) {
      twinThread.start();
    }
    writerThread.start();
    if (capabilities != null) {
      sendDispatch(control, NOTIFY_CAPABILITIES, new DtxArgument[] {DtxArgument.object(capabilities)});
    }
    if (awaitPeerCapabilities) {
      try {
        await(peerCapabilitiesFuture, "peer capabilities (" + NOTIFY_CAPABILITIES + ")", handshakeTimeoutNanos);
      } catch (DtxConnectionClosedException e) {
        throw new DtxConnectionClosedException("handshake failed: " + e.getMessage(), e.getCause());
      } catch (DtxException e) {
        end(new DtxConnectionClosedException("handshake failed: " + e.getMessage(), e), e);
        throw e;
      }
    }
  }

  /** True when {@code thread} holds the reader role at this moment (for tests of the hand-off). */
  boolean isReader(Thread thread) {
    return thread == reader;
  }

  private SerialQueue newQueue() {
    return new SerialQueue(deliveryExecutor, maxQueuedPerChannel);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading

  /**
   * The loop of a reading thread. With the default delivery executor two threads take turns at reading (leader and
   * follower): when a read brings a message for a channel whose delivery queue is idle, the reader hands the reader
   * role to the waiting twin, then runs that queue itself, so the common request-reply exchange costs no hand-off to
   * a delivery thread. The thread running handlers is never the reader at that moment: a slow handler delays only its
   * channel, and reading goes on. Without a twin (an application executor) the one reader reads until the end.
   */
  private void ioLoop() {
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
        // Pooled: a fresh zeroed array per read costs as much as the copy itself on bulk transfers.
        ByteBuf chunk = ByteBufAllocator.DEFAULT.heapBuffer(READ_CHUNK);
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
        decoder.feed(chunk, this::onMessage);
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
      why = closing.get() ? "closed by close()" : "read failed: " + e;
      cause = closing.get() ? null : e;
    } catch (RuntimeException | Error e) {
      LOG.error("{}: reader failed", name, e);
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
    drop(why, cause);
    return null;
  }

  /**
   * Queues a delivery from the reader. When the queue is idle and the twin is waiting, the reader keeps the run for
   * itself (see {@link #ioLoop}); at most one queue per read.
   *
   * @return false when the queue is full and the task was refused
   */
  private boolean offerFromReader(SerialQueue queue, Runnable task) {
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

  private void drop(String why, Throwable cause) {
    end(new DtxConnectionClosedException("connection " + name + " (" + transport.description() + ") dropped: "
        + why, cause), cause);
  }

  /** Routes one decoded message; runs on the reader thread and releases the message. */
  private void onMessage(DtxMessage message) {
    try {
      int conversation = message.conversationIndex();
      int local = localCode(message.channelCode(), conversation);
      if (conversation > 0) {
        traceIn(message, null);
        onReply(message);
        return;
      }
      DtxChannel channel = channels.get(local);
      switch (message.type()) {
        case DISPATCH -> onDispatch(message, local, channel);
        case OBJECT -> {
          traceIn(message, null);
          if (channel == null) {
            unknownChannel(message, local, "notification");
            return;
          }
          Object value;
          try {
            value = Codec.unarchive(message.payload(), message.streamOffset());
          } catch (DtxProtocolException e) {
            unhandled.incrementAndGet();
            LOG.warn("{}: undecodable notification on channel {}; dropped", name, local, e);
            return;
          }
          deliver(channel, () -> channel.deliverNotification(value), message, "notification");
        }
        case DATA -> {
          traceIn(message, null);
          if (channel == null) {
            unknownChannel(message, local, "DATA");
            return;
          }
          byte[] data = message.payloadBytes();
          deliver(channel, () -> channel.deliverData(data), message, "DATA");
        }
        case BARRIER -> {
          traceIn(message, null);
          if (channel == null) {
            unknownChannel(message, local, "BARRIER");
            return;
          }
          // Delivered in order like everything else: the listener sees it after every earlier message.
          deliver(channel, channel::deliverBarrier, message, "BARRIER");
        }
        case COMPRESSED -> {
          // The decoder has already decompressed the payload (0x0707 type word, LZ4 blocks); what is inside is an
          // archived object (sysmontap samples) or raw bytes. Deliver it as a notification or as DATA accordingly.
          traceIn(message, null);
          if (channel == null) {
            unknownChannel(message, local, "compressed message");
            return;
          }
          Object value = decodeObjectOrBytes(message);
          if (value instanceof byte[] bytes) {
            deliver(channel, () -> channel.deliverData(bytes), message, "compressed DATA");
          } else {
            deliver(channel, () -> channel.deliverNotification(value), message, "compressed notification");
          }
        }
        default -> {
          traceIn(message, null);
          unsupported(message, local, "message type " + message.type() + " is not supported");
        }
      }
    } finally {
      message.release();
    }
  }

  private void onDispatch(DtxMessage message, int local, DtxChannel channel) {
    String selector;
    List<Object> args;
    try {
      Object decoded = Codec.unarchiveSelector(message.payload(), message.streamOffset());
      if (!(decoded instanceof String s)) {
        throw new DtxProtocolException("selector", "an archived NSString",
            decoded == null ? "null" : decoded.getClass().getSimpleName(), message.streamOffset());
      }
      selector = s;
      args = Codec.decodeArguments(message.aux(), message.streamOffset());
    } catch (DtxProtocolException e) {
      traceIn(message, null);
      unsupported(message, local, "undecodable invocation: " + e.getMessage());
      return;
    }
    traceIn(message, selector);
    if (local == 0) {
      switch (selector) {
        case NOTIFY_CAPABILITIES -> {
          onPeerCapabilities(args);
          if (message.expectsReply()) {
            replyTo(0, message.identifier(), 1, null, null);
          }
          return;
        }
        case REQUEST_CHANNEL -> {
          onRequestChannel(message, args);
          return;
        }
        case CHANNEL_CANCELED -> {
          onChannelCanceled(message, args);
          return;
        }
        default -> {
          // Any other selector on channel 0 (the accessibility audit daemon works there) goes to the control
          // channel's handler or listener.
        }
      }
    }
    if (channel == null) {
      unknownChannel(message, local, "invocation " + selector);
      return;
    }
    DtxInvocation invocation =
        new DtxInvocation(selector, args, message.expectsReply(), channel, message.identifier());
    if (!offerFromReader(channel.queue, () -> channel.handleInvocation(invocation))) {
      overflow(channel, message, "invocation " + selector);
    }
  }

  /** The payload unarchived when it is a keyed archive, else its bytes. */
  private static Object decodeObjectOrBytes(DtxMessage message) {
    byte[] bytes = message.payloadBytes();
    try {
      return Codec.unarchive(message.payload(), message.streamOffset());
    } catch (DtxProtocolException e) {
      return bytes;
    }
  }

  private void deliver(DtxChannel channel, Runnable task, DtxMessage message, String what) {
    if (!offerFromReader(channel.queue, task)) {
      overflow(channel, message, what);
    }
  }

  private void overflow(DtxChannel channel, DtxMessage message, String what) {
    overflows.incrementAndGet();
    LOG.warn("{}: delivery queue of channel {} ({}) is full ({} messages); {} refused", name, channel.code(),
        channel.identifier(), maxQueuedPerChannel, what);
    if (message.expectsReply()) {
      replyTo(channel.code(), message.identifier(), message.conversationIndex() + 1, null,
          new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo("delivery queue of channel "
              + channel.code() + " is full; message refused")));
    }
  }

  private void unknownChannel(DtxMessage message, int local, String what) {
    if (recentlyCancelled.contains(local)) {
      // Sent by the peer before it saw our cancel (its writes on other channels may overtake them): expected.
      unhandled.incrementAndGet();
      LOG.debug("{}: message {}.{}: {} for channel {}, which this side cancelled; dropped", name,
          message.identifier(), message.conversationIndex(), what, local);
      if (message.expectsReply()) {
        replyTo(local, message.identifier(), message.conversationIndex() + 1, null,
            new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo("channel " + local
                + " is cancelled")));
      }
      return;
    }
    unsupported(message, local, what + " for unknown channel " + local);
  }

  /** The defined outcome for traffic nobody can take: ERROR reply if one is expected, counted, logged. */
  private void unsupported(DtxMessage message, int local, String why) {
    unhandled.incrementAndGet();
    LOG.warn("{}: message {}.{} on channel {}: {}{}", name, message.identifier(), message.conversationIndex(), local,
        why, message.expectsReply() ? "; replying ERROR" : "; dropped");
    if (message.expectsReply()) {
      replyTo(local, message.identifier(), message.conversationIndex() + 1, null,
          new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo(why)));
    }
  }

  @SuppressWarnings("unchecked")
  private void onPeerCapabilities(List<Object> args) {
    Map<String, Object> caps = new LinkedHashMap<>();
    if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        caps.put(String.valueOf(e.getKey()), e.getValue());
      }
    } else {
      LOG.warn("{}: {} without a dictionary argument: {}", name, NOTIFY_CAPABILITIES, args);
    }
    peerCapabilities = Collections.unmodifiableMap(caps);
    peerCapabilitiesFuture.complete(peerCapabilities);
  }

  private void onRequestChannel(DtxMessage message, List<Object> args) {
    if (args.size() != 2 || !(args.get(0) instanceof Number n) || !(args.get(1) instanceof String identifier)) {
      unsupported(message, 0, REQUEST_CHANNEL + " with arguments " + args + " (expected int32 code, string)");
      return;
    }
    int code = n.intValue();
    int local = -code;
    int id = message.identifier();
    DtxServiceFactory factory = registry == null ? null : registry.lookup(identifier);
    NSError refusal = null;
    if (code <= 0) {
      refusal = new NSError(DtxRemoteException.DTX_DOMAIN, 2,
          DtxRemoteException.userInfo("invalid channel code " + code + " for \"" + identifier + "\""));
    } else if (channels.containsKey(local)) {
      refusal = new NSError(DtxRemoteException.DTX_DOMAIN, 2,
          DtxRemoteException.userInfo("channel code " + code + " is already in use"));
    } else if (factory == null) {
      refusal = new NSError(DtxRemoteException.DTX_DOMAIN, 2,
          DtxRemoteException.userInfo("Unable to find service with identifier \"" + identifier + "\""));
    }
    boolean expectsReply = message.expectsReply();
    if (refusal != null) {
      LOG.info("{}: refusing channel {} \"{}\": {}", name, code, identifier, refusal.localizedDescription());
      if (expectsReply) {
        NSError error = refusal;
        // Through the control queue, so that replies on channel 0 leave in request order.
        control.queue.offer(() -> replyTo(0, id, 1, null, error), true);
      }
      return;
    }
    // Routed from now on; the channel's own queue holds its messages until the factory has run.
    DtxChannel channel = new DtxChannel(this, local, identifier, DtxChannel.State.OPENING,
        new SerialQueue(deliveryExecutor, maxQueuedPerChannel, true));
    channels.put(local, channel);
    control.queue.offer(() -> {
      NSError error = null;
      try {
        DtxServiceHandler handler = factory.create(channel);
        channel.setHandler(Objects.requireNonNull(handler, "factory returned no handler"));
        channel.markOpen();
      } catch (RuntimeException e) {
        LOG.warn("{}: service factory for \"{}\" failed", name, identifier, e);
        channels.remove(local, channel);
        channel.markClosed(null);
        error = e instanceof DtxRemoteException r ? r.nsError() : new NSError(DtxRemoteException.DTX_DOMAIN, 2,
            DtxRemoteException.userInfo("service \"" + identifier + "\" could not be created: " + e.getMessage()));
      }
      if (expectsReply) {
        replyTo(0, id, 1, null, error);
      }
      channel.queue.resume();
    }, true);
  }

  private void onChannelCanceled(DtxMessage message, List<Object> args) {
    for (Object arg : args) {
      if (!(arg instanceof Number n)) {
        LOG.warn("{}: {} with a non-integer argument {}", name, CHANNEL_CANCELED, arg);
        continue;
      }
      int code = n.intValue();
      // The peer cancels channels it opened (kept here as -code); fall back to +code for a peer that cancels ours.
      DtxChannel channel = code != 0 ? channels.remove(-code) : null;
      if (channel == null && code != 0) {
        channel = channels.remove(code);
      }
      if (channel == null) {
        LOG.info("{}: {} for unknown channel {}", name, CHANNEL_CANCELED, code);
      } else {
        channel.markClosed(null);
      }
    }
    if (message.expectsReply()) {
      int id = message.identifier();
      control.queue.offer(() -> replyTo(0, id, 1, null, null), true);
    }
  }

  private void onReply(DtxMessage message) {
    int id = message.identifier();
    Pending call = pending.remove(id);
    if (call == null) {
      if (abandoned.remove(id) != null) {
        abandonedReplies.incrementAndGet();
        LOG.debug("{}: late reply {}.{} to an abandoned call; dropped", name, id, message.conversationIndex());
      } else {
        unmatchedReplies.incrementAndGet();
        LOG.warn("{}: reply {}.{} ({}) on channel {} matches no call; dropped", name, id,
            message.conversationIndex(), message.type(), message.channelCode());
      }
      return;
    }
    Object value = null;
    Throwable error = null;
    try {
      switch (message.type()) {
        case OK -> value = null;
        case OBJECT -> value = Codec.unarchive(message.payload(), message.streamOffset());
        case DATA -> value = message.payloadBytes();
        case COMPRESSED -> value = decodeObjectOrBytes(message);
        case ERROR -> {
          Object decoded = Codec.unarchive(message.payload(), message.streamOffset());
          error = decoded instanceof NSError e ? DtxRemoteException.of(e)
              : new DtxException("ERROR reply to " + call.selector() + " without an NSError: " + decoded);
        }
        default -> error = new DtxException("reply to " + call.selector() + " has unsupported type "
            + message.type());
      }
    } catch (DtxProtocolException e) {
      error = new DtxException("undecodable reply to " + call.selector() + ": " + e.getMessage(), e);
    }
    complete(call, value, error);
  }

  private void complete(Pending call, Object value, Throwable error) {
    CallFuture future = call.future();
    if (call.async()) {
      // Never on the reader: user stages attached to the future would run there.
      Runnable task = error == null ? () -> future.complete(value) : () -> future.completeExceptionally(error);
      try {
        deliveryExecutor.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        task.run();
      }
    } else if (error == null) {
      future.complete(value);
    } else {
      future.completeExceptionally(error);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Ending

  private void end(DtxConnectionClosedException why, Throwable cause) {
    synchronized (this) {
      if (closedBecause != null) {
        return;
      }
      closedBecause = why;
    }
    if (cause == null) {
      LOG.debug("{}: {}", name, why.getMessage());
    } else {
      LOG.info("{}: {}", name, why.getMessage());
    }
    writer.close();
    try {
      transport.close();
    } catch (IOException e) {
      LOG.debug("{}: closing the transport failed", name, e);
    }
    peerCapabilitiesFuture.completeExceptionally(why);
    for (Integer id : new ArrayList<>(pending.keySet())) {
      Pending call = pending.remove(id);
      if (call != null) {
        complete(call, null, why);
      }
    }
    abandoned.clear();
    for (DtxChannel channel : channels.values()) {
      channel.markClosed(cause);
    }
    closeFuture.complete(null);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tracing

  private void traceIn(DtxMessage message, String selector) {
    if (TRACE.isDebugEnabled()) {
      TRACE.debug(Codec.traceLine(false, message, 0, selector));
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Configures and connects a {@link DtxConnection}. Everything that must see the first messages (the control
   * channel's listener or handler, the service registry) is given here, before {@link #connect()}.
   */
  public static final class Builder {
    private final DtxTransport transport;
    private Map<String, Object> capabilities = defaultCapabilities();
    private boolean awaitPeerCapabilities = true;
    private Duration handshakeTimeout = Duration.ofSeconds(15);
    private Duration callTimeout = Duration.ofSeconds(30);
    private DtxServiceRegistry registry;
    private DtxChannelListener controlListener;
    private DtxServiceHandler controlHandler;
    private Executor deliveryExecutor;
    private int maxQueuedPerChannel = 10_000;
    private DtxLimits limits = DtxLimits.defaults();
    private String name;

    private Builder(DtxTransport transport) {
      this.transport = transport;
    }

    /**
     * The capabilities to announce (default {@link DtxConnection#defaultCapabilities()}).
     *
     * @param capabilities the dictionary, copied
     * @return this builder
     */
    public Builder capabilities(Map<String, ?> capabilities) {
      this.capabilities = new LinkedHashMap<>(Objects.requireNonNull(capabilities, "capabilities"));
      return this;
    }

    /**
     * Neither sends capabilities nor waits for the peer's: for endpoints that never handshake, such as the
     * accessibility audit daemon, which works on channel 0 alone.
     *
     * @return this builder
     */
    public Builder skipHandshake() {
      this.capabilities = null;
      return this;
    }

    /**
     * Whether {@link #connect()} waits for the peer's capabilities (default true). A server does not wait: it sends
     * its own and takes the client's whenever they come.
     *
     * @param await whether to wait
     * @return this builder
     */
    public Builder awaitPeerCapabilities(boolean await) {
      this.awaitPeerCapabilities = await;
      return this;
    }

    /**
     * How long {@link #connect()} waits for the peer's capabilities (default 15 s, as pymobiledevice3 does).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout);
      return this;
    }

    /**
     * How long blocking calls ({@link DtxChannel#invoke}, {@link DtxConnection#openChannel}, cancel) wait for a
     * reply (default 30 s).
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout);
      return this;
    }

    /**
     * The services the peer may open channels to (server role; also how a client accepts the XCTest runner's
     * {@code dtxproxy:} channels). Without a registry every channel request is refused with an NSError.
     *
     * @param registry the registry
     * @return this builder
     */
    public Builder registry(DtxServiceRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * The listener of channel 0, in place before the first message is read.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder controlListener(DtxChannelListener listener) {
      this.controlListener = listener;
      return this;
    }

    /**
     * The handler for invocations on channel 0 other than the capabilities and channel requests.
     *
     * @param handler the handler
     * @return this builder
     */
    public Builder controlHandler(DtxServiceHandler handler) {
      this.controlHandler = handler;
      return this;
    }

    /**
     * Where listeners, handlers and asynchronous call completions run (default: a shared pool of daemon threads,
     * together with the connection's two reading threads, which take turns at reading and running an idle channel's
     * deliveries; see the class comment). Each channel runs one task at a time, so a slow listener delays only its
     * own channel; the thread that reads never runs user code. With an executor given here, every delivery runs on
     * it and the connection reads on a single thread.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder deliveryExecutor(Executor executor) {
      this.deliveryExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The most undelivered messages one channel may hold (default 10 000); see {@link DtxChannelListener} for what
     * happens beyond.
     *
     * @param max the bound, at least 1
     * @return this builder
     */
    public Builder maxQueuedPerChannel(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxQueuedPerChannel must be at least 1: " + max);
      }
      this.maxQueuedPerChannel = max;
      return this;
    }

    /**
     * A name for logs and thread names (default {@code dtx-N}).
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The receive limits: message size, fragment size, messages and bytes being reassembled at once (default
     * {@link DtxLimits#defaults()}). A peer over a limit breaks the protocol and the connection drops.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(DtxLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Starts the reader and writer, sends the capabilities and (unless told not to) waits for the peer's.
     *
     * @return the connected connection
     * @throws IOException when the transport's streams cannot be obtained (the transport is closed)
     * @throws DtxTimeoutException the peer's capabilities did not arrive in time (the connection is closed)
     * @throws DtxConnectionClosedException the connection dropped during the handshake
     */
    public DtxConnection connect() throws IOException {
      DtxConnection connection;
      try {
        connection = new DtxConnection(this);
      } catch (IOException | RuntimeException e) {
        transport.close();
        throw e;
      }
      connection.start();
      return connection;
    }

    private static Duration positive(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + d);
      }
      return d;
    }
  }
}
