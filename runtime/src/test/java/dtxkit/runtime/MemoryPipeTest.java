package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The in-memory pipe under {@link DtxTransport#memoryPair()}: its ring grows on demand, never past its capacity. */
class MemoryPipeTest {

  @Test
  void bytesArriveInOrderWhileTheRingGrowsAroundItsWrapPoint() throws Exception {
    MemoryPipe pipe = new MemoryPipe(1 << 20);
    byte[] data = new byte[3 << 20];
    new Random(7).nextBytes(data);
    InputStream in = pipe.input();
    OutputStream out = pipe.output();
    // A partial read first, so that later writes wrap around the ring before it grows.
    out.write(data, 0, 5000);
    byte[] first = in.readNBytes(3000);
    CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[777];
      try {
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
          got.write(buf, 0, n);
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return got.toByteArray();
    });
    Random sizes = new Random(3);
    for (int off = 5000; off < data.length; ) {
      int n = Math.min(data.length - off, 1 + sizes.nextInt(70_000));
      out.write(data, off, n);
      off += n;
    }
    out.close();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.write(first);
    all.write(rest.get(10, TimeUnit.SECONDS));
    assertArrayEquals(data, all.toByteArray());
  }

  @Test
  void aWriterBlocksAtTheCapacityUntilTheReaderTakesBytes() throws Exception {
    MemoryPipe pipe = new MemoryPipe(64 * 1024);
    OutputStream out = pipe.output();
    out.write(new byte[64 * 1024]);
    CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
      try {
        out.write(new byte[] {42});
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    assertThrows(TimeoutException.class, () -> blocked.get(200, TimeUnit.MILLISECONDS), "full: the write waits");
    InputStream in = pipe.input();
    assertEquals(64 * 1024, in.readNBytes(64 * 1024).length);
    blocked.get(10, TimeUnit.SECONDS);
    assertEquals(42, in.read());
  }

  @Test
  void closingEndsReadsAfterTheBufferedBytesAndFailsWrites() throws Exception {
    MemoryPipe pipe = new MemoryPipe(1024);
    pipe.output().write(new byte[] {1, 2, 3});
    pipe.close();
    assertArrayEquals(new byte[] {1, 2, 3}, pipe.input().readAllBytes());
    assertEquals(-1, pipe.input().read());
    assertThrows(IOException.class, () -> pipe.output().write(4));
    assertEquals(0, pipe.input().read(new byte[0], 0, 0), "a zero-length read returns 0");
  }
}
