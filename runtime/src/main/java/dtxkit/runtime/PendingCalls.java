package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls of one connection that await a reply, and the matching of replies to them. A reply is matched by
 * identifier, as devices do, and must carry conversation index 1 (our calls start their conversation at 0, and the
 * reply is the next message in it): a reply with another index completes nothing and is counted
 * ({@link #mismatchedCount()}). A blocking call's future is completed on the reader (only the waiting thread sees it),
 * an asynchronous call's on the delivery executor. A reply nobody waits for is counted
 * ({@link #unmatchedCount()}); a reply to a cancelled or timed-out call is counted ({@link #abandonedCount()}).
 */
final class PendingCalls {

  private static final Logger LOG = LoggerFactory.getLogger(DtxConnection.class);


  private record Pending(CallFuture future, boolean async, String selector) {}

  private final String name;
  private final Deliveries deliveries;
  private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final Map<Integer, Boolean> abandoned = new ConcurrentHashMap<>();
  private final AtomicLong abandonedReplies = new AtomicLong();
  private final AtomicLong unmatchedReplies = new AtomicLong();
  private final AtomicLong mismatchedReplies = new AtomicLong();

  private final LogLimiter warnings;

  PendingCalls(String name, Deliveries deliveries, LogLimiter warnings) {
    this.warnings = warnings;
    this.name = name;
    this.deliveries = deliveries;
  }

  /** Registers a call before its message is queued, so that no reply can come first. */
  void add(int identifier, CallFuture future, boolean async, String selector) {
    pending.put(identifier, new Pending(future, async, selector));
  }

  /** Forgets a call whose message was never sent; true if it was still pending. */
  boolean remove(int identifier) {
    return pending.remove(identifier) != null;
  }

  /** A cancelled call: its reply, should it come, is counted as abandoned. */
  void abandon(int identifier) {
    if (pending.remove(identifier) != null) {
      abandoned.put(identifier, Boolean.TRUE);
    }
  }

  /**
   * Fails an asynchronous call with {@link DtxTimeoutException} after {@code timeoutNanos} unless its reply comes
   * first (the call is then abandoned).
   */
  void deadline(int identifier, CallFuture future, String what, long timeoutNanos) {
    ScheduledFuture<?> timer = Deliveries.TIMERS.schedule(() -> {
      if (pending.remove(identifier) != null) {
        abandoned.put(identifier, Boolean.TRUE);
        deliveries.complete(future, null,
            new DtxTimeoutException("no " + what + " within " + Duration.ofNanos(timeoutNanos)));
      }
    }, timeoutNanos, TimeUnit.NANOSECONDS);
    future.whenComplete((v, e) -> timer.cancel(false));
  }

  /** Matches a reply (conversation index above 0) to its call and completes it; runs on the reader. */
  void onReply(DtxMessage message) {
    int id = message.identifier();
    if (message.conversationIndex() != 1) {
      // Our calls start a conversation at 0 and expect its next message; index 5 completes nothing.
      long n = mismatchedReplies.incrementAndGet();
      LOG.debug("{}: reply {}.{} does not follow its call (conversation index {} instead of 1); dropped ({} so far)",
          name, id, message.conversationIndex(), message.conversationIndex(), n);
      return;
    }
    Pending call = pending.remove(id);
    if (call == null) {
      if (abandoned.remove(id) != null) {
        abandonedReplies.incrementAndGet();
        LOG.debug("{}: late reply {}.{} to an abandoned call; dropped", name, id, message.conversationIndex());
      } else {
        unmatchedReplies.incrementAndGet();
        warnings.warn("reply {}.{} ({}) on channel {} matches no call; dropped", id,
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
        case COMPRESSED -> value = InboundRouter.decodeObjectOrBytes(message);
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
    } catch (Throwable e) {
      // A decoder that fails otherwise (a StackOverflowError, a bug) fails this call, not the connection (Failures).
      dtxkit.runtime.internal.Failures.rethrowIfFatal(e);
      error = new DtxException("undecodable reply to " + call.selector() + ": " + e, e);
    }
    complete(call, value, error);
  }

  private void complete(Pending call, Object value, Throwable error) {
    CallFuture future = call.future();
    if (call.async()) {
      // Never on the reader: user stages attached to the future would run there.
      deliveries.complete(future, value, error);
    } else if (error == null) {
      future.complete(value);
    } else {
      future.completeExceptionally(error);
    }
  }

  /** Fails every pending call with {@code why} (the connection ended). */
  void failAll(DtxConnectionClosedException why) {
    for (Integer id : new ArrayList<>(pending.keySet())) {
      Pending call = pending.remove(id);
      if (call != null) {
        complete(call, null, why);
      }
    }
    abandoned.clear();
  }

  /** A late answer that was counted elsewhere (a channel accepted after its request was abandoned). */
  void countAbandoned() {
    abandonedReplies.incrementAndGet();
  }

  long abandonedCount() {
    return abandonedReplies.get();
  }

  /** Replies dropped because their conversation index was not 1. */
  long mismatchedCount() {
    return mismatchedReplies.get();
  }

  long unmatchedCount() {
    return unmatchedReplies.get();
  }

  int size() {
    return pending.size();
  }

  /**
   * Waits for a call's future; on timeout or interruption the future is cancelled (the call abandoned).
   *
   * @throws DtxTimeoutException no result within {@code timeoutNanos}
   * @throws DtxException the call failed (the same type as its failure, with this thread's stack)
   */
  static <T> T await(CompletableFuture<T> future, String what, long timeoutNanos) {
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
      if (cause instanceof CompletionException && cause.getCause() != null) {
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

}
