package dtxkit.runtime.tunnel.tcp;

import dtxkit.runtime.DtxProtocolException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One IPv6 packet carrying a TCP segment: parsing with every check ({@link #parse}), building with the checksum over
 * the IPv6 pseudo-header ({@link #build}), and the checksum itself ({@link #checksum}). Immutable view over the
 * packet's bytes.
 */
public final class TcpSegment {
  /** IPv6 next-header value of TCP. */
  public static final int PROTOCOL_TCP = 6;
  /** IPv6 header length. */
  public static final int IPV6_HEADER = 40;
  /** TCP header length without options. */
  public static final int TCP_HEADER = 20;

  /** FIN flag. */
  public static final int FIN = 0x01;
  /** SYN flag. */
  public static final int SYN = 0x02;
  /** RST flag. */
  public static final int RST = 0x04;
  /** PSH flag. */
  public static final int PSH = 0x08;
  /** ACK flag. */
  public static final int ACK = 0x10;
  /** URG flag. */
  public static final int URG = 0x20;

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] packet;
  private final int srcPort;
  private final int dstPort;
  private final int seq;
  private final int ack;
  private final int flags;
  private final int window;
  private final int mss;
  private final int windowScale;
  private final boolean sackPermitted;
  private final int payloadOffset;
  private final int payloadLength;

  private TcpSegment(byte[] packet, int srcPort, int dstPort, int seq, int ack, int flags, int window, int mss,
      int windowScale, boolean sackPermitted, int payloadOffset, int payloadLength) {
    this.packet = packet;
    this.srcPort = srcPort;
    this.dstPort = dstPort;
    this.seq = seq;
    this.ack = ack;
    this.flags = flags;
    this.window = window;
    this.mss = mss;
    this.windowScale = windowScale;
    this.sackPermitted = sackPermitted;
    this.payloadOffset = payloadOffset;
    this.payloadLength = payloadLength;
  }

  /**
   * The IPv6 next-header field of a packet (6 for TCP without extension headers), or -1 when it is too short.
   *
   * @param packet a packet
   * @return the field
   */
  public static int nextHeader(byte[] packet) {
    return packet.length < IPV6_HEADER ? -1 : packet[6] & 0xFF;
  }

  /**
   * Parses and checks an IPv6 packet holding a TCP segment (no extension headers).
   *
   * @param packet the whole packet
   * @return the segment
   * @throws TcpSegmentException naming the first field that is wrong and its offset in the packet
   */
  public static TcpSegment parse(byte[] packet) throws TcpSegmentException {
    if (packet.length < IPV6_HEADER + TCP_HEADER) {
      throw new TcpSegmentException("packet length", ">= " + (IPV6_HEADER + TCP_HEADER),
          Integer.toString(packet.length), 0);
    }
    int version = (packet[0] & 0xF0) >>> 4;
    if (version != 6) {
      throw new TcpSegmentException("IPv6 version", "6", Integer.toString(version), 0);
    }
    int payload = u16(packet, 4);
    if (payload != packet.length - IPV6_HEADER) {
      throw new TcpSegmentException("IPv6 payload length", Integer.toString(packet.length - IPV6_HEADER),
          Integer.toString(payload), 4);
    }
    if ((packet[6] & 0xFF) != PROTOCOL_TCP) {
      throw new TcpSegmentException("IPv6 next header", "6 (TCP)", Integer.toString(packet[6] & 0xFF), 6);
    }
    int t = IPV6_HEADER;
    int dataOffset = ((packet[t + 12] & 0xF0) >>> 4) * 4;
    if (dataOffset < TCP_HEADER || dataOffset > payload) {
      throw new TcpSegmentException("TCP data offset", TCP_HEADER + ".." + Math.min(60, payload),
          Integer.toString(dataOffset), t + 12);
    }
    int expected = checksum(packet);
    int actual = u16(packet, t + 16);
    // 0x0000 and 0xFFFF are the same number in one's complement: a sender may write either when the sum of the
    // rest is 0xFFFF (Linux writes 0xFFFF; checksum() gives 0x0000). Refusing one would drop that packet and every
    // retransmission of it, the same bytes each time: a connection stalled for good (seen in a DTX round-trip run
    // through the kernel, about one packet in 65,536).
    if (expected != actual && !(expected == 0 && actual == 0xFFFF)) {
      throw new TcpSegmentException("TCP checksum", DtxProtocolException.hex16(expected),
          DtxProtocolException.hex16(actual), t + 16);
    }
    int mss = -1;
    int scale = -1;
    boolean sack = false;
    int o = t + TCP_HEADER;
    int optionsEnd = t + dataOffset;
    while (o < optionsEnd) {
      int kind = packet[o] & 0xFF;
      if (kind == 0) {
        break;
      }
      if (kind == 1) {
        o++;
        continue;
      }
      if (o + 1 >= optionsEnd) {
        throw new TcpSegmentException("TCP option " + kind + " length", "a length byte", "the header's end", o + 1);
      }
      int len = packet[o + 1] & 0xFF;
      if (len < 2 || o + len > optionsEnd) {
        throw new TcpSegmentException("TCP option " + kind + " length", "2.." + (optionsEnd - o),
            Integer.toString(len), o + 1);
      }
      switch (kind) {
        case 2 -> {
          if (len != 4) {
            throw new TcpSegmentException("TCP MSS option length", "4", Integer.toString(len), o + 1);
          }
          mss = u16(packet, o + 2);
        }
        case 3 -> {
          if (len != 3) {
            throw new TcpSegmentException("TCP window scale option length", "3", Integer.toString(len), o + 1);
          }
          scale = Math.min(14, packet[o + 2] & 0xFF);
        }
        case 4 -> sack = true;
        default -> {
          // Timestamps, SACK blocks and others: not used.
        }
      }
      o += len;
    }
    return new TcpSegment(packet, u16(packet, t), u16(packet, t + 2), i32(packet, t + 4), i32(packet, t + 8),
        packet[t + 13] & 0x3F, u16(packet, t + 14), mss, scale, sack, t + dataOffset, payload - dataOffset);
  }

  /**
   * Builds a packet: IPv6 header (hop limit 64), TCP header with the options given, payload, checksum.
   *
   * @param src the source address (16 bytes)
   * @param dst the destination address (16 bytes)
   * @param srcPort source port
   * @param dstPort destination port
   * @param seq sequence number
   * @param ack acknowledgment number
   * @param flags the flags ({@link #SYN}, {@link #ACK}...)
   * @param window the window field (already scaled down)
   * @param mss the MSS option's value, or -1 for none
   * @param windowScale the window scale option's shift, or -1 for none
   * @param payload the payload's array (null when {@code length} is 0)
   * @param offset where the payload starts
   * @param length the payload's length
   * @return the packet
   */
  public static byte[] build(byte[] src, byte[] dst, int srcPort, int dstPort, int seq, int ack, int flags,
      int window, int mss, int windowScale, byte[] payload, int offset, int length) {
    byte[] p = header(src, dst, srcPort, dstPort, seq, ack, flags, window, mss, windowScale, length);
    if (length > 0) {
      System.arraycopy(payload, offset, p, p.length - length, length);
    }
    put16(p, IPV6_HEADER + 16, checksum(p));
    return p;
  }

  /** {@link #build} with the payload copied straight from a connection's send buffer. */
  static byte[] build(byte[] src, byte[] dst, int srcPort, int dstPort, int seq, int ack, int flags, int window,
      ByteRing ring, int from, int length) {
    byte[] p = header(src, dst, srcPort, dstPort, seq, ack, flags, window, -1, -1, length);
    if (length > 0) {
      ring.peek(from, p, p.length - length, length);
    }
    put16(p, IPV6_HEADER + 16, checksum(p));
    return p;
  }

  private static byte[] header(byte[] src, byte[] dst, int srcPort, int dstPort, int seq, int ack, int flags,
      int window, int mss, int windowScale, int length) {
    int options = (mss >= 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0);
    int tcpLength = TCP_HEADER + options + length;
    byte[] p = new byte[IPV6_HEADER + tcpLength];
    p[0] = 0x60;
    p[4] = (byte) (tcpLength >>> 8);
    p[5] = (byte) tcpLength;
    p[6] = PROTOCOL_TCP;
    p[7] = 64;
    System.arraycopy(src, 0, p, 8, 16);
    System.arraycopy(dst, 0, p, 24, 16);
    int t = IPV6_HEADER;
    put16(p, t, srcPort);
    put16(p, t + 2, dstPort);
    put32(p, t + 4, seq);
    put32(p, t + 8, ack);
    p[t + 12] = (byte) (((TCP_HEADER + options) / 4) << 4);
    p[t + 13] = (byte) flags;
    put16(p, t + 14, window);
    int o = t + TCP_HEADER;
    if (mss >= 0) {
      p[o] = 2;
      p[o + 1] = 4;
      put16(p, o + 2, mss);
      o += 4;
    }
    if (windowScale >= 0) {
      p[o] = 1;
      p[o + 1] = 3;
      p[o + 2] = 3;
      p[o + 3] = (byte) windowScale;
      o += 4;
    }
    return p;
  }

  /**
   * The TCP checksum of a packet: the one's complement sum over the IPv6 pseudo-header (source, destination, upper
   * layer length, next header 6) and the TCP segment, with the checksum field counted as zero.
   *
   * @param p the packet
   * @return the checksum to put in bytes 56-57
   */
  public static int checksum(byte[] p) {
    long sum = 0;
    for (int i = 8; i < 40; i += 4) {
      sum += (int) INT.get(p, i) & 0xFFFFFFFFL;
    }
    int tcpLength = p.length - IPV6_HEADER;
    sum += tcpLength & 0xFFFFFFFFL;
    sum += PROTOCOL_TCP;
    // The TCP header's first 16 bytes, then bytes 18-19 (the checksum field, 16-17, counts as zero), then the rest.
    int end = p.length;
    int i = IPV6_HEADER;
    int limit = Math.min(end, IPV6_HEADER + 16) & ~3;
    for (; i < limit; i += 4) {
      sum += (int) INT.get(p, i) & 0xFFFFFFFFL;
    }
    if (end >= IPV6_HEADER + 20) {
      sum += u16(p, IPV6_HEADER + 18);
      i = IPV6_HEADER + 20;
      for (; i + 3 < end; i += 4) {
        sum += (int) INT.get(p, i) & 0xFFFFFFFFL;
      }
    }
    for (; i + 1 < end; i += 2) {
      if (i != IPV6_HEADER + 16) {
        sum += ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
      }
    }
    if (i < end) {
      sum += (p[i] & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  static int i32(byte[] b, int i) {
    return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
  }

  static void put16(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 8);
    b[i + 1] = (byte) v;
  }

  static void put32(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }

  /** The source address (16 bytes, a copy). */
  public byte[] source() {
    return Arrays.copyOfRange(packet, 8, 24);
  }

  /** The destination address (16 bytes, a copy). */
  public byte[] destination() {
    return Arrays.copyOfRange(packet, 24, 40);
  }

  /** True when the source address equals {@code address}. */
  boolean sourceIs(byte[] address) {
    return Arrays.equals(packet, 8, 24, address, 0, 16);
  }

  /** True when the destination address equals {@code address}. */
  boolean destinationIs(byte[] address) {
    return Arrays.equals(packet, 24, 40, address, 0, 16);
  }

  /** The source port. */
  public int sourcePort() {
    return srcPort;
  }

  /** The destination port. */
  public int destinationPort() {
    return dstPort;
  }

  /** The sequence number. */
  public int seq() {
    return seq;
  }

  /** The acknowledgment number. */
  public int ack() {
    return ack;
  }

  /** The flags. */
  public int flags() {
    return flags;
  }

  /** True when every flag in {@code f} is set. */
  public boolean has(int f) {
    return (flags & f) == f;
  }

  /** The window field as sent (before scaling). */
  public int window() {
    return window;
  }

  /** The MSS option, or -1. */
  public int mss() {
    return mss;
  }

  /** The window scale option's shift (at most 14), or -1. */
  public int windowScale() {
    return windowScale;
  }

  /** True when the SACK-permitted option is present. */
  public boolean sackPermitted() {
    return sackPermitted;
  }

  /** The whole packet (not a copy). */
  byte[] packet() {
    return packet;
  }

  /** Where the payload starts in the packet. */
  public int payloadOffset() {
    return payloadOffset;
  }

  /** The payload's length. */
  public int payloadLength() {
    return payloadLength;
  }

  /** The payload (a copy). */
  public byte[] payload() {
    return Arrays.copyOfRange(packet, payloadOffset, payloadOffset + payloadLength);
  }

  /** The sequence space the segment takes: its payload plus one each for SYN and FIN. */
  public int sequenceLength() {
    return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
  }

  /** e.g. {@code 51000 > 58783 [SA] seq=1 ack=2 win=65535 len=0}. */
  @Override
  public String toString() {
    StringBuilder f = new StringBuilder();
    String names = "FSRPAU";
    for (int i = 0; i < 6; i++) {
      if ((flags & (1 << i)) != 0) {
        f.append(names.charAt(i));
      }
    }
    return srcPort + " > " + dstPort + " [" + f + "] seq=" + Integer.toUnsignedString(seq) + " ack="
        + Integer.toUnsignedString(ack) + " win=" + window + " len=" + payloadLength
        + (mss >= 0 ? " mss=" + mss : "") + (windowScale >= 0 ? " wscale=" + windowScale : "");
  }
}
