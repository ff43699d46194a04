package dtxkit.runtime.tunnel.tcp;

import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two packet links joined in memory, with faults injected on the way (seeded, so a failure can be replayed): loss,
 * duplication, reordering, and packets over a size dropped.
 */
final class PacketPipe {
  /** What goes wrong between the two ends. */
  record Faults(double loss, double duplicate, double reorder, int dropAbove, long seed) {
    static final Faults NONE = new Faults(0, 0, 0, Integer.MAX_VALUE, 1);
  }

  private static final byte[] END = new byte[0];

  final End a;
  final End b;
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong duplicated = new AtomicLong();
  final AtomicLong reordered = new AtomicLong();
  volatile boolean blackhole;

  /** Whether the ends drop a packet when the other end's queue is full, as a TUN device does, instead of waiting. */
  final boolean neverBlock;

  PacketPipe(Faults faults) {
    this(faults, false);
  }

  PacketPipe(Faults faults, boolean neverBlock) {
    this.neverBlock = neverBlock;
    LinkedBlockingQueue<byte[]> toA = new LinkedBlockingQueue<>(8192);
    LinkedBlockingQueue<byte[]> toB = new LinkedBlockingQueue<>(8192);
    a = new End("pipe A", toA, toB, faults, faults.seed());
    b = new End("pipe B", toB, toA, faults, faults.seed() * 31 + 7);
  }

  final class End implements PacketLink {
    private final String name;
    private final LinkedBlockingQueue<byte[]> in;
    private final LinkedBlockingQueue<byte[]> out;
    private final Faults faults;
    private final Random random;
    private final List<byte[]> pending = new ArrayList<>();
    private byte[] held;
    private volatile boolean closed;

    End(String name, LinkedBlockingQueue<byte[]> in, LinkedBlockingQueue<byte[]> out, Faults faults, long seed) {
      this.name = name;
      this.in = in;
      this.out = out;
      this.faults = faults;
      this.random = new Random(seed);
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
        throw new java.io.InterruptedIOException();
      }
    }

    @Override
    public synchronized void write(byte[] packet, int offset, int length) throws IOException {
      if (closed) {
        throw new SocketException(name + " closed");
      }
      byte[] p = java.util.Arrays.copyOfRange(packet, offset, offset + length);
      if (blackhole || length > faults.dropAbove() || random.nextDouble() < faults.loss()) {
        dropped.incrementAndGet();
        return;
      }
      if (random.nextDouble() < faults.duplicate()) {
        duplicated.incrementAndGet();
        pending.add(p.clone());
      }
      if (held == null && random.nextDouble() < faults.reorder()) {
        reordered.incrementAndGet();
        held = p;
        return;
      }
      pending.add(p);
      if (held != null) {
        pending.add(held);
        held = null;
      }
    }

    @Override
    public synchronized void flush() throws IOException {
      try {
        for (byte[] p : pending) {
          if (neverBlock) {
            if (!out.offer(p)) {
              dropped.incrementAndGet();
            }
          } else if (!out.offer(p, 10, TimeUnit.SECONDS)) {
            throw new IOException(name + ": the peer reads nothing");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      } finally {
        pending.clear();
      }
    }

    @Override
    public boolean writesNeverBlock() {
      return neverBlock;
    }

    @Override
    public String description() {
      return name;
    }

    @Override
    public void close() {
      closed = true;
      in.offer(END);
      out.offer(END);
    }
  }
}
