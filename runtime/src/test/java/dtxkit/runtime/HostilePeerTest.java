package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dtxkit.runtime.ScriptedPeer.Seen;
import dtxkit.runtime.wire.DtxMessage;
import dtxkit.runtime.wire.DtxMessageType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 10's reproductions against the DTX connection, each from a peer that misbehaves on purpose. */
class HostilePeerTest {

  private ScriptedPeer peer;
  private DtxConnection connection;

  private DtxConnection connect(java.util.function.Consumer<DtxConnection.Builder> config) throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    peer = new ScriptedPeer(pair.b());
    DtxConnection.Builder b = DtxConnection.builder(pair.a()).skipHandshake().callTimeout(Duration.ofSeconds(20));
    config.accept(b);
    connection = b.connect();
    return connection;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (peer != null) {
      peer.close();
    }
  }

  /** Item 5: a reply with conversation index 5 used to complete the call. */
  @Test
  void aReplyMustContinueItsCallsConversation() throws Exception {
    connect(b -> {});
    CompletableFuture<Object> call = connection.controlChannel().invokeAsync("ping");
    Seen request = peer.next();
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(request.identifier()).conversationIndex(5)
        .payload(Codec.archive("from nowhere")).build());
    peer.write(DtxMessage.builder(DtxMessageType.OK).identifier(request.identifier()).conversationIndex(2).build());
    // A later, proper reply still completes the call: the bad ones completed nothing.
    peer.write(DtxMessage.builder(DtxMessageType.OBJECT).identifier(request.identifier()).conversationIndex(1)
        .payload(Codec.archive("pong")).build());
    assertEquals("pong", call.get(10, TimeUnit.SECONDS));
    assertEquals(2, connection.mismatchedReplyCount());
    assertEquals(0, connection.unmatchedReplyCount());
    assertTrue(connection.isOpen());
  }
}
