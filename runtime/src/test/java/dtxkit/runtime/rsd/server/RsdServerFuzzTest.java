package dtxkit.runtime.rsd.server;

import static dtxkit.runtime.rsd.server.RawFrames.concat;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.DATA_1_EMPTY_DICT;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.DATA_1_VERSION_FLAGS;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.DATA_3_INIT_HANDSHAKE;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.HEADERS_1;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.HEADERS_3;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.PREFACE;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.SETTINGS_1MIB;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.SETTINGS_ACK;
import static dtxkit.runtime.rsd.server.RsdServerFrameOrderTest.WINDOW_UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.client.RsdClientServerTest;
import dtxkit.runtime.testing.Mutations;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcFlags;
import dtxkit.runtime.xpc.XpcMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An {@link RsdServer} fed mutations of a real client's opening (preface, settings, the two streams, XPC messages
 * inside DATA frames): each connection ends within a bound once the client has finished sending, and a well-behaved
 * client is served afterwards. The leak extension checks the XPC decoders' buffers were all released.
 */
class RsdServerFuzzTest {

  private static final int BOUND_MILLIS = 10_000;

  static byte[] clientOpening() {
    byte[] request = RawFrames.xpc(new XpcMessage(XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT, 1,
        XpcDictionary.builder().put("Request", "Ping").build()));
    return concat(PREFACE, SETTINGS_1MIB, WINDOW_UPDATE, HEADERS_1, DATA_1_EMPTY_DICT, SETTINGS_ACK, HEADERS_3,
        DATA_1_VERSION_FLAGS, DATA_3_INIT_HANDSHAKE, RawFrames.frame(dtxkit.runtime.http2.Http2.DATA, 0, 1, request));
  }

  @Test
  void aServerEndsEachGarbageConnectionAndKeepsServing() throws Exception {
    PeerInfo info = RsdClientServerTest.device().build();
    byte[] seed = clientOpening();
    List<Mutations.Case> all = Mutations.of(seed, seed.length, 200, 61);
    int fed = 0;
    try (RsdServer server = RsdServer.builder(info).start()) {
      for (int i = 0; i < all.size(); i += 6) {
        Mutations.Case c = all.get(i);
        fed++;
        try (Socket s = new Socket(server.address(), server.port())) {
          s.setSoTimeout(BOUND_MILLIS);
          OutputStream out = s.getOutputStream();
          try {
            out.write(c.bytes());
            out.flush();
            s.shutdownOutput();
          } catch (IOException closedEarly) {
            // The server refused the bytes before all were written.
          }
          try {
            s.getInputStream().transferTo(OutputStream.nullOutputStream());
          } catch (SocketTimeoutException e) {
            fail("case '" + c.name() + "': the server kept the connection open after the client's end");
          } catch (IOException reset) {
            // A reset is an ending too.
          }
        }
      }
      try (RsdClient client = RsdClient.connect("127.0.0.1", server.port(), RsdClientServerTest.OPTIONS)) {
        assertEquals(info.udid(), client.peerInfo().udid());
      }
      assertEquals(fed + 1, server.acceptedConnections());
    }
  }
}
