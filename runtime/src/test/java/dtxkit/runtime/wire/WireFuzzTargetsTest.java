package dtxkit.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.testing.CountingAllocator;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz targets (Jazzer) for the DTX wire: the fragment and message decoder, fed in seeded pieces,
 * with each decoded message's aux and archive decoded next as a connection does; and the LZ4 block stream decoder.
 * Under {@code mvn verify} they replay their seeds (every recorded DTX fixture) and the inputs under
 * {@code WireFuzzTargetsTestInputs}; {@code docs/fuzzing.md} says how to fuzz them.
 *
 * <p>A finding is anything but a {@link DtxProtocolException} escaping, a decoder that failed without releasing
 * what it held, a buffer not released after the input (counted by {@link CountingAllocator}), or an allocation
 * larger than what the input can decode to.
 */
class WireFuzzTargetsTest {

  private static final DtxLimits LIMITS = DtxLimits.builder()
      .maxMessageBytes(1 << 20).maxBufferedBytes(4 << 20).maxMessagesInFlight(8).build();

  static Stream<Arguments> dtxStreams() {
    Stream<Arguments> fixtures = FuzzSeeds.fixtures("dtx", FuzzSeeds.DTX);
    // Each fragment of the recordings on its own too: short seeds the fuzzer mutates faster.
    Stream<Arguments> fragments = FuzzSeeds.DTX.stream().flatMap(name -> {
      List<byte[]> parts = FuzzSeeds.dtxFragments(FuzzSeeds.fixture("dtx", name));
      List<Arguments> out = new ArrayList<>();
      for (int i = 0; i < parts.size() && i < 40; i++) {
        if (parts.get(i).length <= 4096) {
          out.add(FuzzSeeds.named(name + "#" + i, parts.get(i)));
        }
      }
      return out.stream();
    });
    return Stream.concat(fixtures, fragments);
  }

  @MethodSource("dtxStreams")
  @FuzzTest(maxDuration = "5m")
  void dtxMessageDecoder(byte[] input) throws Exception {
    NoStderr.check(() -> dtxMessageDecoderInput(input));
  }

  /** One input of {@link #dtxMessageDecoder}. */
  private void dtxMessageDecoderInput(byte[] input) throws Exception {
    CountingAllocator alloc = new CountingAllocator();
    List<DtxMessage> messages = new ArrayList<>();
    DtxMessageDecoder decoder = new DtxMessageDecoder(LIMITS, alloc);
    try {
      int from = 0;
      for (int to : FuzzSeeds.splits(input)) {
        ByteBuf piece = alloc.heapBuffer(Math.max(1, to - from)).writeBytes(input, from, to - from);
        from = to;
        try {
          decoder.decode(piece, messages::add);
        } catch (DtxProtocolException e) {
          assertEquals(DtxMessageDecoder.State.FAILED, decoder.state());
          assertEquals(0, decoder.bufferedBytes());
          assertEquals(0, decoder.messagesInFlight());
          break;
        }
      }
      for (DtxMessage m : messages) {
        assertTrue(m.payload().readableBytes() <= LIMITS.maxMessageBytes(), m.toString());
        if (m.aux().isReadable()) {
          try {
            AuxCodec.decode(m.aux().duplicate(), m.streamOffset());
            AuxCodec.decodeArguments(m.aux().duplicate(), m.streamOffset());
          } catch (DtxProtocolException expected) {
            // A bad aux fails the message, not the stream.
          }
        }
        byte[] payload = m.payloadBytes();
        if (payload.length > 8 && payload[0] == 'b' && payload[1] == 'p') {
          try {
            NSKeyedUnarchiver.unarchive(payload);
          } catch (DtxProtocolException expected) {
            // A bad archive fails the message.
          }
        }
      }
    } finally {
      messages.forEach(DtxMessage::release);
      decoder.close();
    }
    assertEquals(0, alloc.live(), "buffers not released");
    // Nothing bigger than the input, or than what it can decompress to (LZ4 expands at most 255 times).
    assertTrue(alloc.largest() <= Math.min(255L * input.length + 1024, LIMITS.maxMessageBytes() + input.length),
        "largest allocation " + alloc.largest() + " for " + input.length + " bytes");
  }

  static Stream<Arguments> lz4Streams() {
    List<Arguments> out = new ArrayList<>();
    out.add(FuzzSeeds.named("built", builtBlockStream()));
    for (String name : FuzzSeeds.DTX) {
      int i = 0;
      for (byte[][] section : FuzzSeeds.dtxSections(FuzzSeeds.fixture("dtx", name))) {
        if (Lz4BlockStream.looksCompressed(Unpooled.wrappedBuffer(section[1]))) {
          out.add(FuzzSeeds.named(name + "#payload" + i++, section[1]));
        }
      }
    }
    return out.stream();
  }

  @MethodSource("lz4Streams")
  @FuzzTest(maxDuration = "5m")
  void lz4BlockStream(byte[] input) throws Exception {
    NoStderr.check(() -> lz4BlockStreamInput(input));
  }

  /** One input of {@link #lz4BlockStream}. */
  private void lz4BlockStreamInput(byte[] input) throws Exception {
    CountingAllocator alloc = new CountingAllocator();
    long limit = 1 << 20;
    try {
      ByteBuf out = Lz4BlockStream.decode(Unpooled.wrappedBuffer(input), limit, 0, alloc);
      assertTrue(out.readableBytes() <= limit);
      out.release();
    } catch (DtxProtocolException expected) {
      // Refused.
    }
    assertEquals(0, alloc.live(), "buffers not released");
    assertTrue(alloc.largest() <= Math.min(limit, 255L * input.length), "largest allocation " + alloc.largest());
  }

  /** Two linked LZ4 blocks and a raw block behind the decoded size, as Apple writes them. */
  static byte[] builtBlockStream() {
    byte[] text = new byte[3000];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) ("dtxkit fuzz ".charAt(i % 12) + i / 500);
    }
    var compressor = LZ4Factory.fastestJavaInstance().fastCompressor();
    ByteBuf b = Unpooled.buffer();
    b.writeIntLE(text.length + 100);
    for (int part = 0; part < 2; part++) {
      byte[] compressed = compressor.compress(text, part * 1500, 1500);
      b.writeIntLE(Lz4BlockStream.MAGIC_LZ4).writeIntLE(1500).writeIntLE(compressed.length).writeBytes(compressed);
    }
    b.writeIntLE(Lz4BlockStream.MAGIC_RAW).writeIntLE(100).writeBytes(text, 0, 100);
    b.writeIntLE(Lz4BlockStream.MAGIC_END);
    return FuzzSeeds.drain(b);
  }
}
