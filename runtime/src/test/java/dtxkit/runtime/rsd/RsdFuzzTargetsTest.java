package dtxkit.runtime.rsd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import dtxkit.runtime.testing.FuzzSeeds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz targets (Jazzer) for RSD: the RSDCheckin exchange on a service socket (both sides), an
 * {@link RsdServer} fed a client's bytes over loopback TCP, and {@link RsdClient#connect} against a fake device
 * playing the input back. Seeds: checkin plists (XML and binary), a real client's opening, and what a real
 * {@link RsdServer} sent a real client (recorded through a forwarding socket). A finding: anything but an
 * {@link IOException} escaping, a connection held open after the peer's end, a connect that does not end.
 */
class RsdFuzzTargetsTest {

  static final int BOUND_MILLIS = 10_000;
  private static final RsdClient.Options CLIENT_OPTIONS = new RsdClient.Options(RsdClientServerTest.HOST,
      Duration.ofSeconds(3), Duration.ofSeconds(3), "dtxkit", RsdClientServerTest.OPTIONS.xpc());

  private static RsdServer server;
  private static ServerSocket device;

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    if (device != null) {
      device.close();
      device = null;
    }
  }

  // ------------------------------------------------------------------ checkin

  static Stream<Arguments> checkins() throws IOException {
    NSDictionary request = dict("Label", "dtxkit", "ProtocolVersion", "2", "Request", "RSDCheckin");
    ByteArrayOutputStream bin = new ByteArrayOutputStream();
    BinaryPropertyListWriter.write(bin, request);
    return Stream.of(FuzzSeeds.named("xml request", framed(request)),
        FuzzSeeds.named("binary request", framed(bin.toByteArray())),
        FuzzSeeds.named("xml replies", framed(dict("Request", "RSDCheckin"), dict("Request", "StartService"))),
        FuzzSeeds.named("error reply", framed(dict("Error", "ServiceProhibited"))));
  }

  @MethodSource("checkins")
  @FuzzTest(maxDuration = "5m")
  void rsdCheckin(byte[] input) {
    try {
      RsdCheckin.respond(new ByteArrayInputStream(input), new ByteArrayOutputStream(), null);
    } catch (IOException expected) {
      // Refused: a DtxProtocolException for a malformed plist, an EOFException for a short one.
    }
    try {
      RsdCheckin.perform(new ByteArrayInputStream(input), new ByteArrayOutputStream(), "dtxkit");
    } catch (IOException expected) {
      // Refused.
    }
  }

  // ------------------------------------------------------------------ RsdServer

  static Stream<Arguments> clientStreams() {
    return Stream.of(FuzzSeeds.named("client opening", RsdServerFuzzTest.clientOpening()));
  }

  @MethodSource("clientStreams")
  @FuzzTest(maxDuration = "5m")
  void rsdServer(byte[] input) throws Exception {
    try (SilentCloseable loopbackOnly = loopbackOnly()) {
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

  // ------------------------------------------------------------------ RsdClient

  static Stream<Arguments> deviceStreams() throws Exception {
    try (SilentCloseable loopbackOnly = loopbackOnly()) {
      return Stream.of(FuzzSeeds.named("recorded server opening", RsdClientFuzzTest.recordServerOpening()));
    }
  }

  @MethodSource("deviceStreams")
  @FuzzTest(maxDuration = "5m")
  void rsdClient(byte[] input) throws Exception {
    try (SilentCloseable loopbackOnly = loopbackOnly()) {
      if (device == null) {
        device = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      }
      CompletableFuture<Void> playing = CompletableFuture.runAsync(() -> play(device, input));
      Throwable t = null;
      try (RsdClient client = RsdClient.connect("127.0.0.1", device.getLocalPort(), CLIENT_OPTIONS)) {
        client.peerInfo();
      } catch (IOException expected) {
        // Refused.
      } catch (RuntimeException | Error e) {
        t = e;
      }
      try {
        playing.get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("the client did not close its end after connect ended");
      }
      if (t != null) {
        throw new AssertionError("connect threw " + t, t);
      }
    }
  }

  /** Accepts one client, writes {@code bytes} while draining what it sends, then closes once the client does. */
  private static void play(ServerSocket device, byte[] bytes) {
    try (Socket s = device.accept()) {
      s.setSoTimeout(BOUND_MILLIS);
      CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> {
        try {
          s.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
          // Closed.
        }
      });
      try {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        s.shutdownOutput();
      } catch (IOException clientGaveUp) {
        // The client closed first.
      }
      drain.get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("fake device: " + e, e);
    }
  }

  private static SilentCloseable loopbackOnly() {
    return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1")
        || host.equals("localhost") || host.equals("::1") || host.startsWith("/127.0.0.1"));
  }

  private static NSDictionary dict(String... kv) {
    NSDictionary d = new NSDictionary();
    for (int i = 0; i < kv.length; i += 2) {
      d.put(kv[i], kv[i + 1]);
    }
    return d;
  }

  private static byte[] framed(NSDictionary... plists) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (NSDictionary d : plists) {
      RsdCheckin.write(out, d);
    }
    return out.toByteArray();
  }

  private static byte[] framed(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) (body.length >>> 24), (byte) (body.length >>> 16), (byte) (body.length >>> 8),
        (byte) body.length});
    out.writeBytes(body);
    return out.toByteArray();
  }
}
