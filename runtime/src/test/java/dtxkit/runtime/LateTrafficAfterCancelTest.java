package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dtxkit.runtime.ScriptedPeer.Seen;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shutdown race behind "notification for unknown channel ...; dropped" at the end of short sysmon runs: the peer
 * queued a sample on a channel before it saw our cancel, and its writer sent the cancel's reply first. That sample is
 * expected traffic for a channel this side closed: counted, logged at DEBUG, never a WARN on the user's terminal.
 */
class LateTrafficAfterCancelTest {
  private ScriptedPeer peer;
  private DtxConnection client;
  private PrintStream previousErr;

  @AfterEach
  void tearDown() throws Exception {
    if (previousErr != null) {
      System.setErr(previousErr);
    }
    if (client != null) {
      client.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void aSampleAfterTheCancelReplyIsNotAWarning() throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    peer = new ScriptedPeer(pair.b());
    client = DtxConnection.builder(pair.a()).callTimeout(Duration.ofSeconds(20)).skipHandshake().connect();
    CompletableFuture<DtxChannel> opening = client.openChannelAsync("svc", new DtxChannelListener() {});
    Seen request = peer.next();
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(request.identifier()).conversationIndex(1).build());
    DtxChannel channel = opening.get(5, TimeUnit.SECONDS);

    CompletableFuture<Void> cancelled = CompletableFuture.runAsync(channel::cancel);
    Seen cancel = peer.next();
    assertEquals(List.of(channel.code()), cancel.arguments());
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(cancel.identifier()).conversationIndex(1).build());
    cancelled.get(5, TimeUnit.SECONDS);

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    previousErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    // The late sample, on the peer's side of our channel (-code, conversation 0), then one on a channel never opened.
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(90).channelCode(-channel.code())
        .payload(Codec.archive("late sample")).build());
    DtxChannelListenerTestSupport.waitFor(() -> client.unhandledCount() == 1);
    assertFalse(err.toString(StandardCharsets.UTF_8).contains("unknown channel"), err.toString(StandardCharsets.UTF_8));

    // A channel never opened is still unknown traffic (counted as before).
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(91).channelCode(-77)
        .payload(Codec.archive("stray")).build());
    DtxChannelListenerTestSupport.waitFor(() -> client.unhandledCount() == 2);
  }
}
