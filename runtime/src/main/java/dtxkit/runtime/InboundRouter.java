package dtxkit.runtime;

import dtxkit.runtime.wire.DtxMessage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each decoded message on the reader: replies to {@link PendingCalls}, the control protocol's selectors to
 * {@link ControlProtocol}, everything else to its channel's delivery queue (a task that runs the listener or handler
 * on the delivery executor). Traffic nobody can take goes to {@link Refusals}. Compressed messages (decompressed by
 * the decoder) reach the listener as a notification when their payload is an archive, else as DATA.
 */
final class InboundRouter {

  private static final Logger TRACE = LoggerFactory.getLogger(DtxConnection.TRACE_LOGGER);

  /** How the reader queues a delivery (it may keep the run of an idle queue for itself; see ConnectionReader). */
  interface Queuer {
    /** @return false when the queue is full and the task was refused */
    boolean offer(SerialQueue queue, Runnable task);
  }

  private final String name;
  private final ChannelTable channels;
  private final PendingCalls pending;
  private final ControlProtocol control;
  private final Outbound outbound;
  private final Refusals refusals;

  private final LogLimiter warnings;

  InboundRouter(String name, ChannelTable channels, PendingCalls pending, ControlProtocol control,
      Outbound outbound, Refusals refusals, LogLimiter warnings) {
    this.warnings = warnings;
    this.name = name;
    this.channels = channels;
    this.pending = pending;
    this.control = control;
    this.outbound = outbound;
    this.refusals = refusals;
  }

  /** Routes one decoded message and releases it. */
  void route(DtxMessage message, Queuer queuer) {
    try {
      int conversation = message.conversationIndex();
      int local = ChannelTable.localCode(message.channelCode(), conversation);
      if (conversation > 0) {
        traceIn(message, null);
        pending.onReply(message);
        return;
      }
      DtxChannel channel = channels.get(local);
      switch (message.type()) {
        case DISPATCH -> onDispatch(message, local, channel, queuer);
        case OBJECT -> {
          traceIn(message, null);
          if (channel == null) {
            refusals.unknownChannel(message, local, "notification");
            return;
          }
          Object value;
          try {
            value = Codec.unarchive(message.payload(), message.streamOffset());
          } catch (DtxProtocolException e) {
            refusals.countUnhandled();
            warnings.warn("undecodable notification on channel {}; dropped: {}", local, e.getMessage());
            return;
          }
          deliver(queuer, channel, () -> channel.deliverNotification(value), message, "notification");
        }
        case DATA -> {
          traceIn(message, null);
          if (channel == null) {
            refusals.unknownChannel(message, local, "DATA");
            return;
          }
          // Taken over: the message is released below and not read again.
          byte[] data = message.payloadBytesHandedOver();
          deliver(queuer, channel, () -> channel.deliverData(data), message, "DATA");
        }
        case BARRIER -> {
          traceIn(message, null);
          if (channel == null) {
            refusals.unknownChannel(message, local, "BARRIER");
            return;
          }
          // Delivered in order like everything else: the listener sees it after every earlier message.
          deliver(queuer, channel, channel::deliverBarrier, message, "BARRIER");
        }
        case COMPRESSED -> {
          traceIn(message, null);
          if (channel == null) {
            refusals.unknownChannel(message, local, "compressed message");
            return;
          }
          Object value = decodeObjectOrBytes(message);
          if (value instanceof byte[] bytes) {
            deliver(queuer, channel, () -> channel.deliverData(bytes), message, "compressed DATA");
          } else {
            deliver(queuer, channel, () -> channel.deliverNotification(value), message, "compressed notification");
          }
        }
        default -> {
          traceIn(message, null);
          refusals.unsupported(message, local, "message type " + message.type() + " is not supported");
        }
      }
    } finally {
      message.release();
    }
  }

  private void onDispatch(DtxMessage message, int local, DtxChannel channel, Queuer queuer) {
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
      refusals.unsupported(message, local, "undecodable invocation: " + e.getMessage());
      return;
    }
    traceIn(message, selector);
    // Any other selector on channel 0 (the accessibility audit daemon works there) goes to the control channel's
    // handler or listener.
    if (local == 0 && control.onControlInvocation(message, selector, args)) {
      return;
    }
    if (channel == null) {
      refusals.unknownChannel(message, local, "invocation " + selector);
      return;
    }
    DtxInvocation invocation =
        new DtxInvocation(selector, args, message.expectsReply(), channel, message.identifier());
    SerialQueue.Rejectable task = Deliveries.rejectable(() -> channel.handleInvocation(invocation), e -> {
      if (invocation.expectsReply()) {
        outbound.replyTo(channel.code(), invocation.identifier(), 1, null, ChannelAcceptor.rejectedError(e));
      }
    });
    if (!queuer.offer(channel.queue, task)) {
      refusals.overflow(channel, message, "invocation " + selector);
    }
  }

  private void deliver(Queuer queuer, DtxChannel channel, Runnable task, DtxMessage message, String what) {
    if (!queuer.offer(channel.queue, task)) {
      refusals.overflow(channel, message, what);
    }
  }

  /** The payload unarchived when it is a keyed archive, else its bytes. */
  static Object decodeObjectOrBytes(DtxMessage message) {
    byte[] bytes = message.payloadBytes();
    try {
      return Codec.unarchive(message.payload(), message.streamOffset());
    } catch (DtxProtocolException e) {
      return bytes;
    }
  }

  private static void traceIn(DtxMessage message, String selector) {
    if (TRACE.isDebugEnabled()) {
      TRACE.debug(Codec.traceLine(false, message, 0, selector));
    }
  }
}
