package dtxkit.runtime;

/**
 * Answers the invocations the peer makes on one channel: the server side of a service, or the local half of a
 * channel the peer opened (an XCTest {@code dtxproxy:} channel).
 *
 * <p>The connection replies when the invocation expects a reply:
 * <ul>
 *   <li>a non-null return value → OBJECT, the value NSKeyedArchived;</li>
 *   <li>{@code null} → OK;</li>
 *   <li>a thrown {@link DtxRemoteException} → ERROR carrying its NSError;</li>
 *   <li>any other exception → ERROR with NSError domain {@code DTXMessage}, code 1, the message as
 *       {@code NSLocalizedDescription}.</li>
 * </ul>
 * A handler that does not know the selector throws
 * {@link DtxUnrecognizedSelectorException#forSelector(String, String)}, which produces the device's text
 * "... does not respond to the selector". When the invocation does not expect a reply, the value is discarded and an
 * exception is logged.
 *
 * <p><b>Threading.</b> Called on the channel's delivery executor, one invocation at a time, in arrival order (see
 * {@link DtxChannelListener}); it may block, delaying only its channel.
 */
@FunctionalInterface
public interface DtxServiceHandler {

  /**
   * Handles one invocation.
   *
   * @param invocation the selector, decoded arguments and channel
   * @return the reply value, or null for OK; a {@link java.util.concurrent.CompletionStage} is replied to when it
   *     completes (with its value, or the NSError of the exception it failed with)
   * @throws Exception to reply ERROR (see the class description)
   */
  Object handle(DtxInvocation invocation) throws Exception;
}
