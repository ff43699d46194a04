package dtxkit.runtime.wire;

import static dtxkit.runtime.wire.DtxTesting.ALLOC;
import static dtxkit.runtime.wire.DtxTesting.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxLimitExceededException;
import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

/** The bv41 stream: the go-ios LZ4 fixtures, hand-made streams, and every malformed case. */
class Lz4BlockStreamTest {

  /** Size declared by (and decoded from) the compressed fixture. */
  private static final int DECLARED = 0x26B80;

  private static ByteBuf decode(byte[] stream, long max) throws DtxProtocolException {
    ByteBuf in = Unpooled.wrappedBuffer(stream);
    try {
      return Lz4BlockStream.decode(in, max, 1000, ALLOC);
    } finally {
      in.release();
    }
  }

  private static ByteBuf le(int... words) {
    ByteBuf b = Unpooled.buffer();
    for (int w : words) {
      b.writeIntLE(w);
    }
    return b;
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = ByteBufUtil.getBytes(b);
    b.release();
    return out;
  }

  /** Checks what the go-ios capture decompresses to: a kdebug RAW_VERSION2 trace, intact across block boundaries. */
  private static void assertKdebugTrace(byte[] data) {
    assertEquals(DECLARED, data.length);
    ByteBuf b = Unpooled.wrappedBuffer(data);
    // RAW_VERSION2 header: magic 0x55AA0200, then the thread-map entry count.
    assertEquals(0x55AA0200, b.getIntLE(0));
    assertEquals(980, b.getIntLE(4));
    // Thread map: 32-byte entries (thread u64, pid u32, 20-byte command); the first is tailspind.
    assertEquals("tailspind", new String(data, 0x12C, 9, java.nio.charset.StandardCharsets.US_ASCII));
    // Then 64-byte kd_buf events to the end, timestamps never decreasing. They span three LZ4 blocks (a new block
    // starts every 64 KiB of output), so a block decoded without the window of the one before would break this.
    int first = 0x8100;
    assertEquals(0, (data.length - first) % 64);
    long previous = 0;
    for (int at = first; at < data.length; at += 64) {
      long timestamp = b.getLongLE(at);
      assertTrue(timestamp >= previous, "timestamp at " + at);
      previous = timestamp;
    }
  }

  @Test
  void lz4BlockFixtureDecompressesToAKdebugTrace() throws Exception {
    byte[] stream = fixture("lz4block.bin");
    assertTrue(Lz4BlockStream.looksCompressed(Unpooled.wrappedBuffer(stream)));
    assertKdebugTrace(bytes(decode(stream, DECLARED)));
  }

  @Test
  void compressedMessageFixtureDecodesToTheSamePayload() throws Exception {
    // The brief expected a binary plist here; the capture holds a kdebug trace (see assertKdebugTrace), so that is
    // what is asserted.
    List<DtxMessage> ms = DtxTesting.decodeAll(fixture("instruments-metrics-dtx.bin"));
    assertEquals(1, ms.size());
    DtxMessage m = ms.get(0);
    assertEquals(DtxMessageType.COMPRESSED, m.type());
    assertTrue(m.compressed());
    assertEquals(7, m.flagsA());
    assertEquals(61, m.identifier());
    assertEquals(0, m.conversationIndex());
    assertEquals(-9, m.channelCode());
    assertEquals(0, m.aux().readableBytes());
    byte[] payload = m.payloadBytes();
    assertKdebugTrace(payload);
    assertArrayEquals(bytes(decode(fixture("lz4block.bin"), DECLARED)), payload);
    m.release();
  }

  @Test
  void declaredSizeOverTheLimitIsRefusedBeforeAllocating() {
    DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
        () -> decode(fixture("lz4block.bin"), DECLARED - 1));
    assertEquals("decompressed bytes per message", e.field());
    assertEquals(1000, e.offset());
    assertTrue(e.getMessage().contains(DECLARED + " > " + (DECLARED - 1)), e.getMessage());
  }

  @Test
  void declaredSizeOverTheMessageLimitFailsTheDecoder() throws Exception {
    byte[] bytes = fixture("instruments-metrics-dtx.bin");
    DtxLimits limits = DtxLimits.builder().maxMessageBytes(100_000).build();
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(limits, ALLOC)) {
      DtxLimitExceededException e = assertThrows(DtxLimitExceededException.class,
          () -> DtxTesting.decode(decoder, bytes));
      // Payload of the only message: 32-byte header + 16-byte payload header, no aux.
      assertEquals(48, e.offset());
      assertEquals(DtxMessageDecoder.State.FAILED, decoder.state());
    }
  }

  @Test
  void badBlockMagic() {
    byte[] stream = fixture("lz4block.bin").clone();
    stream[4 + 3] = 'X'; // "bv4X"
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(stream, DECLARED));
    assertEquals("lz4 block magic", e.field());
    assertEquals(1004, e.offset());
    assertTrue(e.getMessage().contains("0x58347662"), e.getMessage());
  }

  @Test
  void blockDecodedSizeBeyondTheDeclaredTotal() {
    ByteBuf stream = le(10, Lz4BlockStream.MAGIC_LZ4, 11, 4);
    stream.writeBytes(new byte[4]);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(bytes(stream), 100));
    assertEquals("lz4 block decoded size", e.field());
    assertEquals(1008, e.offset());
  }

  @Test
  void blockEncodedSizeBeyondTheInput() {
    byte[] stream = fixture("lz4block.bin").clone();
    Unpooled.wrappedBuffer(stream).setIntLE(12, 0x7FFF_0000);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(stream, DECLARED));
    assertEquals("lz4 block encoded size", e.field());
    assertEquals(1012, e.offset());
  }

  @Test
  void corruptBlockIsAProtocolError() {
    byte[] stream = fixture("lz4block.bin").clone();
    // The first sequence's match offset (after the token and 7 literals) now reaches 65,535 bytes back, before the
    // start of the output.
    stream[16 + 8] = (byte) 0xFF;
    stream[16 + 9] = (byte) 0xFF;
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(stream, DECLARED));
    assertEquals("lz4 block", e.field());
    assertEquals(1016, e.offset());
  }

  @Test
  void fewerBytesThanDeclared() {
    ByteBuf stream = le(10, Lz4BlockStream.MAGIC_RAW, 4);
    stream.writeBytes(new byte[] {1, 2, 3, 4});
    stream.writeIntLE(Lz4BlockStream.MAGIC_END);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(bytes(stream), 100));
    assertEquals("lz4 decoded size", e.field());
    assertTrue(e.getMessage().contains("bad lz4 decoded size 4 (expected 10)"), e.getMessage());
  }

  @Test
  void truncatedStreamWithoutEndMarker() {
    byte[] stream = Arrays.copyOf(fixture("lz4block.bin"), fixture("lz4block.bin").length - 4);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(stream, DECLARED));
    assertEquals("lz4 block magic", e.field());
    assertEquals(1000 + stream.length, e.offset());
  }

  @Test
  void trailingBytesAfterTheEndMarker() {
    ByteBuf stream = le(0, Lz4BlockStream.MAGIC_END, 0x12345678);
    DtxProtocolException e = assertThrows(DtxProtocolException.class, () -> decode(bytes(stream), 100));
    assertEquals("lz4 stream end", e.field());
    assertEquals(1008, e.offset());
  }

  @Test
  void rawAndCompressedBlocksMix() throws Exception {
    byte[] text = "hello hello hello hello hello hello hello!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] compressed = LZ4Factory.fastestJavaInstance().fastCompressor().compress(text);
    ByteBuf stream = le(text.length + 3, Lz4BlockStream.MAGIC_RAW, 3);
    stream.writeBytes(new byte[] {7, 8, 9});
    stream.writeIntLE(Lz4BlockStream.MAGIC_LZ4).writeIntLE(text.length).writeIntLE(compressed.length);
    stream.writeBytes(compressed);
    stream.writeIntLE(Lz4BlockStream.MAGIC_END);
    byte[] out = bytes(decode(bytes(stream), 1000));
    assertArrayEquals(new byte[] {7, 8, 9}, Arrays.copyOf(out, 3));
    assertArrayEquals(text, Arrays.copyOfRange(out, 3, out.length));
  }

  @Test
  void anArchiveDoesNotLookCompressed() {
    assertFalse(Lz4BlockStream.looksCompressed(Unpooled.wrappedBuffer("bplist00abcdefgh".getBytes())));
    assertFalse(Lz4BlockStream.looksCompressed(Unpooled.wrappedBuffer(new byte[7])));
  }
}
