package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessageType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DTX channel of a {@link DtxConnection}: a service opened by identifier, a channel the peer opened, or the
 * control channel 0.
 *
 * <p><b>Codes.</b> {@link #code()} is the local code: positive for channels this side opened (and 0 for the control
 * channel), negative for channels the peer opened. On the wire, a message that starts a conversation carries the
 * local code and a reply the negated local code, so each side sees its own sign.
 *
 * <p><b>Calls.</b> {@link #invokeAsync} expects a reply; {@link #invoke} waits for it; {@link #send} expects none.
 * Both kinds of call give up after the connection's call timeout ({@link DtxConnection.Builder#callTimeout}), or
 * after the deadline given to the call ({@link #invoke(Duration, String, DtxArgument...)},
 * {@link #invokeAsync(Duration, String, DtxArgument...)}). All may be called from any thread, including listeners,
 * handlers and completion stages, whatever the delivery executor.
 *
 * <p><b>Incoming traffic</b> reaches the {@link DtxServiceHandler} (invocations, when one is set) and the
 * {@link DtxChannelListener} (everything else, and invocations when no handler is set), one message at a time in
 * arrival order on the connection's delivery executor; see {@link DtxChannelListener} for the queue bound.
 */
public final class DtxChannel {

  private static final Logger LOG = LoggerFactory.getLogger(DtxChannel.class);

  enum State {
    OPENING,
    OPEN,
    CLOSED
  }

  private final DtxConnection connection;
  private final int code;
  private final String identifier;
  final SerialQueue queue;
  private volatile State state;
  private volatile DtxChannelListener listener;
  private volatile DtxServiceHandler handler;
  private final AtomicLong unhandled = new AtomicLong();

  DtxChannel(DtxConnection connection, int code, String identifier, State state, SerialQueue queue) {
    this.connection = connection;
    this.code = code;
    this.identifier = identifier;
    this.state = state;
    this.queue = queue;
  }

  /** The local channel code: 0 for control, positive for channels this side opened, negative for the peer's. */
  public int code() {
    return code;
  }

  /** The service identifier the channel was opened with ({@code "ctrl"} for channel 0). */
  public String identifier() {
    return identifier;
  }

  /** The connection this channel belongs to. */
  public DtxConnection connection() {
    return connection;
  }

  /** True while calls can be made: opened (OK received or sent) and neither cancelled nor closed. */
  public boolean isOpen() {
    return state == State.OPEN && connection.isOpen();
  }

  /**
   * Invokes {@code selector} and expects a reply.
   *
   * @param selector the Objective-C selector, e.g. {@code "runningProcesses"} or {@code "killPid:"}
   * @param args the arguments with their encodings, one per colon of the selector
   * @return a future completed with null (OK), the decoded value (OBJECT), or exceptionally with
   *     {@link DtxRemoteException} (ERROR) or {@link DtxConnectionClosedException}. Completed on the delivery
   *     executor, never on the reader. Cancelling it abandons the reply.
   * @throws IllegalArgumentException when an object argument cannot be archived (nothing is sent)
   */
  public CompletableFuture<Object> invokeAsync(String selector, DtxArgument... args) {
    return invokeAsync(Duration.ofNanos(connection.core.callTimeoutNanos), selector, args);
  }

  /**
   * Invokes {@code selector}, expects a reply, and gives up after {@code timeout} rather than the connection's call
   * timeout.
   *
   * @param timeout how long until the future fails with {@link DtxTimeoutException} (the reply is then abandoned)
   * @param selector the selector
   * @param args the arguments with their encodings
   * @return the future, as {@link #invokeAsync(String, DtxArgument...)}
   * @throws IllegalArgumentException when an object argument cannot be archived, or the timeout is not positive
   */
  public CompletableFuture<Object> invokeAsync(Duration timeout, String selector, DtxArgument... args) {
    Objects.requireNonNull(selector, "selector");
    return connection.core.call(this, selector, args, true, positiveNanos(timeout));
  }

  /**
   * Invokes {@code selector}, expects a reply and waits for it with the connection's call timeout.
   *
   * @param selector the selector
   * @param args the arguments with their encodings
   * @return null for OK, else the decoded OBJECT value
   * @throws DtxRemoteException the peer replied ERROR
   * @throws DtxTimeoutException no reply in time (the call is abandoned)
   * @throws DtxConnectionClosedException the connection closed first
   * @throws IllegalArgumentException when an object argument cannot be archived (nothing is sent)
   */
  public Object invoke(String selector, DtxArgument... args) {
    return invoke(Duration.ofNanos(connection.core.callTimeoutNanos), selector, args);
  }

  /**
   * Invokes {@code selector} and waits for the reply at most {@code timeout}, instead of the connection's call
   * timeout: a per-call deadline.
   *
   * @param timeout how long to wait
   * @param selector the selector
   * @param args the arguments with their encodings
   * @return null for OK, else the decoded OBJECT value
   * @throws DtxTimeoutException no reply in time (the call is abandoned)
   * @throws IllegalArgumentException when an object argument cannot be archived, or the timeout is not positive
   */
  public Object invoke(Duration timeout, String selector, DtxArgument... args) {
    Objects.requireNonNull(selector, "selector");
    long nanos = positiveNanos(timeout);
    return PendingCalls.await(connection.core.call(this, selector, args, false, 0),
        "reply to " + selector + " on channel " + code, nanos);
  }

  private static long positiveNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return timeout.toNanos();
  }

  /**
   * Invokes {@code selector} without asking for a reply (fire and forget). The message is queued in order with this
   * channel's other messages; {@link DtxConnection#close()} writes it before closing.
   *
   * @param selector the selector
   * @param args the arguments with their encodings
   * @throws DtxConnectionClosedException the connection is closed
   * @throws DtxException the channel is not open
   */
  public void send(String selector, DtxArgument... args) {
    Objects.requireNonNull(selector, "selector");
    connection.core.sendDispatch(this, selector, args);
  }

  /**
   * Pushes an object to the peer: an OBJECT message with conversation index 0, the way devices stream samples.
   *
   * @param value the value to archive
   * @throws DtxConnectionClosedException the connection is closed
   */
  public void sendNotification(Object value) {
    connection.core.sendPayload(this, DtxMessageType.OBJECT, value, null);
  }

  /**
   * Sends raw bytes in a DATA message. Large payloads are fragmented and interleaved fairly with other channels.
   *
   * @param data the bytes; not copied, do not modify them until the connection has written them
   * @throws DtxConnectionClosedException the connection is closed
   */
  public void sendData(byte[] data) {
    Objects.requireNonNull(data, "data");
    connection.core.sendPayload(this, DtxMessageType.DATA, null, data);
  }

  /** Sends a BARRIER message on this channel. */
  public void sendBarrier() {
    connection.core.sendPayload(this, DtxMessageType.BARRIER, null, null);
  }

  /**
   * Sets the listener for incoming traffic (null removes it). Set it before the first message can arrive: pass it to
   * {@link DtxConnection#openChannel(String, DtxChannelListener)}, or set it from a {@link DtxServiceFactory}.
   *
   * @param listener the listener, or null
   */
  public void setListener(DtxChannelListener listener) {
    this.listener = listener;
  }

  /**
   * Sets the handler that answers the peer's invocations on this channel (null removes it).
   *
   * @param handler the handler, or null
   */
  public void setHandler(DtxServiceHandler handler) {
    this.handler = handler;
  }

  /**
   * Cancels the channel: sends {@code _channelCanceled:} with the code on channel 0, waits for the reply (call
   * timeout), then closes the channel locally ({@link DtxChannelListener#onClosed} with null). Idempotent. The
   * control channel cannot be cancelled.
   *
   * @throws DtxRemoteException the peer refused (the channel is closed locally anyway)
   * @throws IllegalStateException for the control channel
   */
  public void cancel() {
    if (code == 0) {
      throw new IllegalStateException("the control channel cannot be cancelled");
    }
    if (state == State.CLOSED) {
      return;
    }
    connection.core.cancelChannel(this);
  }

  /** Messages that arrived with no listener or handler to take them (each logged). */
  public long unhandledCount() {
    return unhandled.get();
  }

  State state() {
    return state;
  }

  void markOpen() {
    if (state == State.OPENING) {
      state = State.OPEN;
    }
  }

  /** Closes the channel locally and queues {@link DtxChannelListener#onClosed}; true if it was not closed already. */
  boolean markClosed(Throwable cause) {
    synchronized (this) {
      if (state == State.CLOSED) {
        return false;
      }
      state = State.CLOSED;
    }
    queue.offer(() -> {
      DtxChannelListener l = listener;
      if (l != null) {
        l.onClosed(cause);
      }
    }, true);
    return true;
  }

  /** Runs on the delivery executor: hands an invocation to the handler or listener and replies if asked to. */
  void handleInvocation(DtxInvocation invocation) {
    DtxServiceHandler h = handler;
    DtxChannelListener l = listener;
    Object result = null;
    NSError error = null;
    if (h != null) {
      try {
        result = h.handle(invocation);
      } catch (Exception e) {
        error = errorFor(invocation, "handler", e);
      }
    } else if (l != null) {
      try {
        l.onInvocation(invocation);
      } catch (RuntimeException e) {
        error = errorFor(invocation, "listener", e);
      }
    } else {
      countUnhandled("invocation " + invocation.selector());
      error = DtxUnrecognizedSelectorException.forSelector(invocation.selector(), identifier).nsError();
    }
    if (result instanceof CompletionStage<?> stage) {
      // An asynchronous handler (a generated dispatcher for a CompletableFuture method): reply on completion.
      stage.whenComplete((value, failure) -> finish(invocation, value, failure == null ? null
          : errorFor(invocation, "handler", failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure)));
      return;
    }
    finish(invocation, result, error);
  }

  private void finish(DtxInvocation invocation, Object result, NSError error) {
    if (invocation.expectsReply()) {
      connection.core.replyTo(this, invocation.identifier(), result, error);
    } else if (error != null) {
      connection.core.warnings.warn("{} on channel {} ({}) failed and expects no reply: {} {}", invocation.selector(),
          code, identifier,
          error.domain(), error.localizedDescription());
    } else if (result != null) {
      LOG.debug("{} on channel {} expects no reply; result discarded", invocation.selector(), code);
    }
  }

  /** A {@link DtxRemoteException} keeps its NSError (e.g. an unknown selector); anything else is DTXMessage code 1. */
  private NSError errorFor(DtxInvocation invocation, String who, Throwable e) {
    if (e instanceof DtxRemoteException r) {
      return r.nsError();
    }
    LOG.debug("{} for {} on channel {} threw", who, invocation.selector(), code, e);
    return new NSError(DtxRemoteException.DTX_DOMAIN, 1,
        DtxRemoteException.userInfo(e.getClass().getName() + ": " + e.getMessage()));
  }

  void deliverNotification(Object value) {
    DtxChannelListener l = listener;
    if (l == null) {
      countUnhandled("notification");
    } else {
      l.onNotification(value);
    }
  }

  void deliverData(byte[] data) {
    DtxChannelListener l = listener;
    if (l == null) {
      countUnhandled("DATA of " + data.length + " bytes");
    } else {
      l.onData(data);
    }
  }

  void deliverBarrier() {
    DtxChannelListener l = listener;
    if (l != null) {
      l.onBarrier();
    }
  }

  private void countUnhandled(String what) {
    unhandled.incrementAndGet();
    connection.core.refusals.countUnhandled();
    // Not an error: a client may open a channel only to call it; but never silent.
    connection.core.warnings.warn("{} on channel {} ({}) has no listener; dropped", what, code, identifier);
  }

  @Override
  public String toString() {
    return "DtxChannel{" + code + " " + identifier + " " + state + "}";
  }
}
