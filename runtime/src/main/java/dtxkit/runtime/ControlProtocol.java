package dtxkit.runtime;

import dtxkit.runtime.wire.DtxMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of the control channel 0: the capabilities handshake, opening channels
 * ({@code _requestChannelWithCode:identifier:}, with a {@link ChannelAcceptor} for the peer's requests) and
 * cancelling them ({@code _channelCanceled:}, either side). Futures it completes internally are completed on the
 * reader, as replies to blocking calls are, and never handed to user code; so a thread that waits for a channel to
 * open never waits for the delivery executor (which may be itself).
 */
final class ControlProtocol {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);

  private final DtxConnection connection;
  private final String name;
  private final ChannelTable channels;
  private final Deliveries deliveries;
  private final Outbound outbound;
  private final PendingCalls pending;
  private final ChannelAcceptor acceptor;
  private final DtxChannel control;
  private final LogLimiter warnings;
  private final CompletableFuture<Map<String, Object>> peerCapabilitiesFuture = new CompletableFuture<>();
  private volatile Map<String, Object> peerCapabilities = Map.of();

  ControlProtocol(DtxConnection connection, String name, ChannelTable channels, Deliveries deliveries,
      Outbound outbound, PendingCalls pending, ChannelAcceptor acceptor, LogLimiter warnings) {
    this.warnings = warnings;
    this.connection = connection;
    this.name = name;
    this.channels = channels;
    this.deliveries = deliveries;
    this.outbound = outbound;
    this.pending = pending;
    this.acceptor = acceptor;
    this.control = Objects.requireNonNull(channels.get(0), "control channel");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Handshake

  void sendCapabilities(Map<String, Object> capabilities) {
    outbound.sendDispatch(control, DtxConnection.NOTIFY_CAPABILITIES,
        new DtxArgument[] {DtxArgument.object(capabilities)});
  }

  Map<String, Object> peerCapabilities() {
    return peerCapabilities;
  }

  /** Completed on the reader; copy it (e.g. {@code thenApply}) before handing it out. */
  CompletableFuture<Map<String, Object>> peerCapabilitiesFuture() {
    return peerCapabilitiesFuture;
  }

  private void onPeerCapabilities(List<Object> args) {
    Map<String, Object> caps = new LinkedHashMap<>();
    if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        caps.put(String.valueOf(e.getKey()), e.getValue());
      }
    } else {
      warnings.warn("{} without a dictionary argument: {}", DtxConnection.NOTIFY_CAPABILITIES, args);
    }
    peerCapabilities = Collections.unmodifiableMap(caps);
    peerCapabilitiesFuture.complete(peerCapabilities);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Incoming control invocations

  /**
   * Handles the control protocol's own selectors on channel 0; runs on the reader.
   *
   * @return false when {@code selector} is not one of them (it goes to the control channel's handler or listener)
   */
  boolean onControlInvocation(DtxMessage message, String selector, List<Object> args) {
    switch (selector) {
      case DtxConnection.NOTIFY_CAPABILITIES -> {
        onPeerCapabilities(args);
        if (message.expectsReply()) {
          outbound.replyTo(0, message.identifier(), 1, null, null);
        }
        return true;
      }
      case DtxConnection.REQUEST_CHANNEL -> {
        acceptor.onRequestChannel(message, args);
        return true;
      }
      case DtxConnection.CHANNEL_CANCELED -> {
        onChannelCanceled(message, args);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private void onChannelCanceled(DtxMessage message, List<Object> args) {
    for (Object arg : args) {
      if (!(arg instanceof Number n)) {
        warnings.warn("{} with a non-integer argument {}", DtxConnection.CHANNEL_CANCELED, arg);
        continue;
      }
      int code = n.intValue();
      // The peer cancels channels it opened (kept here as -code); fall back to +code for a peer that cancels ours.
      DtxChannel channel = code != 0 ? channels.remove(-code) : null;
      if (channel == null && code != 0) {
        channel = channels.remove(code);
      }
      if (channel == null) {
        warnings.warn("{} for unknown channel {}", DtxConnection.CHANNEL_CANCELED, code);
      } else {
        channel.markClosed(null);
      }
    }
    if (message.expectsReply()) {
      control.queue.offer(acceptor.replyTask(message.identifier(), null), true);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Opening and cancelling channels

  /**
   * Sends a channel request. The returned future is completed on the reader and must not be handed to user code
   * (stages attached to it would run there); cancelling it abandons the request: the channel closes here at once,
   * and an OK that comes later is answered with {@code _channelCanceled:}, so that neither side keeps a half-open
   * channel.
   */
  CompletableFuture<DtxChannel> requestChannel(String identifier, DtxChannelListener listener) {
    return requestChannel(identifier, listener, null);
  }

  /**
   * {@link #requestChannel(String, DtxChannelListener)} with a handler answering the peer's invocations on the
   * channel (a {@code dtxproxy:} channel's exported protocol), in place before the request is sent.
   */
  CompletableFuture<DtxChannel> requestChannel(String identifier, DtxChannelListener listener,
      DtxServiceHandler handler) {
    Objects.requireNonNull(identifier, "identifier");
    int code = channels.nextCode();
    DtxChannel channel = new DtxChannel(connection, code, identifier, DtxChannel.State.OPENING,
        deliveries.newQueue(false));
    channel.setListener(listener);
    channel.setHandler(handler);
    // Registered before the request so that whatever the peer sends right after its OK is routed to it.
    channels.put(channel);
    CompletableFuture<Object> reply = outbound.call(control, DtxConnection.REQUEST_CHANNEL,
        new DtxArgument[] {DtxArgument.int32(code), DtxArgument.object(identifier)}, false, 0);
    CompletableFuture<DtxChannel> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
          channels.remove(channel);
          channel.markClosed(null);
        }
        return cancelled;
      }
    };
    reply.whenComplete((ok, error) -> {
      if (error != null) {
        channels.remove(channel);
        channel.markClosed(null);
        if (!result.completeExceptionally(error instanceof RuntimeException ? error
            : new DtxException(error.getMessage(), error)) && result.isCancelled()) {
          pending.countAbandoned();
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
    channels.remove(channel);
    channel.markClosed(null);
    pending.countAbandoned();
    LOG.info("{}: channel {} \"{}\" accepted after its request was abandoned; cancelling it", name, channel.code(),
        channel.identifier());
    try {
      outbound.sendDispatch(control, DtxConnection.CHANNEL_CANCELED,
          new DtxArgument[] {DtxArgument.int32(channel.code())});
    } catch (DtxException e) {
      LOG.debug("{}: could not cancel abandoned channel {}", name, channel.code(), e);
    }
  }

  /** Cancels a channel and waits for the peer's reply; the channel is closed locally whatever happens. */
  void cancelChannel(DtxChannel channel, long timeoutNanos) {
    int wire = Math.abs(channel.code());
    try {
      PendingCalls.await(outbound.call(control, DtxConnection.CHANNEL_CANCELED,
          new DtxArgument[] {DtxArgument.int32(wire)}, false, 0),
          "reply to " + DtxConnection.CHANNEL_CANCELED + " " + wire, timeoutNanos);
    } finally {
      channels.markCancelled(channel.code());
      channels.remove(channel);
      channel.markClosed(null);
    }
  }

  /**
   * Cancels every channel this side opened and that is still open, with one {@code _channelCanceled:} that expects
   * no reply (on close).
   *
   * @return true when a message was queued
   */
  boolean cancelOwnChannels() {
    List<DtxArgument> codes = new ArrayList<>();
    for (DtxChannel channel : channels.values()) {
      if (channel.code() > 0 && channel.state() != DtxChannel.State.CLOSED) {
        codes.add(DtxArgument.int32(channel.code()));
      }
    }
    if (codes.isEmpty()) {
      return false;
    }
    try {
      outbound.sendDispatch(control, DtxConnection.CHANNEL_CANCELED, codes.toArray(new DtxArgument[0]));
      return true;
    } catch (DtxException e) {
      LOG.debug("{}: could not cancel channels on close", name, e);
      return false;
    }
  }

  /** The connection ended: the handshake, if still awaited, fails with {@code why}. */
  void ended(DtxConnectionClosedException why) {
    peerCapabilitiesFuture.completeExceptionally(why);
  }
}
