package dtxkit.runtime;

import dtxkit.runtime.archive.NSError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The peer answered a call with an ERROR message carrying an NSError: its {@link #domain()}, {@link #code()} and
 * {@link #userInfo()}. A handler throws one of these to make the connection reply ERROR with exactly that NSError.
 *
 * <p>When the NSError says the peer "does not respond to the selector", the exception is the subtype
 * {@link DtxUnrecognizedSelectorException}; {@link #of(NSError)} picks the type.
 */
public class DtxRemoteException extends DtxException {
  private static final long serialVersionUID = 1L;

  /** The domain the connection uses for errors it makes itself (as the device does for DTX-level failures). */
  public static final String DTX_DOMAIN = "DTXMessage";

  private final transient NSError nsError;

  /**
   * An exception carrying {@code nsError}.
   *
   * @param nsError the error the peer sent (or that a handler wants sent)
   */
  public DtxRemoteException(NSError nsError) {
    super(describe(Objects.requireNonNull(nsError, "nsError")));
    this.nsError = nsError;
  }

  /**
   * An exception with an NSError built from its parts; {@code description} becomes
   * {@code NSLocalizedDescription}.
   *
   * @param domain the error domain
   * @param code the error code
   * @param description the localized description, or null for none
   */
  public DtxRemoteException(String domain, long code, String description) {
    this(new NSError(domain, code, description == null ? null : userInfo(description)));
  }

  /**
   * The right exception type for an NSError the peer sent: {@link DtxUnrecognizedSelectorException} when its
   * description says the peer does not respond to the selector, else {@link DtxRemoteException}.
   *
   * @param nsError the decoded NSError
   * @return the exception
   */
  public static DtxRemoteException of(NSError nsError) {
    String d = nsError.localizedDescription();
    return d != null && d.contains(DtxUnrecognizedSelectorException.MARKER)
        ? new DtxUnrecognizedSelectorException(nsError)
        : new DtxRemoteException(nsError);
  }

  /** The NSError's domain, e.g. {@code "DTXMessage"} or {@code "NSCocoaErrorDomain"}. */
  public String domain() {
    return nsError.domain();
  }

  /** The NSError's code. */
  public long code() {
    return nsError.code();
  }

  /** The NSError's user info (empty when the NSError had none); unmodifiable. */
  public Map<String, Object> userInfo() {
    return nsError.userInfo() == null ? Map.of() : nsError.userInfo();
  }

  /** The decoded NSError, as sent. */
  public NSError nsError() {
    return nsError;
  }

  static Map<String, Object> userInfo(String description) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("NSLocalizedDescription", description);
    return info;
  }

  private static String describe(NSError e) {
    String d = e.localizedDescription();
    return e.domain() + " " + e.code() + (d == null ? "" : ": " + d);
  }
}
