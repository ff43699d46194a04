package dtxkit.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

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
 * <p><b>Parts.</b> This class is the public face over parts with one job each: {@code ConnectionReader} (the reading
 * loop), {@code InboundRouter} (where each message goes), {@code PendingCalls} (calls awaiting replies, reply
 * matching, deadlines), {@code ControlProtocol} (channel 0: handshake, channel requests and cancels),
 * {@code ChannelAcceptor} (the peer's channel requests), {@code Outbound} and {@code OutboundWriter} (building and
 * writing messages), {@code Deliveries} (user code off the reader) and {@code Refusals} (traffic nobody takes).
 *
 * <p><b>Threads.</b> A connection owns one thread: its reader ({@code <name>-reader}), which decodes messages,
 * matches replies and hands everything else to per-channel delivery queues that run on the delivery executor
 * ({@link Builder#deliveryExecutor}, by default a pool shared by all connections); no user code runs on the reader.
 * There is no writer thread: the thread that sends a message writes it (see {@code OutboundWriter}), and what the
 * reader itself sends (control replies, refusals) is written on a shared flusher pool that lends a thread only while
 * there is something to write. {@link Builder#readerHandOff(boolean)} adds a second reading thread that takes turns
 * with the first; {@link Builder#threadFactory} says where threads come from (virtual threads on JDK 21+). Blocking
 * calls, channel opening and cancelling complete on the reader, so they may be made from any thread, listeners and
 * completion stages included, whatever the delivery executor.
 *
 * <p><b>Handshake.</b> {@link Builder#connect()} starts the reader, sends {@code _notifyOfPublishedCapabilities:}
 * with {@link Builder#capabilities} and waits for the peer's (unless {@link Builder#skipHandshake()} or
 * {@link Builder#awaitPeerCapabilities(boolean)} false). Listeners and the registry given to the builder are in place
 * before the first byte is read, so no message is lost to a race.
 *
 * <p><b>Identifiers and codes.</b> Outgoing identifiers come from a counter starting at 1; a reply reuses the
 * request's identifier with conversation index + 1. Channels this side opens get codes 1, 2, 3...; channels the peer
 * opens are kept under the negated code (see {@code ChannelTable}).
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
 * when it expects a reply, and counted ({@link #unhandledCount()}) and logged at WARN (rate-limited). Late messages
 * on a channel this side cancelled (sent before the peer saw the cancel) are the same but logged at DEBUG only.
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


  /** Typed clients and handles ({@link #open(Class)}, {@link #openService}). */
  private final TypedServices typed = new TypedServices(this);
  /** The parts, wired, and the lifecycle. */
  final ConnectionCore core;

  private DtxConnection(Builder b, DtxTransport transport) throws IOException {
    this.core = new ConnectionCore(this, b, transport);
  }

  /**
   * Starts building a connection over {@code transport}.
   *
   * @param transport the byte stream; the connection owns it from {@link Builder#connect()} on and closes it
   * @return a builder
   */
  public static Builder builder(DtxTransport transport) {
    Objects.requireNonNull(transport, "transport");
    return new Builder(timeout -> transport);
  }

  /**
   * Starts building a connection that connects over TCP to {@code host:port} when {@link Builder#connect()} is
   * called, waiting at most {@link Builder#connectTimeout} for the socket to connect.
   *
   * @param host an IPv4/IPv6 literal (scoped link-local allowed, e.g. {@code fe80::1%en0}) or a name
   * @param port the port
   * @return a builder
   */
  public static Builder builder(String host, int port) {
    Objects.requireNonNull(host, "host");
    return new Builder(timeout -> DtxTransport.tcp(host, port, timeout));
  }

  /**
   * Connects over TCP with the default settings (client role, capabilities handshake).
   *
   * @param host an IPv4/IPv6 literal (scoped link-local allowed, e.g. {@code fe80::1%en0}) or a name
   * @param port the port
   * @return the connected connection
   * @throws IOException when the socket cannot connect (within the default connect timeout, 10 s)
   * @throws DtxTimeoutException when the peer's capabilities do not arrive in time
   */
  public static DtxConnection connect(String host, int port) throws IOException {
    return builder(host, port).connect();
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
   * channel right after accepting it is missed. May be called from a listener or a completion stage on any delivery
   * executor: the request completes on the reader.
   *
   * @param identifier the service identifier
   * @param listener the channel's listener, or null
   * @return the open channel
   * @throws DtxRemoteException the peer refused (its NSError)
   * @throws DtxTimeoutException no answer in time
   * @throws DtxConnectionClosedException the connection closed first
   */
  public DtxChannel openChannel(String identifier, DtxChannelListener listener) {
    return PendingCalls.await(core.controlProtocol.requestChannel(identifier, listener),
        "reply to " + REQUEST_CHANNEL + " " + identifier, core.callTimeoutNanos);
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
    CompletableFuture<DtxChannel> request = core.controlProtocol.requestChannel(identifier, listener);
    CompletableFuture<DtxChannel> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        request.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    // User stages attached to the result run on the delivery executor, never on the reader.
    request.whenComplete((channel, error) -> core.deliveries.complete(result, channel, error));
    return result;
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

  /**
   * Opens a {@code dtxproxy:} channel that pairs two Objective-C protocols ({@code @DtxService(proxy = true)}
   * interfaces): this side exports {@code local}, answered by {@code implementation} through its generated
   * dispatcher (in place before the request, so the peer's first call is not missed; return values are replied as
   * archived objects), and calls {@code remote} through {@link DtxProxyHandle#remote()}. The channel is requested as
   * {@code dtxproxy:<local>:<remote>}.
   *
   * <pre>{@code
   * DtxProxyHandle<XCTestManagerDaemonConnectionInterface, XCTestManagerIdeInterface> daemon = connection.openProxy(
   *     XCTestManagerDaemonConnectionInterface.class, XCTestManagerIdeInterface.class, ide);
   * int version = daemon.remote().initiateControlSessionWithProtocolVersion(36);
   * }</pre>
   *
   * @param remote the protocol the peer exports
   * @param local the protocol this side exports
   * @param implementation answers the peer's calls of {@code local}, on the channel's delivery executor
   * @throws IllegalArgumentException either interface has no binding or is not a proxy protocol
   * @throws DtxRemoteException the peer refused the channel
   * @throws DtxTimeoutException no answer in time
   */
  public <R, L> DtxProxyHandle<R, L> openProxy(Class<R> remote, Class<L> local, L implementation) {
    return typed.openProxy(remote, local, implementation);
  }

  /** {@link #openChannel(String, DtxChannelListener)} with a handler for the peer's invocations in place too. */
  DtxChannel openChannel(String identifier, DtxChannelListener listener, DtxServiceHandler handler) {
    return PendingCalls.await(core.controlProtocol.requestChannel(identifier, listener, handler),
        "reply to " + REQUEST_CHANNEL + " " + identifier, core.callTimeoutNanos);
  }

  /** The control channel 0 (always open while the connection is). */
  public DtxChannel controlChannel() {
    return core.control;
  }

  /**
   * The capabilities the peer announced with {@code _notifyOfPublishedCapabilities:} (the latest, if it sent
   * several); empty until they arrive, or when the peer never sends any.
   */
  public Map<String, Object> peerCapabilities() {
    return core.controlProtocol.peerCapabilities();
  }

  /**
   * The peer's capabilities as a future: completed when they arrive, exceptionally when the connection closes
   * first.
   */
  public CompletableFuture<Map<String, Object>> peerCapabilitiesFuture() {
    CompletableFuture<Map<String, Object>> copy = new CompletableFuture<>();
    core.controlProtocol.peerCapabilitiesFuture()
        .whenComplete((caps, error) -> core.deliveries.complete(copy, caps, error));
    return copy;
  }

  /** The channels currently known, control channel included, ordered by code. */
  public List<DtxChannel> channels() {
    return core.channels.sorted();
  }

  /** True until the connection closes or drops. */
  public boolean isOpen() {
    return core.isOpen();
  }

  /** Why the connection ended, or null while it is open. */
  public DtxConnectionClosedException closeCause() {
    return core.closeCause();
  }

  /** Completed (normally) once the connection has ended, whatever the reason; see {@link #closeCause()}. */
  public CompletableFuture<Void> closeFuture() {
    return core.closeFuture().thenApply(v -> v);
  }

  /** The transport's description and this connection's name, for logs. */
  public String description() {
    return core.name + " " + core.transport.description();
  }

  /** Replies that arrived after their call was cancelled or timed out. */
  public long abandonedReplyCount() {
    return core.pending.abandonedCount();
  }

  /** Replies whose identifier matched no call. */
  public long unmatchedReplyCount() {
    return core.pending.unmatchedCount();
  }

  /**
   * Replies dropped because their conversation index was not 1 (a reply continues the conversation its call started
   * at 0); the call stays pending.
   */
  public long mismatchedReplyCount() {
    return core.pending.mismatchedCount();
  }

  /** Messages refused because their channel's delivery queue was full. */
  public long overflowCount() {
    return core.refusals.overflowCount();
  }

  /**
   * Deliveries and call completions dropped because the delivery executor rejected them (an application executor
   * that was shut down): invocations among them were answered with ERROR, calls failed with a {@link DtxException}.
   */
  public long rejectedDeliveryCount() {
    return core.deliveries.rejectedCount();
  }

  /**
   * Messages nobody took: no listener, unknown channel, or an unhandled message type (each also logged).
   */
  public long unhandledCount() {
    return core.refusals.unhandledCount();
  }

  /**
   * Writes every message already queued (fire-and-forget sends included), cancels the channels this side opened
   * with one {@code _channelCanceled:}, then closes the transport. Pending calls fail with
   * {@link DtxConnectionClosedException}; listeners get {@link DtxChannelListener#onClosed} with null. Waits at
   * most the call timeout for the writes. Idempotent.
   */
  @Override
  public void close() {
    core.close();
  }

  /**
   * Configures and connects a {@link DtxConnection}. Everything that must see the first messages (the control
   * channel's listener or handler, the service registry) is given here, before {@link #connect()}. The options and
   * their defaults are listed in {@code DtxConnectionOptions}.
   */
  public static final class Builder extends DtxConnectionOptions<Builder> {
    /** Where the transport comes from: given, or connected by {@link #connect()}. */
    private interface TransportSource {
      DtxTransport open(Duration connectTimeout) throws IOException;
    }

    private final TransportSource transportSource;
    /** Runs on the connection before its reader starts (DtxServer lists it there, before it can answer a call). */
    java.util.function.Consumer<DtxConnection> beforeStart;

    private Builder(TransportSource transportSource) {
      this.transportSource = transportSource;
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Connects the transport if this builder was made with {@link DtxConnection#builder(String, int)}, starts the
     * reader, sends the capabilities and (unless told not to) waits for the peer's.
     *
     * @return the connected connection
     * @throws IOException when the socket cannot connect in time (a {@link java.net.SocketTimeoutException}), or
     *     the transport's streams cannot be obtained (the transport is closed)
     * @throws DtxTimeoutException the peer's capabilities did not arrive in time (the connection is closed)
     * @throws DtxConnectionClosedException the connection dropped during the handshake
     */
    public DtxConnection connect() throws IOException {
      DtxTransport transport = transportSource.open(connectTimeout);
      DtxConnection connection;
      try {
        connection = new DtxConnection(this, transport);
      } catch (IOException | RuntimeException e) {
        transport.close();
        throw e;
      }
      if (beforeStart != null) {
        beforeStart.accept(connection);
      }
      connection.core.start();
      return connection;
    }
  }
}
