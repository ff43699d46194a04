package dtxkit.runtime;

/**
 * Receives what the peer sends on one channel without being asked: invocations, notifications, raw data, barriers,
 * and the channel's end. Every method has a no-op default.
 *
 * <p><b>Threading.</b> Methods are called one at a time, in arrival order, on the channel's delivery executor (see
 * {@link DtxConnection.Builder#deliveryExecutor}; by default this includes the connection's two reading threads, each
 * running deliveries only while the other reads), never on the thread that is reading: a slow listener delays only
 * its own channel. A listener may make blocking calls on the connection (including on its own channel), since
 * replies are matched by the reader and do not queue behind the listener.
 *
 * <p><b>Bounded queues.</b> Each channel buffers at most {@link DtxConnection.Builder#maxQueuedPerChannel} undelivered
 * messages. A message arriving at a full queue is not queued: an invocation that expects a reply is answered with an
 * ERROR (NSError domain {@code DTXMessage}, code 2), anything else is dropped; both are counted in
 * {@link DtxConnection#overflowCount()} and logged at WARN. The reader never blocks on a listener.
 *
 * <p>Exceptions thrown by a listener are logged and do not stop delivery. An invocation passed to
 * {@link #onInvocation} that expects a reply is answered OK when the method returns and ERROR when it throws; use a
 * {@link DtxServiceHandler} (see {@link DtxChannel#setHandler}) to reply with a value.
 */
public interface DtxChannelListener {

  /**
   * The peer invoked a selector on this channel (a DISPATCH message).
   *
   * @param invocation the selector and decoded arguments
   */
  default void onInvocation(DtxInvocation invocation) {}

  /**
   * The peer pushed an object (an OBJECT message with conversation index 0, how devices stream samples).
   *
   * @param value the unarchived value (see the archive mapping in {@link DtxInvocation#arguments()})
   */
  default void onNotification(Object value) {}

  /**
   * The peer sent a raw DATA message.
   *
   * @param data the payload bytes, owned by the listener
   */
  default void onData(byte[] data) {}

  /** The peer sent a BARRIER: everything before it on this channel has been delivered. */
  default void onBarrier() {}

  /**
   * The channel ended: cancelled by either side, or the connection closed.
   *
   * @param causeOrNull null for an orderly end, else why the connection dropped
   */
  default void onClosed(Throwable causeOrNull) {}
}
