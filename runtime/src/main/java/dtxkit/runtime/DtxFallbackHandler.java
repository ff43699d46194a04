package dtxkit.runtime;

/**
 * Lets the implementation of a {@code @DtxService} interface answer the selectors its interface does not declare,
 * instead of the "does not respond to the selector" error its generated dispatcher gives. For peers that may send
 * callbacks newer than the declaration, and expect them acknowledged (an XCTest runner of a newer iOS sends
 * {@code _XCT_*} callbacks nobody has declared yet; Xcode answers them all).
 *
 * <pre>{@code
 * class Ide implements XCTestManagerIdeInterface, DtxFallbackHandler {
 *     public Object handleUnknown(DtxInvocation invocation) {
 *         unknown.increment();   // count, do not log per message
 *         return null;           // OK
 *     }
 * }
 * }</pre>
 *
 * <p>Used wherever the runtime builds a dispatcher over an implementation ({@link DtxServiceRegistry#register},
 * {@code registerPerChannel}, {@code registerProxy}, {@link DtxConnection#openProxy}); the declared selectors still
 * go to the dispatcher, whatever the implementation throws from them.
 */
@FunctionalInterface
public interface DtxFallbackHandler {

  /**
   * Answers an invocation of a selector the service interface does not declare, as a {@link DtxServiceHandler}
   * does: a value for OBJECT, null for OK, an exception for ERROR.
   *
   * @param invocation the invocation
   * @return the reply value, or null
   * @throws Exception to reply ERROR
   */
  Object handleUnknown(DtxInvocation invocation) throws Exception;

}
