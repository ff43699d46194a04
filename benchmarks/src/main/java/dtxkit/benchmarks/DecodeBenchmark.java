package dtxkit.benchmarks;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.wire.DtxFragmentEncoder;
import dtxkit.runtime.wire.DtxLimits;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageDecoder;
import dtxkit.runtime.wire.DtxMessageType;
import dtxkit.runtime.wire.DtxOutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding one 64 MiB DTX message sent in 128 KiB fragments (a header-only fragment 0 and 512 body fragments),
 * against a plain copy of the same bytes.
 *
 * <ul>
 *   <li>{@link #baselineCopy}: {@code System.arraycopy} of the whole stream into a preallocated array, the floor for
 *       anything that touches every byte once;
 *   <li>{@link #decodeOneBuffer}: the stream arrives as one buffer: the decoder keeps zero-copy slices, so this
 *       measures framing and reassembly only;
 *   <li>{@link #decodeIn64KiBReads}: the stream arrives in 64 KiB pieces, as socket reads do, so fragments straddle
 *       reads and the decoder must merge pieces (copying);
 *   <li>{@link #decodeIn64KiBReadsToArray}: the same, then the payload copied out to a {@code byte[]}, which is what
 *       an application that wants the bytes pays.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DecodeBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class DecodeBenchmark {

  /** Message body size: payload header + payload. */
  static final int BODY = 64 << 20;
  /** Size of one simulated socket read. */
  static final int READ = 64 << 10;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private ByteBuf wire;
  private byte[] wireBytes;
  private byte[] copyTarget;
  private byte[] payloadTarget;

  /** Encodes the message once with dtxkit's own encoder. */
  @Setup
  public void setUp() {
    byte[] payload = new byte[BODY - 16];
    new Random(42).nextBytes(payload);
    DtxOutboundMessage out = new DtxFragmentEncoder().encode(
        DtxMessage.builder(DtxMessageType.DATA).identifier(1).channelCode(1).payload(Unpooled.wrappedBuffer(payload))
            .build());
    wire = Unpooled.buffer((int) out.wireLength());
    while (out.hasNextFragment()) {
      ByteBuf fragment = out.nextFragment();
      wire.writeBytes(fragment);
      fragment.release();
    }
    wireBytes = new byte[wire.readableBytes()];
    wire.getBytes(0, wireBytes);
    copyTarget = new byte[wireBytes.length];
    payloadTarget = new byte[BODY - 16];
  }

  /** Releases the encoded stream. */
  @TearDown
  public void tearDown() {
    wire.release();
  }

  /** Baseline: copy the same bytes once. */
  @Benchmark
  public byte[] baselineCopy() {
    System.arraycopy(wireBytes, 0, copyTarget, 0, wireBytes.length);
    return copyTarget;
  }

  /** Decode with the whole stream in one buffer (zero-copy reassembly). */
  @Benchmark
  public void decodeOneBuffer(Blackhole bh) throws DtxProtocolException {
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), alloc)) {
      decoder.decode(wire.retainedDuplicate(), m -> {
        bh.consume(m.payload().readableBytes());
        m.release();
      });
    }
  }

  /** Decode with the stream fed in 64 KiB reads. */
  @Benchmark
  public void decodeIn64KiBReads(Blackhole bh) throws DtxProtocolException {
    feedInReads(m -> bh.consume(m.payload().readableBytes()));
  }

  /** Decode with the stream fed in 64 KiB reads, then copy the payload out. */
  @Benchmark
  public byte[] decodeIn64KiBReadsToArray() throws DtxProtocolException {
    feedInReads(m -> m.payload().getBytes(m.payload().readerIndex(), payloadTarget));
    return payloadTarget;
  }

  /**
   * Decode with the stream fed in 64 KiB reads, and take the payload over as a DATA message's listener gets it
   * ({@link DtxMessage#payloadBytesHandedOver()}: the array a large message is reassembled into, not a copy).
   */
  @Benchmark
  public byte[] decodeIn64KiBReadsHandedOver() throws DtxProtocolException {
    byte[][] out = new byte[1][];
    feedInReads(m -> out[0] = m.payloadBytesHandedOver());
    return out[0];
  }

  private void feedInReads(java.util.function.Consumer<DtxMessage> use) throws DtxProtocolException {
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), alloc)) {
      int length = wire.readableBytes();
      for (int at = 0; at < length; at += READ) {
        ByteBuf read = alloc.heapBuffer(Math.min(READ, length - at));
        read.writeBytes(wire, at, Math.min(READ, length - at));
        decoder.decode(read, m -> {
          try {
            use.accept(m);
          } finally {
            m.release();
          }
        });
      }
    }
  }
}
