package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.internal.Failures;
import dtxkit.runtime.wire.DtxMessage;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code _requestChannelWithCode:identifier:}: looks the identifier up in the registry, refuses
 * bad codes, codes in use and unknown services with an NSError, and otherwise creates the channel (routed from then
 * on, its deliveries held) and runs the service factory on the control channel's queue, then replies OK and releases
 * the channel's deliveries. Replies on channel 0 go through the control queue so that they leave in request order.
 */
final class ChannelAcceptor {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);

  private final DtxConnection connection;
  private final String name;
  private final DtxServiceRegistry registry;
  private final ChannelTable channels;
  private final Deliveries deliveries;
  private final Outbound outbound;
  private final Refusals refusals;
  private final LogLimiter warnings;

  /**
   * @param registry the services the peer may open, or null to refuse every request
   */
  ChannelAcceptor(DtxConnection connection, String name, DtxServiceRegistry registry, ChannelTable channels,
      Deliveries deliveries, Outbound outbound, Refusals refusals, LogLimiter warnings) {
    this.warnings = warnings;
    this.connection = connection;
    this.name = name;
    this.registry = registry;
    this.channels = channels;
    this.deliveries = deliveries;
    this.outbound = outbound;
    this.refusals = refusals;
  }

  /** Handles the peer's channel request; runs on the reader. */
  void onRequestChannel(DtxMessage message, List<Object> args) {
    if (args.size() != 2 || !(args.get(0) instanceof Number n) || !(args.get(1) instanceof String identifier)) {
      refusals.unsupported(message, 0, DtxConnection.REQUEST_CHANNEL + " with arguments " + args
          + " (expected int32 code, string)");
      return;
    }
    int code = n.intValue();
    int local = -code;
    int id = message.identifier();
    DtxServiceFactory factory = registry == null ? null : registry.lookup(identifier);
    NSError refusal = null;
    if (code <= 0) {
      refusal = error("invalid channel code " + code + " for \"" + identifier + "\"");
    } else if (channels.contains(local)) {
      refusal = error("channel code " + code + " is already in use");
    } else if (factory == null) {
      refusal = error("Unable to find service with identifier \"" + identifier + "\"");
    }
    boolean expectsReply = message.expectsReply();
    DtxChannel control = channels.get(0);
    if (refusal != null) {
      warnings.warn("refusing channel {} \"{}\": {}", code, identifier, refusal.localizedDescription());
      if (expectsReply) {
        control.queue.offer(replyTask(id, refusal), true);
      }
      return;
    }
    // Routed from now on; the channel's own queue holds its messages until the factory has run.
    DtxChannel channel = new DtxChannel(connection, local, identifier, DtxChannel.State.OPENING,
        deliveries.newQueue(true));
    channels.put(channel);
    control.queue.offer(Deliveries.rejectable(() -> {
      NSError error = null;
      Throwable fatal = null;
      try {
        DtxServiceHandler handler = factory.create(channel);
        channel.setHandler(Objects.requireNonNull(handler, "factory returned no handler"));
        channel.markOpen();
      } catch (Throwable e) {
        // Any Throwable (see Failures): the request is answered and the channel's queue resumed all the same.
        fatal = Failures.isFatal(e) ? e : null;
        warnings.warn("service factory for \"{}\" failed: {}", identifier, e.toString());
        LOG.debug("{}: the factory's failure", name, e);
        channels.remove(channel);
        channel.markClosed(null);
        error = e instanceof DtxRemoteException r ? r.nsError()
            : error("service \"" + identifier + "\" could not be created: " + e.getMessage());
      }
      if (expectsReply) {
        outbound.replyTo(0, id, 1, null, error);
      }
      channel.queue.resume();
      if (fatal != null) {
        Failures.rethrowIfFatal(fatal);
      }
    }, rejected -> {
      channels.remove(channel);
      channel.markClosed(rejected);
      if (expectsReply) {
        outbound.replyTo(0, id, 1, null, rejectedError(rejected));
      }
    }), true);
  }

  /** A reply on channel 0 sent in order through the control queue; sent all the same when the executor rejects. */
  SerialQueue.Rejectable replyTask(int id, NSError error) {
    Runnable reply = () -> outbound.replyTo(0, id, 1, null, error);
    return Deliveries.rejectable(reply, e -> reply.run());
  }

  static NSError rejectedError(RejectedExecutionException e) {
    return error("the receiver's delivery executor rejected the message: " + e.getMessage());
  }

  private static NSError error(String description) {
    return new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo(description));
  }
}
