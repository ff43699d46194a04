package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;

/**
 * The peer does not implement the selector that was invoked: its NSError's description ends in
 * {@code "- it does not respond to the selector"}, the text DTServiceHub uses.
 *
 * <p>A {@link DtxServiceHandler} throws {@link #forSelector(String, String)} for a selector it does not know, so that
 * a dtxkit server answers exactly as a device would.
 */
public class DtxUnrecognizedSelectorException extends DtxRemoteException {
  private static final long serialVersionUID = 1L;

  /** The text that identifies this error in an NSError's description. */
  public static final String MARKER = "does not respond to the selector";

  /**
   * @param nsError the NSError whose description contains {@link #MARKER}
   */
  public DtxUnrecognizedSelectorException(NSError nsError) {
    super(nsError);
  }

  /**
   * The error a device sends for an unknown selector: domain {@code DTXMessage}, code 1, description
   * {@code "Unable to invoke -[SERVICE SELECTOR] - it does not respond to the selector"}.
   *
   * @param selector the selector the peer invoked
   * @param serviceIdentifier the service (class or identifier) that does not implement it
   * @return the exception to throw from a handler
   */
  public static DtxUnrecognizedSelectorException forSelector(String selector, String serviceIdentifier) {
    return new DtxUnrecognizedSelectorException(new NSError(DTX_DOMAIN, 1,
        userInfo("Unable to invoke -[" + serviceIdentifier + " " + selector + "] - it does not respond to the "
            + "selector")));
  }
}
