package dtxkit.benchmarks;

import dtxkit.runtime.tunnel.tcp.PacketLink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Two {@link PacketLink}s joined in memory (bounded queues of packets, no faults): two userspace TCP stacks talk
 * through it with no kernel and no TUN device, so what it costs is the stacks' own work.
 */
final class MemoryPacketLink implements PacketLink {
  private static final byte[] END = new byte[0];

  private final String name;
  private final ArrayBlockingQueue<byte[]> in;
  private final ArrayBlockingQueue<byte[]> out;
  private final List<byte[]> pending = new ArrayList<>();
  private volatile boolean closed;

  private MemoryPacketLink(String name, ArrayBlockingQueue<byte[]> in, ArrayBlockingQueue<byte[]> out) {
    this.name = name;
    this.in = in;
    this.out = out;
  }

  /** Two joined ends; each queue holds at most {@code capacity} packets (a writer waits for room). */
  static MemoryPacketLink[] pair(int capacity) {
    ArrayBlockingQueue<byte[]> ab = new ArrayBlockingQueue<>(capacity);
    ArrayBlockingQueue<byte[]> ba = new ArrayBlockingQueue<>(capacity);
    return new MemoryPacketLink[] {new MemoryPacketLink("memory A", ba, ab), new MemoryPacketLink("memory B", ab, ba)};
  }

  @Override
  public byte[] read() throws IOException {
    try {
      byte[] p = in.take();
      if (p == END) {
        in.offer(END);
        return null;
      }
      return p;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted reading " + name);
    }
  }

  @Override
  public void write(byte[] packet, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException(name + " is closed");
    }
    pending.add(offset == 0 && length == packet.length ? packet : Arrays.copyOfRange(packet, offset,
        offset + length));
  }

  @Override
  public void flush() throws IOException {
    try {
      for (byte[] p : pending) {
        if (!out.offer(p, 10, TimeUnit.SECONDS)) {
          throw new IOException(name + ": the other end read nothing for 10 s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted writing " + name);
    } finally {
      pending.clear();
    }
  }

  @Override
  public String description() {
    return name;
  }

  @Override
  public void close() {
    closed = true;
    in.clear();
    in.offer(END);
    out.offer(END);
  }
}
