package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.wire.DtxFragmentEncoder;
import dtxkit.runtime.wire.DtxLimits;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionReaderTest {

  private final PartsHarness h = new PartsHarness();
  private final List<String> readerNames = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    h.close();
  }

  private record End(String why, Throwable cause) {}

  private static byte[] encode(DtxMessage... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DtxFragmentEncoder encoder = new DtxFragmentEncoder();
    for (DtxMessage m : messages) {
      var outbound = encoder.encode(m);
      while (outbound.hasNextFragment()) {
        ByteBuf f = outbound.nextFragment();
        byte[] bytes = new byte[f.readableBytes()];
        f.readBytes(bytes);
        f.release();
        out.writeBytes(bytes);
      }
    }
    return out.toByteArray();
  }

  private ConnectionReader lastReader;

  private End read(byte[] stream, List<Object> seen) throws Exception {
    DtxChannel channel = h.channel(1, "svc");
    channel.setListener(new DtxChannelListener() {
      @Override
      public void onNotification(Object value) {
        seen.add(value);
        readerNames.add(Thread.currentThread().getName());
      }
    });
    CompletableFuture<End> end = new CompletableFuture<>();
    ConnectionReader reader = new ConnectionReader("r", new ByteArrayInputStream(stream), DtxLimits.defaults(),
        false, h.router(h.controlProtocol(null)), (why, cause) -> end.complete(new End(why, cause)), () -> false,
        r -> {
          Thread t = new Thread(r, "from-the-factory");
          t.setDaemon(true);
          return t;
        }, () -> {}, dtxkit.runtime.wire.DtxMemoryBudget.unlimited());
    lastReader = reader;
    reader.start();
    return end.get(10, TimeUnit.SECONDS);
  }

  @Test
  void readsRoutesAndEndsWithTheStream() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    End end = read(encode(PartsHarness.fromPeer(DtxMessageType.OBJECT, 1, 0, -1, false, "a"),
        PartsHarness.fromPeer(DtxMessageType.OBJECT, 2, 0, -1, false, "b")), seen);
    assertEquals("peer closed the stream", end.why());
    assertNull(end.cause());
    assertEquals(List.of("a", "b"), seen);
    // The harness runs deliveries on the calling thread, so this is the reading thread: the factory's.
    assertEquals(List.of("from-the-factory", "from-the-factory"), readerNames);
  }

  @Test
  void aProtocolErrorEndsReadingWithItsReason() throws Exception {
    byte[] garbage = new byte[64];
    garbage[0] = 0x42;
    End end = read(garbage, new CopyOnWriteArrayList<>());
    assertTrue(end.why().startsWith("peer broke the protocol"), end.why());
    assertInstanceOf(DtxProtocolException.class, end.cause());
  }

  @Test
  void readsInSmallBuffersUntilTheTrafficNeedsLargeOnes() throws Exception {
    read(encode(PartsHarness.fromPeer(DtxMessageType.OBJECT, 1, 0, -1, false, "small")), new ArrayList<>());
    assertEquals(ConnectionReader.MIN_READ, lastReader.readSize(), "an idle connection holds a small buffer");
    DtxMessage big = DtxMessage.builder(DtxMessageType.DATA).identifier(1).conversationIndex(0).channelCode(-1)
        .payload(new byte[2 << 20]).build();
    read(encode(big), new ArrayList<>());
    assertEquals(ConnectionReader.MAX_READ, lastReader.readSize(), "bulk traffic reads in large buffers");
  }
}
