package dtxkit.runtime;

/**
 * Creates the handler for a channel the peer opened with {@code _requestChannelWithCode:identifier:}, when the
 * identifier is the one this factory is registered under in a {@link DtxServiceRegistry}.
 *
 * <p>Called on the control channel's delivery queue (channel requests are handled one at a time, in order), before
 * any message on the new channel is delivered and before the
 * connection replies OK to the request (a throwing factory makes the reply an ERROR and the channel is not opened).
 * The handler may keep {@code channel} to push notifications ({@link DtxChannel#sendNotification}) and data
 * ({@link DtxChannel#sendData}), and may set a listener on it for notifications and data the peer sends.
 */
@FunctionalInterface
public interface DtxServiceFactory {

  /**
   * @param channel the channel the peer opened
   * @return the handler that answers its invocations, not null
   */
  DtxServiceHandler create(DtxChannel channel);
}
