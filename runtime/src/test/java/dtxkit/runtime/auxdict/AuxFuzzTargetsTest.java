package dtxkit.runtime.auxdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for the aux decoder: {@link AuxCodec#decode} and
 * {@link AuxCodec#decodeArguments}, seeded with the aux section of every message in the recorded DTX fixtures and a
 * built aux with every value type. Only {@link DtxProtocolException}s may escape, the decoder never moves the
 * buffer's indices, and what decodes
 * encodes to bytes that decode and encode to the same bytes again.
 */
class AuxFuzzTargetsTest {

  static Stream<Arguments> auxSections() {
    List<Arguments> out = new ArrayList<>();
    out.add(FuzzSeeds.named("built", builtAux()));
    for (String name : FuzzSeeds.DTX) {
      int i = 0;
      for (byte[][] section : FuzzSeeds.dtxSections(FuzzSeeds.fixture("dtx", name))) {
        if (section[0].length > 0 && i < 30) {
          out.add(FuzzSeeds.named(name + "#aux" + i++, section[0]));
        }
      }
    }
    return out.stream();
  }

  @MethodSource("auxSections")
  @FuzzTest(maxDuration = "5m")
  void auxCodec(byte[] input) throws Exception {
    NoStderr.check(() -> auxCodecInput(input));
  }

  /** One input of {@link #auxCodec}. */
  private void auxCodecInput(byte[] input) throws Exception {
    ByteBuf in = Unpooled.wrappedBuffer(input);
    AuxValue.Dictionary dictionary = null;
    try {
      dictionary = AuxCodec.decode(in, 7);
    } catch (DtxProtocolException expected) {
      // Refused.
    }
    assertEquals(0, in.readerIndex(), "decode moved the reader index");
    try {
      AuxCodec.decodeArguments(in, 7);
    } catch (DtxProtocolException expected) {
      // Refused, also for a dictionary whose keys are not null.
    }
    if (dictionary != null) {
      // Encoding what was decoded, then decoding and encoding that again, gives the same bytes (the first encoding
      // may differ from the input only where the input held malformed UTF-8).
      ByteBuf once = AuxCodec.encode(dictionary, Unpooled.buffer().alloc());
      ByteBuf twice = null;
      try {
        twice = AuxCodec.encode(AuxCodec.decode(once, 0), Unpooled.buffer().alloc());
        assertEquals(once, twice, "aux re-encoding is not stable");
      } catch (DtxProtocolException e) {
        throw new AssertionError("the encoding of a decoded aux does not decode", e);
      } finally {
        once.release();
        if (twice != null) {
          twice.release();
        }
      }
    }
  }

  static byte[] builtAux() {
    AuxValue.Dictionary nested = new AuxValue.Dictionary(AuxValue.Dictionary.DEFAULT_FLAGS,
        List.of(new AuxEntry(AuxValue.string("k"), AuxValue.int32(1))));
    return FuzzSeeds.drain(AuxCodec.encodeArguments(List.of(AuxValue.string("com.apple.instruments"),
        AuxValue.int32(-1), AuxValue.int64(1L << 40), AuxValue.float64(2.5),
        AuxValue.buffer(new byte[] {'b', 'p', 'l', 'i', 's', 't'}), AuxValue.NULL, nested),
        Unpooled.buffer().alloc()));
  }
}
