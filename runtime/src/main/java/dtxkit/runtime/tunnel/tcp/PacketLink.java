package dtxkit.runtime.tunnel.tcp;

import java.io.Closeable;
import java.io.IOException;

/**
 * A link that carries whole IPv6 packets: CoreDeviceProxy's stream ({@link dtxkit.runtime.tunnel.Ipv6PacketStream}),
 * a TUN device, or an in-memory pipe in tests. A {@link TcpStack} reads it from one thread and writes it from
 * another.
 */
public interface PacketLink extends Closeable {
  /**
   * Blocks for the next packet.
   *
   * @return the packet (owned by the caller), or null when the link has ended
   * @throws IOException when the link fails or carries something that is not a packet
   */
  byte[] read() throws IOException;

  /**
   * Writes one packet; it may be buffered until {@link #flush()}.
   *
   * @param packet the bytes
   * @param offset where the packet starts
   * @param length its length
   * @throws IOException when the link fails
   */
  void write(byte[] packet, int offset, int length) throws IOException;

  /**
   * Sends what {@link #write} buffered.
   *
   * @throws IOException when the link fails
   */
  void flush() throws IOException;

  /**
   * Whether {@link #write} and {@link #flush()} never wait for the peer (a TUN device queues or drops; a byte stream
   * blocks when the peer does not read). On such a link the stack's reader writes short queues itself, e.g. the ACK
   * of a segment it just received, instead of waking its writer thread; on any other a reader blocked in a write
   * could stop reading while the peer waits for it to.
   *
   * @return false unless the link says otherwise
   */
  default boolean writesNeverBlock() {
    return false;
  }

  /** For logs, e.g. {@code CoreDeviceProxy of 00008030-...}. */
  String description();

  /** Closes the link; unblocks a pending {@link #read()}. */
  @Override
  void close() throws IOException;
}
