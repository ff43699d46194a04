package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and queues a connection's outgoing messages: calls (registered with {@link PendingCalls} first),
 * fire-and-forget invocations, notifications and DATA, and replies. Outgoing identifiers come from a counter starting
 * at 1; a reply reuses the request's identifier with conversation index + 1 and carries the negated local code (see
 * {@link ChannelTable}). Every message is traced at DEBUG on {@link DtxConnection#TRACE_LOGGER} when queued.
 */
final class Outbound {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);
  private static final Logger TRACE = LoggerFactory.getLogger(DtxConnection.TRACE_LOGGER);

  private final String name;
  private final OutboundWriter writer;
  private final PendingCalls pending;
  private final Supplier<DtxConnectionClosedException> closeCause;
  private final AtomicInteger nextIdentifier = new AtomicInteger(1);

  /**
   * @param closeCause why the connection ended, or null while it is open
   */
  Outbound(String name, OutboundWriter writer, PendingCalls pending,
      Supplier<DtxConnectionClosedException> closeCause) {
    this.name = name;
    this.writer = writer;
    this.pending = pending;
    this.closeCause = closeCause;
  }

  /**
   * Sends an invocation that expects a reply.
   *
   * @param async whether the future goes to user code (completed on the delivery executor) rather than to a thread
   *     that waits for it
   * @param asyncTimeoutNanos for an asynchronous call, how long until its future fails with
   *     {@link DtxTimeoutException} (the call abandoned); 0 for none (a blocking caller times out itself)
   * @throws IllegalArgumentException when an argument cannot be archived (a caller mistake, reported at once)
   */
  CompletableFuture<Object> call(DtxChannel channel, String selector, DtxArgument[] args, boolean async,
      long asyncTimeoutNanos) {
    ByteBuf aux = Codec.encodeArguments(args);
    int id = nextIdentifier.getAndIncrement();
    CallFuture future = new CallFuture(pending, id);
    DtxConnectionClosedException closed = closeCause.get();
    if (closed != null || channel.state() == DtxChannel.State.CLOSED) {
      aux.release();
      future.completeExceptionally(closed != null ? closed : new DtxException("channel " + channel.code() + " ("
          + channel.identifier() + ") is closed"));
      return future;
    }
    ByteBuf payload;
    try {
      payload = Codec.archiveSelector(selector);
    } catch (RuntimeException e) {
      aux.release();
      throw e;
    }
    pending.add(id, future, async, selector);
    DtxMessage message = DtxMessage.builder(DtxMessageType.DISPATCH).identifier(id).conversationIndex(0)
        .channelCode(channel.code()).expectsReply(true).aux(aux).payload(payload).build();
    if (!enqueue(channel.code(), message, selector)) {
      pending.remove(id);
      future.completeExceptionally(closedOrGeneric());
    } else if (closeCause.get() != null && pending.remove(id)) {
      // The connection ended (and failed every pending call) between our add and our enqueue.
      future.completeExceptionally(closeCause.get());
    } else if (async && asyncTimeoutNanos > 0) {
      pending.deadline(id, future, "reply to " + selector + " on channel " + channel.code(), asyncTimeoutNanos);
    }
    return future;
  }

  /** Sends an invocation that expects no reply. */
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

  /** Sends an OBJECT (archiving {@code archived}), DATA ({@code raw}) or BARRIER message with conversation 0. */
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

  /**
   * Replies to the peer's message {@code identifier}: ERROR when {@code error} is set, else OK for a null result, else
   * OBJECT (ERROR when the result cannot be archived). Dropped (logged at DEBUG) once the connection is closed.
   */
  void replyTo(int localCode, int identifier, int conversation, Object result, NSError error) {
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
      } catch (Throwable e) {
        // Any Throwable, e.g. a StackOverflowError from an application's codec (see Failures).
        LOG.warn("{}: reply value of type {} cannot be archived ({}); replying ERROR", name,
            result.getClass().getName(), e.toString());
        LOG.debug("{}: archiving the reply failed", name, e);
        replyTo(localCode, identifier, conversation, null, new NSError(DtxRemoteException.DTX_DOMAIN, 1,
            DtxRemoteException.userInfo("reply value cannot be archived: "
                + (e.getMessage() != null ? e.getMessage() : e.toString()))));
        dtxkit.runtime.internal.Failures.rethrowIfFatal(e);
        return;
      }
      type = DtxMessageType.OBJECT;
      payload = archived;
    }
    DtxMessage message = DtxMessage.builder(type).identifier(identifier).conversationIndex(conversation)
        .channelCode(ChannelTable.wireCode(localCode, conversation)).payload(payload).build();
    if (!enqueue(localCode, message, null)) {
      LOG.debug("{}: reply to {} not sent, connection closed", name, identifier);
    }
  }

  private void checkSendable(DtxChannel channel) {
    DtxConnectionClosedException closed = closeCause.get();
    if (closed != null) {
      throw new DtxConnectionClosedException(closed.getMessage(), closed.getCause());
    }
    if (channel.state() == DtxChannel.State.CLOSED) {
      throw new DtxException("channel " + channel.code() + " (" + channel.identifier() + ") is closed");
    }
  }

  private DtxConnectionClosedException closedOrGeneric() {
    DtxConnectionClosedException closed = closeCause.get();
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
}
