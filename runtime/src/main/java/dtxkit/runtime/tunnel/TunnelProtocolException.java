package dtxkit.runtime.tunnel;

import dtxkit.runtime.DtxProtocolException;

/**
 * The tunnel's peer broke the CoreDeviceProxy protocol: a bad {@code CDTunnel} magic or length, a handshake that is
 * not the expected JSON, or a packet stream that is not back-to-back IPv6 packets. Always fatal to the tunnel.
 */
public class TunnelProtocolException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code bad FIELD ACTUAL (expected EXPECTED) at offset OFFSET}.
   *
   * @param field the field, e.g. {@code "CDTunnel magic"}
   * @param expected what is allowed
   * @param actual what was found
   * @param offset the stream offset of the field, or {@link #UNKNOWN_OFFSET}
   */
  public TunnelProtocolException(String field, String expected, String actual, long offset) {
    super(field, expected, actual, offset);
  }

  /**
   * A free-form description.
   *
   * @param field the field at fault
   * @param description what is wrong
   * @param offset the stream offset, or {@link #UNKNOWN_OFFSET}
   * @param cause the underlying error, or null
   */
  public TunnelProtocolException(String field, String description, long offset, Throwable cause) {
    super(field, description, offset, true, cause);
  }
}
