package dtxkit.runtime.tunnel.tcp;

import dtxkit.runtime.DtxProtocolException;

/**
 * A packet that is not a well-formed IPv6 TCP segment: a bad version, length, header length, option or checksum.
 * The offset is the byte's offset inside the packet. A {@link TcpStack} drops such a packet and counts it, as a
 * network stack does; the parser throws so that tests and tools see what is wrong.
 */
public class TcpSegmentException extends DtxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code bad FIELD ACTUAL (expected EXPECTED) at offset OFFSET}.
   *
   * @param field e.g. {@code "TCP checksum"}
   * @param expected what is allowed
   * @param actual what was found
   * @param offset the offset inside the packet
   */
  public TcpSegmentException(String field, String expected, String actual, long offset) {
    super(field, expected, actual, offset);
  }
}
