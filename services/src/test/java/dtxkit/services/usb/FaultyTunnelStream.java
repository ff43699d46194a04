package dtxkit.services.usb;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.tunnel.tcp.FaultInjector;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;

/**
 * The device's side of a CoreDeviceProxy stream (after TLS) with faults between it and the host: the CDTunnel
 * handshake passes as it is; then the IPv6 packets are cut out of the byte stream by their payload-length field,
 * each direction's {@link FaultInjector} loses, duplicates, holds back (reorders) and drops oversized ones, and what
 * is left goes on re-chunked at random: the device's reads and the writes to the host end anywhere (inside a packet
 * or several packets later), so writes are split and merged. Seeded, so a run can be replayed.
 */
final class FaultyTunnelStream implements DtxTransport {
  /** CDTunnel's frame: the magic {@code CDTunnel}, a 2-byte big-endian length, the JSON. */
  private static final int FRAME_HEADER = 10;
  private static final int IPV6_HEADER = 40;

  private final DtxTransport tls;
  private final FaultyInput input;
  private final FaultyOutput output;

  FaultyTunnelStream(DtxTransport tls, FaultInjector toDevice, FaultInjector toHost, long seed, int maxChunk)
      throws IOException {
    this.tls = tls;
    this.input = new FaultyInput(tls.input(), toDevice, new Random(seed), maxChunk);
    this.output = new FaultyOutput(tls.output(), toHost, new Random(seed * 31 + 7), maxChunk);
  }

  @Override
  public InputStream input() {
    return input;
  }

  @Override
  public OutputStream output() {
    return output;
  }

  @Override
  public void close() throws IOException {
    tls.close();
  }

  @Override
  public String description() {
    return tls.description() + " (with faults)";
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  /** The host's bytes as the device reads them: packets through the faults, in reads of random length. */
  private static final class FaultyInput extends InputStream {
    private final InputStream in;
    private final FaultInjector faults;
    private final Random random;
    private final int maxChunk;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int headOffset;
    private boolean handshakeDone;

    FaultyInput(InputStream in, FaultInjector faults, Random random, int maxChunk) {
      this.in = in;
      this.faults = faults;
      this.random = random;
      this.maxChunk = maxChunk;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (pending.isEmpty()) {
        if (!next()) {
          return -1;
        }
      }
      byte[] head = pending.peek();
      int n = Math.min(Math.min(len, 1 + random.nextInt(maxChunk)), head.length - headOffset);
      System.arraycopy(head, headOffset, b, off, n);
      headOffset += n;
      if (headOffset == head.length) {
        pending.poll();
        headOffset = 0;
      }
      return n;
    }

    /** Reads the handshake frame or one packet and queues what the faults let through; false at the end. */
    private boolean next() throws IOException {
      byte[] header = new byte[handshakeDone ? IPV6_HEADER : FRAME_HEADER];
      int got = in.readNBytes(header, 0, header.length);
      if (got == 0) {
        return false;
      }
      if (got < header.length) {
        throw new EOFException("the host's stream ended inside a header");
      }
      int rest = handshakeDone ? u16(header, 4) : u16(header, 8);
      byte[] whole = Arrays.copyOf(header, header.length + rest);
      if (in.readNBytes(whole, header.length, rest) < rest) {
        throw new EOFException("the host's stream ended inside a packet");
      }
      if (!handshakeDone) {
        handshakeDone = true;
        pending.add(whole);
      } else {
        pending.addAll(faults.apply(whole));
      }
      return true;
    }
  }

  /** The device's bytes on their way to the host: packets through the faults, written in chunks of random length. */
  private static final class FaultyOutput extends OutputStream {
    private final OutputStream out;
    private final FaultInjector faults;
    private final Random random;
    private final int maxChunk;
    private byte[] acc = new byte[64 * 1024];
    private int size;
    private boolean handshakeDone;

    FaultyOutput(OutputStream out, FaultInjector faults, Random random, int maxChunk) {
      this.out = out;
      this.faults = faults;
      this.random = random;
      this.maxChunk = maxChunk;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      if (size + len > acc.length) {
        acc = Arrays.copyOf(acc, Math.max(acc.length * 2, size + len));
      }
      System.arraycopy(b, off, acc, size, len);
      size += len;
      ByteArrayOutputStream through = new ByteArrayOutputStream();
      int start = 0;
      while (true) {
        int header = handshakeDone ? IPV6_HEADER : FRAME_HEADER;
        if (size - start < header) {
          break;
        }
        int total = header + (handshakeDone ? u16(acc, start + 4) : u16(acc, start + 8));
        if (size - start < total) {
          break;
        }
        byte[] whole = Arrays.copyOfRange(acc, start, start + total);
        start += total;
        if (!handshakeDone) {
          handshakeDone = true;
          through.write(whole);
        } else {
          for (byte[] p : faults.apply(whole)) {
            through.write(p);
          }
        }
      }
      System.arraycopy(acc, start, acc, 0, size - start);
      size -= start;
      byte[] passed = through.toByteArray();
      for (int o = 0; o < passed.length; ) {
        int n = Math.min(passed.length - o, 1 + random.nextInt(maxChunk));
        out.write(passed, o, n);
        o += n;
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
