package dtxkit.runtime.wire;

import dtxkit.runtime.DtxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Fixture loading and feeding helpers for the wire tests. */
final class DtxTesting {

  /** Pooled and direct, so that the leak detector tracks every buffer the decoder allocates. */
  static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  /**
   * Heap buffers with no leak tracking, for the exhaustive split tests: under PARANOID every getter on a tracked
   * buffer records a stack trace, which makes hundreds of thousands of decodes take hours. Those tests check instead
   * that every piece they fed ends with a reference count of 0; the tracked path is covered by the other tests.
   */
  static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

  private DtxTesting() {}

  static byte[] fixture(String name) {
    String path = "/fixtures/go-ios/dtx/" + name;
    try (InputStream in = DtxTesting.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A direct pooled copy of {@code bytes[from, to)}. */
  static ByteBuf direct(byte[] bytes, int from, int to) {
    ByteBuf buf = ALLOC.directBuffer(Math.max(1, to - from));
    buf.writeBytes(bytes, from, to - from);
    return buf;
  }

  /**
   * Decodes {@code bytes} fed in pieces that end at the given cut points, collecting messages. On a protocol error
   * the messages decoded so far are released and the error rethrown.
   */
  static List<DtxMessage> decode(DtxMessageDecoder decoder, byte[] bytes, int... cuts) throws DtxProtocolException {
    List<DtxMessage> out = new ArrayList<>();
    int from = 0;
    try {
      for (int cut : cuts) {
        decoder.decode(direct(bytes, from, cut), out::add);
        from = cut;
      }
      decoder.decode(direct(bytes, from, bytes.length), out::add);
      return out;
    } catch (DtxProtocolException | RuntimeException e) {
      out.forEach(DtxMessage::release);
      throw e;
    }
  }

  /** Decodes {@code bytes} in one piece with default limits; the decoder is closed. */
  static List<DtxMessage> decodeAll(byte[] bytes) throws DtxProtocolException {
    try (DtxMessageDecoder decoder = new DtxMessageDecoder(DtxLimits.defaults(), ALLOC)) {
      return decode(decoder, bytes);
    }
  }

  /** Writes all fragments of an outbound message into one array (releasing them). */
  static byte[] drain(DtxOutboundMessage outbound) {
    CompositeByteBuf all = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    try {
      while (outbound.hasNextFragment()) {
        all.addComponent(true, outbound.nextFragment());
      }
      byte[] bytes = new byte[all.readableBytes()];
      all.readBytes(bytes);
      return bytes;
    } finally {
      all.release();
      outbound.close();
    }
  }

  static void releaseAll(List<DtxMessage> messages) {
    messages.forEach(DtxMessage::release);
  }
}
