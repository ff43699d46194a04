package dtxkit.runtime.tunnel;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.tunnel.tcp.PacketLink;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Back-to-back bare IPv6 packets on a byte stream, as CoreDeviceProxy carries them after the {@link CdTunnel}
 * handshake: each packet is split off by its header's payload-length field (bytes 4-5: the 40-byte header plus that
 * many bytes), so a read may end inside a packet or hold several.
 *
 * <p>A header whose version is not 6, or whose payload length is 0 (a jumbogram, which the tunnel never carries),
 * or a packet larger than the configured maximum (checked before anything is allocated) is a
 * {@link TunnelProtocolException} / {@link DtxLimitExceededException} naming the field and the stream offset: the
 * stream can no longer be trusted. A stream that ends inside a packet is an {@link EOFException} with the offset.
 *
 * <p>{@link #read()} is for one thread at a time, {@link #write}/{@link #flush()} for another.
 */
public final class Ipv6PacketStream implements PacketLink {
  /** The IPv6 fixed header's length. */
  public static final int HEADER = 40;

  private final InputStream in;
  private final OutputStream out;
  private final Closeable closer;
  private final int maxPacketBytes;
  private final String description;
  private final byte[] buf;
  private int start;
  private int end;
  /** The stream offset of {@code buf[start]}. */
  private volatile long offset;

  /**
   * @param in the stream from the peer, positioned at a packet boundary
   * @param out the stream to the peer
   * @param closer closes both (e.g. the TLS transport)
   * @param maxPacketBytes the largest packet accepted (header included), at least 1280
   * @param streamOffset the stream offset of the first packet (where the handshake ended), for error messages
   * @param description for logs
   */
  public Ipv6PacketStream(InputStream in, OutputStream out, Closeable closer, int maxPacketBytes, long streamOffset,
      String description) {
    this.in = Objects.requireNonNull(in, "in");
    this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 64 * 1024);
    this.closer = Objects.requireNonNull(closer, "closer");
    if (maxPacketBytes < CdTunnel.MIN_MTU || maxPacketBytes > CdTunnel.MAX_MTU) {
      throw new IllegalArgumentException("maxPacketBytes " + maxPacketBytes + " not in " + CdTunnel.MIN_MTU + ".."
          + CdTunnel.MAX_MTU);
    }
    this.maxPacketBytes = maxPacketBytes;
    this.offset = streamOffset;
    this.description = Objects.requireNonNull(description, "description");
    this.buf = new byte[Math.max(64 * 1024, maxPacketBytes)];
  }

  /** The stream offset of the next packet. */
  public long offset() {
    return offset;
  }

  @Override
  public byte[] read() throws IOException {
    if (!fill(HEADER, true)) {
      return null;
    }
    int version = (buf[start] & 0xF0) >>> 4;
    if (version != 6) {
      throw new TunnelProtocolException("IPv6 version", "6", Integer.toString(version), offset);
    }
    int payload = ((buf[start + 4] & 0xFF) << 8) | (buf[start + 5] & 0xFF);
    if (payload == 0) {
      throw new TunnelProtocolException("IPv6 payload length", "1..65535 (no jumbograms)", "0", offset + 4);
    }
    int total = HEADER + payload;
    if (total > maxPacketBytes) {
      throw new DtxLimitExceededException("IPv6 packet bytes", maxPacketBytes, total, offset + 4);
    }
    fill(total, false);
    byte[] packet = new byte[total];
    System.arraycopy(buf, start, packet, 0, total);
    start += total;
    offset += total;
    return packet;
  }

  /** Makes {@code n} bytes available from {@code start}; false at a clean end when {@code atBoundary}. */
  private boolean fill(int n, boolean atBoundary) throws IOException {
    if (end - start >= n) {
      return true;
    }
    if (buf.length - start < n) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    while (end - start < n) {
      int r = in.read(buf, end, buf.length - end);
      if (r < 0) {
        if (atBoundary && end == start) {
          return false;
        }
        throw new EOFException(description + ": the stream ended inside an IPv6 packet, " + (end - start)
            + " of " + (atBoundary ? "its 40 header" : Integer.toString(n)) + " bytes read, at offset "
            + (offset + (end - start)));
      }
      end += r;
    }
    return true;
  }

  @Override
  public void write(byte[] packet, int off, int length) throws IOException {
    if (length < HEADER || length > maxPacketBytes) {
      throw new IllegalArgumentException("a packet of " + length + " bytes (expected " + HEADER + ".."
          + maxPacketBytes + ")");
    }
    out.write(packet, off, length);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    closer.close();
  }
}
