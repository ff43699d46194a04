package dtxkit.runtime.rsd.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.rsd.client.RsdClientServerTest;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for an {@link RsdServer} fed a client's bytes over loopback TCP, one
 * connection per input to one server, seeded with a real client's opening (preface, settings, the two streams, XPC
 * messages in DATA frames). A finding: the server holding a connection open after the client's end, or not counting
 * an accepted connection (its accept loop died).
 */
class RsdServerFuzzTargetsTest {

  static final int BOUND_MILLIS = 10_000;

  private static RsdServer server;

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  static Stream<Arguments> clientStreams() {
    return Stream.of(FuzzSeeds.named("client opening", RsdServerFuzzTest.clientOpening()));
  }

  @MethodSource("clientStreams")
  @FuzzTest(maxDuration = "5m")
  void rsdServer(byte[] input) throws Exception {
    NoStderr.check(() -> rsdServerInput(input));
  }

  /** One input of {@link #rsdServer}. */
  private void rsdServerInput(byte[] input) throws Exception {
    try (SilentCloseable loopbackOnly = loopbackOnly()) {
      run(input);
    }
  }

  /** One input, without Jazzer's network sanitizer scope (for timing the target outside Jazzer). */
  static void run(byte[] input) throws Exception {
    {
      if (server == null) {
        server = RsdServer.builder(RsdClientServerTest.device().build())
            .bindAddress(InetAddress.getLoopbackAddress()).start();
      }
      int accepted = server.acceptedConnections();
      try (Socket s = new Socket(server.address(), server.port())) {
        s.setSoTimeout(BOUND_MILLIS);
        try {
          OutputStream out = s.getOutputStream();
          out.write(input);
          out.flush();
          s.shutdownOutput();
        } catch (IOException refusedEarly) {
          // The server closed before taking everything.
        }
        try {
          s.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (SocketTimeoutException e) {
          throw new AssertionError("the server kept the connection open after the client's end");
        } catch (IOException reset) {
          // A reset is an ending too.
        }
      }
      assertTrue(server.acceptedConnections() > accepted, "the server did not count the connection");
    }
  }

  static SilentCloseable loopbackOnly() {
    return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1")
        || host.equals("localhost") || host.equals("::1") || host.startsWith("/127.0.0.1"));
  }
}
