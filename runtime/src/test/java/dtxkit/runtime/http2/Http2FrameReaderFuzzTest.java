package dtxkit.runtime.http2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.testing.Mutations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of a stream with every frame type fed to {@link Http2FrameReader} in seeded pieces: only
 * {@link DtxProtocolException}s escape (an {@link Http2ProtocolException} for framing), a partial frame is never
 * read past, and the reader never loops on input it cannot consume.
 */
class Http2FrameReaderFuzzTest {

  @Test
  void mutatedStreamsOnlyFailAsProtocolErrors() {
    byte[] seed = Http2FrameReaderTest.STREAM;
    int rejected = Mutations.feedAll(Mutations.of(seed, seed.length, 2000, 21),
        bytes -> read(bytes, true, new Random(bytes.length)), DtxProtocolException.class);
    assertTrue(rejected > 0);
  }

  @Test
  void randomFramesOnlyFailAsProtocolErrors() {
    Mutations.feedAll(Mutations.random(new byte[0], 3000, 80, 22),
        bytes -> read(bytes, false, new Random(bytes.length)), DtxProtocolException.class);
  }

  /** Feeds {@code bytes} cut at seeded points into an accumulating buffer, as a connection's read loop does. */
  private static void read(byte[] bytes, boolean preface, Random random) throws Exception {
    Http2FrameReader reader = new Http2FrameReader(preface, Http2.DEFAULT_MAX_FRAME_SIZE);
    ByteBuf acc = Unpooled.buffer();
    try {
      int from = 0;
      while (from < bytes.length) {
        int to = Math.min(bytes.length, from + 1 + random.nextInt(Math.max(1, bytes.length / 3)));
        acc.writeBytes(bytes, from, to - from);
        from = to;
        int before = acc.readableBytes();
        reader.read(acc, new Http2FrameReaderTest.Recorder());
        assertTrue(acc.readableBytes() <= before);
        acc.discardReadBytes();
      }
    } finally {
      acc.release();
    }
  }
}
