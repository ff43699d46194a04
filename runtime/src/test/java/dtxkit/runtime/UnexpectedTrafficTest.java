package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.ScriptedPeer.Seen;
import dtxkit.runtime.archive.NSError;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the connection does with traffic a well-behaved peer would not send, or that nobody is there to take. */
class UnexpectedTrafficTest {

  private ScriptedPeer peer;
  private DtxConnection client;

  private DtxConnection connect(DtxConnection.Builder builder) throws Exception {
    client = builder.skipHandshake().connect();
    return client;
  }

  private DtxConnection.Builder builder() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    peer = new ScriptedPeer(pair.b());
    return DtxConnection.builder(pair.a()).callTimeout(Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  private static DtxMessage dispatch(int id, int channel, boolean expectsReply, String selector,
      DtxArgument... args) {
    return DtxMessage.builder(DtxMessageType.DISPATCH).identifier(id).channelCode(channel).expectsReply(expectsReply)
        .aux(Codec.encodeArguments(args)).payload(Codec.archive(selector)).build();
  }

  private static NSError errorOf(Seen reply) {
    assertEquals(DtxMessageType.ERROR, reply.type());
    return assertInstanceOf(NSError.class, reply.payload());
  }

  @Test
  void unsupportedTypesAreAnsweredOrCounted() throws Exception {
    connect(builder());
    peer.write(DtxMessage.builder(DtxMessageType.PRIMITIVE).identifier(7).expectsReply(true).payload(new byte[4])
        .build());
    Seen reply = peer.next();
    assertEquals(7, reply.identifier());
    assertEquals(1, reply.conversation());
    NSError error = errorOf(reply);
    assertEquals("DTXMessage", error.domain());
    assertEquals(2, error.code());
    assertTrue(error.localizedDescription().contains("PRIMITIVE"), error.localizedDescription());

    peer.write(DtxMessage.builder(DtxMessageType.PROXIED).identifier(8).payload(new byte[4]).build());
    DtxChannelListenerTestSupport.waitFor(() -> client.unhandledCount() == 2);
  }

  @Test
  void dispatchOnAnUnknownChannelGetsAnError() throws Exception {
    connect(builder());
    // Conversation 0 from the peer on wire code -5 means our channel 5, which we never opened.
    peer.write(dispatch(3, -5, true, "hello"));
    Seen reply = peer.next();
    assertEquals(3, reply.identifier());
    assertEquals(-5, reply.channelCode(), "a reply on our channel 5 carries -5");
    assertTrue(errorOf(reply).localizedDescription().contains("unknown channel 5"));
    assertEquals(1, client.unhandledCount());
  }

  @Test
  void anArgumentThatCannotBeArchivedIsTheCallersMistake() throws Exception {
    connect(builder());
    DtxChannel control = client.controlChannel();
    assertThrows(IllegalArgumentException.class, () -> control.invokeAsync("x:", DtxArgument.object(new Object())));
    assertThrows(IllegalArgumentException.class, () -> control.send("x:", DtxArgument.object(new Thread())));
    // Nothing was sent, and the connection is fine.
    control.send("after");
    assertEquals("after", peer.next().payload());
  }

  /** The sign rules seen from the wire, against a peer that is not dtxkit. */
  @Test
  void channelCodeSignsOnTheWire() throws Exception {
    LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
    connect(builder());
    CompletableFuture<DtxChannel> opening = client.openChannelAsync("svc", new DtxChannelListener() {
      @Override
      public void onNotification(Object value) {
        got.add(value);
      }
    });
    Seen request = peer.next();
    assertEquals(1, request.identifier(), "our identifiers start at 1");
    assertEquals(0, request.channelCode());
    assertEquals(List.of(1, "svc"), request.arguments(), "code as int32, identifier archived");
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(1).conversationIndex(1).build());
    DtxChannel channel = opening.get(5, TimeUnit.SECONDS);

    channel.invokeAsync("ping");
    Seen call = peer.next();
    assertEquals(1, call.channelCode(), "we start conversations on our channel with its code");
    assertEquals(2, call.identifier());
    // The peer answers with the code kept, and starts its own message on our channel with the code negated.
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(2).conversationIndex(1).channelCode(1)
        .payload(Codec.archive("pong")).build());
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(50).channelCode(-1)
        .payload(Codec.archive("sample")).build());
    assertEquals("sample", got.poll(5, TimeUnit.SECONDS));
    // +1 with conversation 0 would be a channel the peer opened: unknown here, so not delivered to ours.
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(51).channelCode(1)
        .payload(Codec.archive("wrong sign")).build());
    DtxChannelListenerTestSupport.waitFor(() -> client.unhandledCount() == 1);
    assertEquals(null, got.poll());
  }

  /**
   * A recorded LZ4-compressed message (go-ios's instruments-metrics-dtx.bin: type 0x0707 on the device's channel
   * -9) reaches the channel's listener decompressed. Its payload is not an archive (a kdebug trace), so it arrives as
   * DATA. The recorded channel code is rewritten to -1, the negated code of the one channel opened here.
   */
  @Test
  void aRecordedCompressedMessageReachesItsChannelDecompressed() throws Exception {
    byte[] recorded;
    try (java.io.InputStream in =
        getClass().getResourceAsStream("/fixtures/go-ios/dtx/instruments-metrics-dtx.bin")) {
      recorded = in.readAllBytes();
    }
    assertEquals(-9, java.nio.ByteBuffer.wrap(recorded, 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
    java.nio.ByteBuffer.wrap(recorded, 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(-1);

    LinkedBlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
    connect(builder());
    CompletableFuture<DtxChannel> opening =
        client.openChannelAsync("com.apple.instruments.server.services.sysmontap", new DtxChannelListener() {
          @Override
          public void onData(byte[] bytes) {
            data.add(bytes);
          }
        });
    Seen request = peer.next();
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(request.identifier()).conversationIndex(1).build());
    opening.get(5, TimeUnit.SECONDS);

    peer.write(recorded);
    byte[] got = data.poll(5, TimeUnit.SECONDS);
    assertEquals(158_592, got.length, "the decompressed size the bv41 stream declares");
    // A kdebug RAW_VERSION2 trace: its header word 0x55AA0200, little-endian.
    assertEquals(0x55AA0200, java.nio.ByteBuffer.wrap(got, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
    assertEquals(0, client.unhandledCount());
  }

  /** Bytes already waiting before connect() reach the listener given to the builder: nothing lost to a race. */
  @Test
  void listenersFromTheBuilderSeeTheVeryFirstMessages() throws Exception {
    DtxConnection.Builder b = builder();
    LinkedBlockingQueue<String> seenFirst = new LinkedBlockingQueue<>();
    peer.write(dispatch(1, 0, false, DtxConnection.NOTIFY_CAPABILITIES, DtxArgument.object(Map.of("a", 1))));
    peer.write(dispatch(2, 0, false, "hostInspectorCurrentElementChanged:", DtxArgument.object("first")));
    client = b.controlListener(new DtxChannelListener() {
      @Override
      public void onInvocation(DtxInvocation invocation) {
        seenFirst.add(invocation.selector() + " " + invocation.arguments());
      }
    }).connect();
    assertEquals("hostInspectorCurrentElementChanged: [first]", seenFirst.poll(5, TimeUnit.SECONDS));
    assertEquals(Map.of("a", 1), client.peerCapabilities());
  }

  @Test
  void replyWithNoWaiterIsCounted() throws Exception {
    connect(builder());
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(999).conversationIndex(1).build());
    DtxChannelListenerTestSupport.waitFor(() -> client.unmatchedReplyCount() == 1);
    assertEquals(0, client.abandonedReplyCount());
  }

  @Test
  void peerOpensChannelsAndCancelsSeveralAtOnce() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register("svc", channel -> invocation -> null);
    connect(builder().registry(registry));
    peer.write(dispatch(1, 0, true, DtxConnection.REQUEST_CHANNEL, DtxArgument.int32(1), DtxArgument.object("svc")));
    peer.write(dispatch(2, 0, true, DtxConnection.REQUEST_CHANNEL, DtxArgument.int32(2), DtxArgument.object("svc")));
    peer.write(dispatch(3, 0, true, DtxConnection.REQUEST_CHANNEL, DtxArgument.int32(3),
        DtxArgument.object("nosuch")));
    assertEquals(DtxMessageType.OK, peer.next().type());
    assertEquals(DtxMessageType.OK, peer.next().type());
    Seen refused = peer.next();
    assertEquals(3, refused.identifier());
    assertTrue(errorOf(refused).localizedDescription().contains("nosuch"));
    assertEquals(List.of(-2, -1, 0), client.channels().stream().map(DtxChannel::code).toList());

    peer.write(dispatch(4, 0, true, DtxConnection.CHANNEL_CANCELED, DtxArgument.int32(1), DtxArgument.int32(2)));
    Seen ok = peer.next();
    assertEquals(4, ok.identifier());
    assertEquals(DtxMessageType.OK, ok.type());
    assertEquals(List.of(0), client.channels().stream().map(DtxChannel::code).toList());
  }

  @Test
  void unknownSelectorOnTheControlChannelWithoutHandler() throws Exception {
    connect(builder());
    peer.write(dispatch(5, 0, true, "deviceCapabilities"));
    Seen reply = peer.next();
    assertTrue(errorOf(reply).localizedDescription().endsWith("does not respond to the selector"));
  }

  @Test
  void garbageFromThePeerClosesWithAProtocolException() throws Exception {
    connect(builder());
    CompletableFuture<Object> pending = client.controlChannel().invokeAsync("deviceCapabilities");
    peer.next();
    peer.write(new byte[32]);
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
    DtxConnectionClosedException closed = assertInstanceOf(DtxConnectionClosedException.class, e.getCause());
    assertInstanceOf(DtxProtocolException.class, closed.getCause());
    assertTrue(closed.getMessage().contains("magic"), closed.getMessage());
  }

  @Test
  void handshakeTimesOutWhenThePeerStaysSilent() throws Exception {
    DtxConnection.Builder b = builder().handshakeTimeout(Duration.ofMillis(200));
    DtxTimeoutException e = assertThrows(DtxTimeoutException.class, b::connect);
    assertTrue(e.getMessage().contains("_notifyOfPublishedCapabilities:"), e.getMessage());
    // It sent its own capabilities first.
    Seen caps = peer.next();
    assertEquals("_notifyOfPublishedCapabilities:", caps.payload());
    assertEquals(List.of(DtxConnection.defaultCapabilities()), caps.arguments());
  }

  @Test
  void customCapabilitiesAndThePeersAreExposed() throws Exception {
    DtxConnection.Builder b = builder().capabilities(Map.of("x.y", 2));
    CompletableFuture<DtxConnection> connecting = CompletableFuture.supplyAsync(() -> {
      try {
        return b.connect();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Seen caps = peer.next();
    assertEquals(List.of(Map.of("x.y", 2)), caps.arguments());
    peer.write(dispatch(1, 0, false, DtxConnection.NOTIFY_CAPABILITIES,
        DtxArgument.object(Map.of("com.apple.instruments.server.services.deviceinfo", 113))));
    client = connecting.get(5, TimeUnit.SECONDS);
    assertEquals(Map.of("com.apple.instruments.server.services.deviceinfo", 113), client.peerCapabilities());
  }

  /**
   * The stated policy: at most {@code maxQueuedPerChannel} undelivered messages per channel; beyond, an invocation
   * expecting a reply gets ERROR code 2 and anything else is dropped, all counted; the reader never blocks.
   */
  @Test
  void fullDeliveryQueueRefusesAndCounts() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LinkedBlockingQueue<Object> delivered = new LinkedBlockingQueue<>();
    connect(builder().maxQueuedPerChannel(2).controlListener(new DtxChannelListener() {
      @Override
      public void onNotification(Object value) {
        inListener.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        delivered.add(value);
      }
    }));
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(1).payload(Codec.archive("n1")).build());
    assertTrue(inListener.await(5, TimeUnit.SECONDS));
    for (int i = 2; i <= 5; i++) {
      peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(i).payload(Codec.archive("n" + i)).build());
    }
    peer.write(dispatch(6, 0, true, "deviceCapabilities"));
    Seen refused = peer.next();
    assertEquals(6, refused.identifier());
    assertEquals(2, errorOf(refused).code());
    assertEquals(3, client.overflowCount());
    release.countDown();
    assertEquals("n1", delivered.poll(5, TimeUnit.SECONDS));
    assertEquals("n2", delivered.poll(5, TimeUnit.SECONDS));
    assertEquals("n3", delivered.poll(5, TimeUnit.SECONDS));
  }
}
