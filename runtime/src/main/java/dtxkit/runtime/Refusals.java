package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The defined outcome for traffic nobody can take (an unknown channel, an unsupported type, an undecodable
 * invocation, a full delivery queue): an ERROR reply (NSError domain {@code DTXMessage}, code 2) when the message
 * expects one, a count, and a log line while the connection's {@link LogLimiter} allows (then a summary).
 */
final class Refusals {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);

  private final String name;
  private final Outbound outbound;
  private final int maxQueuedPerChannel;
  private final AtomicLong unhandled = new AtomicLong();
  private final AtomicLong overflows = new AtomicLong();

  private final LogLimiter warnings;

  private final ChannelTable channels;

  Refusals(String name, Outbound outbound, int maxQueuedPerChannel, LogLimiter warnings, ChannelTable channels) {
    this.channels = channels;
    this.warnings = warnings;
    this.name = name;
    this.outbound = outbound;
    this.maxQueuedPerChannel = maxQueuedPerChannel;
  }

  /** Counts, logs, and answers ERROR when a reply is expected. */
  void unsupported(DtxMessage message, int local, String why) {
    unhandled.incrementAndGet();
    warnings.warn("message {}.{} on channel {}: {}{}", message.identifier(), message.conversationIndex(), local,
        why, message.expectsReply() ? "; replying ERROR" : "; dropped");
    if (message.expectsReply()) {
      outbound.replyTo(local, message.identifier(), message.conversationIndex() + 1, null,
          new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo(why)));
    }
  }

  void unknownChannel(DtxMessage message, int local, String what) {
    if (channels.wasCancelled(local)) {
      // Sent by the peer before it saw our cancel (its writes on other channels may overtake them): expected.
      unhandled.incrementAndGet();
      LOG.debug("{}: message {}.{}: {} for channel {}, which this side cancelled; dropped", name,
          message.identifier(), message.conversationIndex(), what, local);
      if (message.expectsReply()) {
        outbound.replyTo(local, message.identifier(), message.conversationIndex() + 1, null,
            new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo("channel " + local
                + " is cancelled")));
      }
      return;
    }
    unsupported(message, local, what + " for unknown channel " + local);
  }

  /** A message refused because its channel's delivery queue is full. */
  void overflow(DtxChannel channel, DtxMessage message, String what) {
    overflows.incrementAndGet();
    warnings.warn("delivery queue of channel {} ({}) is full ({} messages); {} refused", channel.code(),
        channel.identifier(), maxQueuedPerChannel, what);
    if (message.expectsReply()) {
      outbound.replyTo(channel.code(), message.identifier(), message.conversationIndex() + 1, null,
          new NSError(DtxRemoteException.DTX_DOMAIN, 2, DtxRemoteException.userInfo("delivery queue of channel "
              + channel.code() + " is full; message refused")));
    }
  }

  /** A message nobody took that was logged where it was dropped (e.g. no listener on its channel). */
  void countUnhandled() {
    unhandled.incrementAndGet();
  }

  long unhandledCount() {
    return unhandled.get();
  }

  long overflowCount() {
    return overflows.get();
  }
}
