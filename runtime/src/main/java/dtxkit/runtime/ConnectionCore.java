package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessageType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inside of one {@link DtxConnection}: its parts wired together from the builder's options, the connection's
 * life (start, close, end) and what its channels call on it. {@code DtxConnection} is the public face over this;
 * {@link DtxChannel} calls it directly.
 */
final class ConnectionCore {
  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);
  private static final AtomicInteger CONNECTION_NUMBERS = new AtomicInteger();

  final DtxTransport transport;
  final String name;
  final ChannelTable channels = new ChannelTable();
  final Deliveries deliveries;
  final PendingCalls pending;
  final Refusals refusals;
  final ControlProtocol controlProtocol;
  final LogLimiter warnings;
  final DtxChannel control;
  final long callTimeoutNanos;

  private final Map<String, Object> capabilities;
  private final boolean awaitPeerCapabilities;
  private final long handshakeTimeoutNanos;
  private final OutboundWriter writer;
  private final Outbound outbound;
  private final ConnectionReader reader;
  private final ConnectionWatchdog watchdog;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile DtxConnectionClosedException closedBecause;

  ConnectionCore(DtxConnection connection, DtxConnectionOptions<?> b, DtxTransport transport) throws IOException {
    this.transport = transport;
    this.name = b.name != null ? b.name : "dtx-" + CONNECTION_NUMBERS.incrementAndGet();
    this.capabilities = b.capabilities;
    this.awaitPeerCapabilities = b.capabilities != null && b.awaitPeerCapabilities;
    this.handshakeTimeoutNanos = b.handshakeTimeout.toNanos();
    this.callTimeoutNanos = b.callTimeout.toNanos();
    ExecutorService ownPool = b.threadFactory == null ? null : Deliveries.poolOf(b.threadFactory);
    this.deliveries = new Deliveries(name, b.deliveryExecutor != null ? b.deliveryExecutor : ownPool,
        b.maxQueuedPerChannel);
    this.warnings = new LogLimiter(LOG, name);
    this.pending = new PendingCalls(name, deliveries, warnings);
    this.control = new DtxChannel(connection, 0, "ctrl", DtxChannel.State.OPEN, deliveries.newQueue(false));
    control.setListener(b.controlListener);
    control.setHandler(b.controlHandler);
    channels.put(control);
    OutputStream out = new BufferedOutputStream(transport.output(), 256 * 1024);
    // The reader is created below; until then no thread can be it.
    ConnectionReader[] readerRef = new ConnectionReader[1];
    this.writer = new OutboundWriter(out, t -> readerRef[0] != null && readerRef[0].isReader(t),
        ownPool != null ? ownPool : Deliveries.SHARED_FLUSHER, e -> drop("write failed: " + e.getMessage(), e),
        b.memoryBudget);
    this.outbound = new Outbound(name, writer, pending, () -> closedBecause);
    this.refusals = new Refusals(name, outbound, b.maxQueuedPerChannel, warnings, channels);
    ChannelAcceptor acceptor =
        new ChannelAcceptor(connection, name, b.registry, channels, deliveries, outbound, refusals, warnings);
    this.controlProtocol =
        new ControlProtocol(connection, name, channels, deliveries, outbound, pending, acceptor, warnings);
    InboundRouter router = new InboundRouter(name, channels, pending, controlProtocol, outbound, refusals, warnings);
    this.reader = new ConnectionReader(name, transport.input(), b.limits,
        b.readerHandOff && b.deliveryExecutor == null, router, this::drop, closing::get, b.threadFactory,
        () -> awaitReplyRoom(b.maxQueuedReplyBytes), b.memoryBudget, b.readerRunner);
    readerRef[0] = reader;
    this.watchdog = new ConnectionWatchdog(reader, writer, b.idleTimeout, b.reassemblyTimeout, b.writeTimeout,
        this::drop);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What channels call

  CompletableFuture<Object> call(DtxChannel channel, String selector, DtxArgument[] args, boolean async,
      long asyncTimeoutNanos) {
    return outbound.call(channel, selector, args, async, asyncTimeoutNanos);
  }

  void sendDispatch(DtxChannel channel, String selector, DtxArgument[] args) {
    outbound.sendDispatch(channel, selector, args);
  }

  void sendPayload(DtxChannel channel, DtxMessageType type, Object archived, byte[] raw) {
    outbound.sendPayload(channel, type, archived, raw);
  }

  /** Replies to the peer's message {@code identifier} (conversation 0) on {@code channel}: OK, OBJECT or ERROR. */
  void replyTo(DtxChannel channel, int identifier, Object result, NSError error) {
    outbound.replyTo(channel.code(), identifier, 1, result, error);
  }

  void cancelChannel(DtxChannel channel) {
    controlProtocol.cancelChannel(channel, callTimeoutNanos);
  }

  /** True when {@code thread} holds the reader role at this moment (for tests of the hand-off). */
  boolean isReader(Thread thread) {
    return reader.isReader(thread);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Life

  boolean isOpen() {
    return closedBecause == null;
  }

  DtxConnectionClosedException closeCause() {
    return closedBecause;
  }

  CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  void start() {
    reader.start();
    watchdog.start();
    if (capabilities != null) {
      controlProtocol.sendCapabilities(capabilities);
    }
    if (awaitPeerCapabilities) {
      try {
        PendingCalls.await(controlProtocol.peerCapabilitiesFuture(), "peer capabilities ("
            + DtxConnection.NOTIFY_CAPABILITIES + ")", handshakeTimeoutNanos);
      } catch (DtxConnectionClosedException e) {
        throw new DtxConnectionClosedException("handshake failed: " + e.getMessage(), e.getCause());
      } catch (DtxException e) {
        end(new DtxConnectionClosedException("handshake failed: " + e.getMessage(), e), e);
        throw e;
      }
    }
  }

  /** See {@link DtxConnection#close()}. */
  void close() {
    if (!closing.compareAndSet(false, true) || closedBecause != null) {
      closeFuture.join();
      return;
    }
    try {
      long wait = Math.max(callTimeoutNanos, TimeUnit.SECONDS.toNanos(1));
      writer.awaitIdle(wait, TimeUnit.NANOSECONDS);
      if (closedBecause == null && controlProtocol.cancelOwnChannels()) {
        writer.awaitIdle(wait, TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      end(new DtxConnectionClosedException("connection " + name + " closed by close()", null), null);
    }
  }

  /** The reader's back-pressure: waits while too many of our own replies are unwritten. */
  private void awaitReplyRoom(long limit) {
    try {
      writer.awaitReaderRoom(limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drop(String why, Throwable cause) {
    end(new DtxConnectionClosedException("connection " + name + " (" + transport.description() + ") dropped: "
        + why, cause), cause);
  }

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
    watchdog.stop();
    writer.close();
    try {
      transport.close();
    } catch (IOException e) {
      LOG.debug("{}: closing the transport failed", name, e);
    }
    controlProtocol.ended(why);
    pending.failAll(why);
    for (DtxChannel channel : channels.values()) {
      channel.markClosed(cause);
    }
    warnings.finish();
    closeFuture.complete(null);
  }
}
