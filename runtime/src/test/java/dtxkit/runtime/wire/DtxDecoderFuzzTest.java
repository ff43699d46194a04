package dtxkit.runtime.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.archive.NSKeyedUnarchiver;
import dtxkit.runtime.auxdict.AuxCodec;
import dtxkit.runtime.testing.Mutations;
import dtxkit.runtime.testing.RecordingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations of recorded DTX streams fed to {@link DtxMessageDecoder}, and of hand-built block streams fed to
 * {@link Lz4BlockStream}: only {@link DtxProtocolException}s escape, each decoder ends FAILED holding nothing, and
 * every message that does decode survives the aux and archive decoders the connection runs next. Leaks are caught by
 * the leak extension (buffers come from a tracked allocator).
 */
class DtxDecoderFuzzTest {

  private static final DtxLimits SMALL = DtxLimits.builder()
      .maxMessageBytes(1 << 20).maxBufferedBytes(4 << 20).maxMessagesInFlight(8).build();

  @ParameterizedTest
  @ValueSource(strings = {"dtactivitytapmessage.bin", "nsmutablestring.bin", "nsnull.bin",
      "requestChannelWithCodeIdentifier.bin", "unknown-d-h-h-message.bin", "notifyOfPublishedCapabilites",
      "conn-in2.dump"})
  void mutatedRecordedMessagesOnlyFailAsProtocolErrors(String fixture) {
    byte[] seed = DtxTesting.fixture(fixture);
    RecordingAllocator alloc = new RecordingAllocator();
    int rejected = Mutations.feedAll(Mutations.of(seed, 64, 300, fixture.hashCode()),
        bytes -> decodeEverything(bytes, alloc, new Random(bytes.length)), DtxProtocolException.class);
    assertTrue(rejected > 0, "no mutation of " + fixture + " was rejected");
    // Nothing bigger than what the bytes fed can hold, or decompress to (LZ4 expands at most 255 times).
    assertTrue(alloc.largest() <= 255L * seed.length + 1024, "largest allocation " + alloc.largest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lz4block.bin", "fragmentedmessage.bin"})
  void mutatedBigMessagesOnlyFailAsProtocolErrors(String fixture) {
    byte[] seed = DtxTesting.fixture(fixture);
    RecordingAllocator alloc = new RecordingAllocator();
    Mutations.feedAll(Mutations.of(seed, 48, 60, fixture.hashCode()),
        bytes -> decodeEverything(bytes, alloc, new Random(bytes.length)), DtxProtocolException.class);
    assertTrue(alloc.largest() <= SMALL.maxMessageBytes(), "largest allocation " + alloc.largest());
  }

  @Test
  void randomBytesAfterAMagicOnlyFailAsProtocolErrors() {
    byte[] magic = {(byte) 0x79, (byte) 0x5B, 0x3D, 0x1F};
    RecordingAllocator alloc = new RecordingAllocator();
    int rejected = Mutations.feedAll(Mutations.random(magic, 500, 200, 42),
        bytes -> decodeEverything(bytes, alloc, new Random(bytes.length)), DtxProtocolException.class);
    assertTrue(rejected > 0);
  }

  /** A header declaring a 4 GiB - 1 message is refused at once: nothing near that size is allocated. */
  @Test
  void hugeDeclaredMessageLengthIsRefusedBeforeAllocating() {
    ByteBuf header = Unpooled.buffer();
    header.writeIntLE(DtxFragmentHeader.MAGIC).writeIntLE(32).writeShortLE(0).writeShortLE(1)
        .writeIntLE(0xFFFFFFFF).writeIntLE(1).writeIntLE(0).writeIntLE(1).writeIntLE(0);
    byte[] bytes = ByteBufUtil.getBytes(header);
    header.release();
    RecordingAllocator alloc = new RecordingAllocator();
    DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), alloc);
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
        () -> decoder.decode(Unpooled.wrappedBuffer(bytes), m -> m.release()));
    assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    assertTrue(alloc.largest() < 1024, "allocated " + alloc.largest());
    assertEquals(DtxMessageDecoder.State.FAILED, decoder.state());
  }

  // ------------------------------------------------------------------ Lz4BlockStream

  /** A block stream of two linked LZ4 blocks and a raw block, as Apple writes them. */
  private static byte[] blockStream() {
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
    byte[] out = ByteBufUtil.getBytes(b);
    b.release();
    return out;
  }

  @Test
  void theBuiltBlockStreamDecodes() throws DtxProtocolException {
    ByteBuf in = Unpooled.wrappedBuffer(blockStream());
    ByteBuf out = Lz4BlockStream.decode(in, 1 << 20, 0, new RecordingAllocator());
    assertEquals(3100, out.readableBytes());
    out.release();
  }

  @Test
  void mutatedBlockStreamsOnlyFailAsProtocolErrors() {
    byte[] seed = blockStream();
    RecordingAllocator alloc = new RecordingAllocator();
    int rejected = Mutations.feedAll(Mutations.of(seed, 40, 1500, 7), bytes -> {
      ByteBuf in = Unpooled.wrappedBuffer(bytes);
      ByteBuf out = Lz4BlockStream.decode(in, 1 << 20, 100, alloc);
      out.release();
    }, DtxProtocolException.class);
    assertTrue(rejected > 0);
    assertTrue(alloc.largest() <= 1 << 20, "allocated " + alloc.largest());
  }

  /** Declared sizes over the limit are refused whatever the limit, also one past what a buffer can hold. */
  @Test
  void hugeDeclaredDecodedSizeIsRefusedBeforeAllocating() {
    RecordingAllocator alloc = new RecordingAllocator();
    for (long limit : new long[] {1 << 20, Integer.MAX_VALUE, Long.MAX_VALUE}) {
      byte[] stream = Mutations.putIntLE(blockStream(), 0, 0xFFFFFFFF);
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          () -> Lz4BlockStream.decode(Unpooled.wrappedBuffer(stream), limit, 0, alloc).release(), "limit " + limit);
      assertInstanceOf(DtxLimitExceededException.class, e, e.getMessage());
    }
    assertEquals(0, alloc.largest());
  }

  /**
   * A few bytes that claim the whole limit (a declared size, and a block claiming it from 4 encoded bytes, or a
   * raw block much smaller than it) are refused from the block headers: the declared size is never allocated.
   */
  @Test
  void aDeclaredSizeTheBlocksCannotProduceIsRefusedBeforeAllocating() {
    int big = 64 << 20;
    ByteBuf lz4 = Unpooled.buffer().writeIntLE(big)
        .writeIntLE(Lz4BlockStream.MAGIC_LZ4).writeIntLE(big).writeIntLE(4).writeIntLE(0)
        .writeIntLE(Lz4BlockStream.MAGIC_END);
    ByteBuf raw = Unpooled.buffer().writeIntLE(big)
        .writeIntLE(Lz4BlockStream.MAGIC_RAW).writeIntLE(4).writeIntLE(0)
        .writeIntLE(Lz4BlockStream.MAGIC_END);
    RecordingAllocator alloc = new RecordingAllocator();
    try {
      DtxProtocolException e = assertThrows(DtxProtocolException.class,
          () -> Lz4BlockStream.decode(lz4, big, 0, alloc).release());
      assertEquals("bad lz4 block decoded size 67108864 (expected <= 1020 (255 x encoded size 4)) at offset 8",
          e.getMessage());
      e = assertThrows(DtxProtocolException.class, () -> Lz4BlockStream.decode(raw, big, 0, alloc).release());
      assertEquals("bad lz4 decoded size 4 (expected 67108864) at offset 0", e.getMessage());
    } finally {
      lz4.release();
      raw.release();
    }
    assertEquals(0, alloc.largest());
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Decodes {@code bytes} cut at a few seeded points, then runs every decoded message through the aux and archive
   * decoders; releases everything. Checks the decoder's end state on failure.
   */
  private static void decodeEverything(byte[] bytes, RecordingAllocator alloc, Random random)
      throws DtxProtocolException {
    List<DtxMessage> messages = new ArrayList<>();
    DtxMessageDecoder decoder = new DtxMessageDecoder(SMALL, alloc);
    try {
      int from = 0;
      while (from < bytes.length) {
        int to = Math.min(bytes.length, from + 1 + random.nextInt(Math.max(1, bytes.length / 3)));
        ByteBuf chunk = alloc.directBuffer(to - from).writeBytes(bytes, from, to - from);
        try {
          decoder.decode(chunk, messages::add);
        } catch (DtxProtocolException e) {
          assertEquals(DtxMessageDecoder.State.FAILED, decoder.state());
          assertEquals(0, decoder.bufferedBytes());
          assertEquals(0, decoder.messagesInFlight());
          throw e;
        }
        from = to;
      }
      for (DtxMessage m : messages) {
        if (m.aux().isReadable()) {
          AuxCodec.decode(m.aux(), m.streamOffset());
        }
        byte[] payload = m.payloadBytes();
        if (payload.length > 8 && payload[0] == 'b' && payload[1] == 'p') {
          NSKeyedUnarchiver.unarchive(payload);
        }
      }
    } finally {
      messages.forEach(DtxMessage::release);
      decoder.close();
    }
  }
}
