package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dtxkit.runtime.testing.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Whole connections fed mutated device streams: a {@link DtxConnection} over a memory pipe, and a {@link DtxServer}
 * over TCP. Every connection ends within a bound, for a protocol error (its {@link DtxConnection#closeCause()} holds
 * the {@link DtxProtocolException}) or because the peer closed; none ends because its reader died of anything
 * else, and the server keeps serving the next client.
 */
class ConnectionFuzzTest {

  private static final long BOUND_SECONDS = 10;

  private static byte[] recordedDeviceStream() throws IOException {
    try (InputStream in = ConnectionFuzzTest.class.getResourceAsStream("/fixtures/go-ios/dtx/conn-in2.dump")) {
      return in.readAllBytes();
    }
  }

  /** Every 16th mutation of the recorded stream (a spread over all kinds), and some random streams. */
  private static List<Mutations.Case> cases() throws IOException {
    List<Mutations.Case> all = Mutations.of(recordedDeviceStream(), 48, 400, 51);
    List<Mutations.Case> some = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 16) {
      some.add(all.get(i));
    }
    some.addAll(Mutations.random(new byte[] {0x79, 0x5B, 0x3D, 0x1F}, 20, 300, 52));
    return some;
  }

  @Test
  void aConnectionFedGarbageEndsWithAProtocolErrorOrThePeersClose() throws Exception {
    int protocolErrors = 0;
    for (Mutations.Case c : cases()) {
      DtxTransport.Pair pair = DtxTransport.memoryPair();
      DtxConnection connection = DtxConnection.builder(pair.a()).skipHandshake()
          .registry(new DtxServiceRegistry().register(TestService.ID, TestService::new)).name("fuzz").connect();
      try {
        pair.b().output().write(c.bytes());
        pair.b().output().flush();
        // Let the reader take what it can before the close, so a protocol error is seen as one.
        try {
          connection.closeFuture().get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillOpen) {
          pair.b().close();
        }
        connection.closeFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
      } finally {
        connection.close();
        pair.b().close();
      }
      DtxConnectionClosedException why = connection.closeCause();
      assertNotNull(why, c.name());
      Throwable cause = why.getCause();
      if (cause instanceof DtxProtocolException) {
        protocolErrors++;
        assertTrue(why.getMessage().contains("peer broke the protocol"), c.name() + ": " + why.getMessage());
      } else if (cause != null && !(cause instanceof IOException)) {
        fail("case '" + c.name() + "' ended the connection with " + cause, cause);
      }
    }
    assertTrue(protocolErrors > 0);
  }

  @Test
  void aServerClosesEachGarbageConnectionAndKeepsServing() throws Exception {
    DtxServiceRegistry registry = new DtxServiceRegistry().register(TestService.ID, TestService::new);
    try (DtxServer server = DtxServer.builder(registry).start()) {
      List<Mutations.Case> cases = cases();
      for (int i = 0; i < cases.size(); i += 2) {
        Mutations.Case c = cases.get(i);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
          s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
          OutputStream out = s.getOutputStream();
          out.write(c.bytes());
          out.flush();
          s.shutdownOutput();
          try {
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
          } catch (SocketTimeoutException e) {
            fail("case '" + c.name() + "': the server kept the connection open after the client's end");
          } catch (IOException reset) {
            // Closed with unread bytes: a reset is an ending too.
          }
        }
      }
      try (DtxConnection good = DtxConnection.connect("127.0.0.1", server.port())) {
        assertEquals("still serving", good.openChannel(TestService.ID)
            .invoke("echo:", DtxArgument.object("still serving")));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
      while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(server.connections().isEmpty(), "connections left: " + server.connections());
    }
  }
}
