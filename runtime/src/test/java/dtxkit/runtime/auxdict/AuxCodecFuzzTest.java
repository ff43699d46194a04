package dtxkit.runtime.auxdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.Mutations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of a built aux (every value type, a nested dictionary) fed to {@link AuxCodec#decode} and
 * {@link AuxCodec#decodeArguments}: only {@link DtxProtocolException}s escape, whatever lengths the bytes declare.
 */
class AuxCodecFuzzTest {

  private static byte[] aux() {
    AuxValue.Dictionary nested = new AuxValue.Dictionary(AuxValue.Dictionary.DEFAULT_FLAGS,
        List.of(new AuxEntry(AuxValue.string("k"), AuxValue.int32(1))));
    ByteBuf b = AuxCodec.encodeArguments(List.of(AuxValue.string("com.apple.instruments"), AuxValue.int32(-1),
        AuxValue.int64(1L << 40), AuxValue.float64(2.5), AuxValue.buffer(new byte[] {'b', 'p', 'l', 'i', 's', 't'}),
        AuxValue.NULL, nested), Unpooled.buffer().alloc());
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  @Test
  void theBuiltAuxDecodes() throws DtxProtocolException {
    assertEquals(7, AuxCodec.decodeArguments(Unpooled.wrappedBuffer(aux()), 0).size());
  }

  @Test
  void mutatedAuxOnlyFailsAsProtocolErrors() {
    byte[] seed = aux();
    int rejected = Mutations.feedAll(Mutations.of(seed, seed.length, 3000, 11), bytes -> {
      AuxCodec.decode(Unpooled.wrappedBuffer(bytes), 100);
      AuxCodec.decodeArguments(Unpooled.wrappedBuffer(bytes), 100);
    }, DtxProtocolException.class);
    assertTrue(rejected > seed.length, "only " + rejected + " rejected");
  }

  @Test
  void randomBytesAfterADictionaryTagOnlyFailAsProtocolErrors() {
    byte[] prefix = {(byte) 0xF0, 0x01, 0, 0, 0, 0, 0, 0};
    Mutations.feedAll(Mutations.random(prefix, 3000, 100, 12), bytes -> {
      AuxCodec.decode(Unpooled.wrappedBuffer(bytes), 0);
    }, DtxProtocolException.class);
  }

  /** Dictionaries nested far past the depth limit, each declaring a sane length, stop at the limit, not the stack. */
  @Test
  void deepNestingIsRefusedAtTheDepthLimit() {
    int depth = 20_000;
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < depth; i++) {
      b.writeIntLE(0x1F0).writeIntLE(0).writeLongLE((long) (depth - 1 - i) * 20 + 4 + 4);
      b.writeIntLE(AuxValue.TAG_NULL);
    }
    b.writeIntLE(AuxValue.TAG_NULL).writeIntLE(AuxValue.TAG_NULL);
    byte[] bytes = ByteBufUtil.getBytes(b);
    b.release();
    DtxProtocolException e = assertThrows(DtxProtocolException.class,
        () -> AuxCodec.decode(Unpooled.wrappedBuffer(bytes), 0));
    assertTrue(e.getMessage().contains("aux dictionary depth"), e.getMessage());
  }
}
