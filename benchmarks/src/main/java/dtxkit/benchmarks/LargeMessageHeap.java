package dtxkit.benchmarks;

import dtxkit.runtime.DtxChannel;
import dtxkit.runtime.DtxChannelListener;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServer;
import dtxkit.runtime.DtxServiceRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The heap a connection takes while receiving one large message (issue 13: at most 1.5 × the message): a client sends
 * a 64 MiB DTX DATA message (fragmented as {@link BulkTransferBenchmark} does) to a {@link DtxServer} in this JVM,
 * whose channel listener receives it as one {@code byte[]}. Measured per message, after warm-up messages:
 *
 * <ul>
 *   <li><b>allocated</b>: the bytes every thread but the sending one allocated from the first fragment until the
 *       listener held the array (thread allocation counters: exact, whatever the load on the machine) — what the
 *       receiving side adds to the heap, garbage included;
 *   <li><b>pooled</b>: how much the default Netty allocator's heap grew meanwhile (read buffers come from there;
 *       memory it already held is reused, not allocated);
 *   <li><b>peak extra</b>: allocated + pool growth, which bounds the extra heap live at any moment, divided by the
 *       message size. The delivered array itself (1 ×) is part of it.
 * </ul>
 *
 * <p>Thread counters are per thread: {@code -Ddtxkit.bench.threads=1} lists the threads that allocated over 1 MiB.
 *
 * <p>Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar dtxkit.benchmarks.LargeMessageHeap [MiB] [messages]}
 * (defaults 64, 5).
 */
public final class LargeMessageHeap {
  private LargeMessageHeap() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int messages = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int size = mib << 20;
    byte[] data = new byte[size];
    SynchronousQueue<byte[]> received = new SynchronousQueue<>();
    DtxServiceRegistry registry = new DtxServiceRegistry().register("dtxkit.bench.sink", ch -> {
      ch.setListener(new DtxChannelListener() {
        @Override
        public void onData(byte[] bytes) {
          try {
            received.put(bytes);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      return invocation -> null;
    });
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    try (DtxServer server = DtxServer.builder(registry).start();
        DtxConnection client = DtxConnection.connect("127.0.0.1", server.port())) {
      DtxChannel channel = client.openChannel("dtxkit.bench.sink");
      // Warm-up: the pool grows to what a message needs, the code paths compile.
      for (int i = 0; i < 2; i++) {
        channel.sendData(data);
        received.poll(60, TimeUnit.SECONDS);
      }
      System.out.printf("message: %d MiB; per message, after 2 warm-up messages:%n", mib);
      for (int m = 0; m < messages; m++) {
        System.gc();
        long poolBefore = pooledHeap();
        long allocatedBefore = allocatedByOthers(threads, self);
        java.util.Map<String, Long> before = byThread(threads);
        channel.sendData(data);
        byte[] got = received.poll(60, TimeUnit.SECONDS);
        long allocated = allocatedByOthers(threads, self) - allocatedBefore;
        long pool = pooledHeap() - poolBefore;
        if (got == null || got.length != size) {
          throw new IllegalStateException("the message did not arrive whole");
        }
        if (System.getProperty("dtxkit.bench.threads") != null) {
          perThread(threads, before);
        }
        System.out.printf("  allocated by the receiving side %7.1f MiB, pool grew %6.1f MiB: peak extra heap at most "
            + "%.2f x the message%n", allocated / 1048576.0, pool / 1048576.0, (allocated + Math.max(0, pool))
            / (double) size);
      }
    }
  }

  private static java.util.Map<String, Long> byThread(com.sun.management.ThreadMXBean threads) {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null) {
        out.merge(t.getThreadName() + "#" + t.getThreadId(), threads.getThreadAllocatedBytes(t.getThreadId()),
            Long::sum);
      }
    }
    return out;
  }

  private static void perThread(com.sun.management.ThreadMXBean threads, java.util.Map<String, Long> before) {
    byThread(threads).forEach((name, bytes) -> {
      long d = bytes - before.getOrDefault(name, 0L);
      if (d > 1 << 20) {
        System.out.printf("    %-40s %7.1f MiB%n", name, d / 1048576.0);
      }
    });
  }

  /** The heap the default allocator holds (its pools), or 0 when it does not say. */
  private static long pooledHeap() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p ? p.metric().usedHeapMemory() : 0;
  }

  /** Bytes allocated so far by every live thread but {@code self}. */
  private static long allocatedByOthers(com.sun.management.ThreadMXBean threads, long self) {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    long sum = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] != self && bytes[i] > 0) {
        sum += bytes[i];
      }
    }
    return sum;
  }
}
