package dtxkit.runtime.rsd.client;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz target (Jazzer) for {@link RsdClient#connect} against a fake device that plays the input back
 * and closes, seeded with what a real RsdServer sent a real client (recorded through a forwarding socket when the
 * seeds are built). A finding: anything but an {@link IOException} escaping connect, or a connect that does not end
 * and close its socket.
 */
class RsdClientFuzzTargetsTest {

  static final int BOUND_MILLIS = 10_000;
  private static final RsdClient.Options CLIENT_OPTIONS = new RsdClient.Options(RsdClientServerTest.HOST,
      Duration.ofSeconds(3), Duration.ofSeconds(3), "dtxkit", RsdClientServerTest.OPTIONS.xpc());

  private static ServerSocket device;

  @AfterAll
  static void stop() throws IOException {
    if (device != null) {
      device.close();
      device = null;
    }
  }

  /**
   * Recorded over loopback before Jazzer's agent is attached: {@code BugDetectors} must not be touched here, its class
   * would initialise without the sanitizers and fail every later call.
   */
  static Stream<Arguments> deviceStreams() throws Exception {
    return Stream.of(FuzzSeeds.named("recorded server opening", RsdClientFuzzTest.recordServerOpening()));
  }

  @MethodSource("deviceStreams")
  @FuzzTest(maxDuration = "5m")
  void rsdClient(byte[] input) throws Exception {
    NoStderr.check(() -> rsdClientInput(input));
  }

  /** One input of {@link #rsdClient}. */
  private void rsdClientInput(byte[] input) throws Exception {
    try (SilentCloseable loopbackOnly = loopbackOnly()) {
      run(input);
    }
  }

  /** One input, without Jazzer's network sanitizer scope (for timing the target outside Jazzer). */
  static void run(byte[] input) throws Exception {
    {
      if (device == null) {
        device = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      }
      CompletableFuture<Void> playing = CompletableFuture.runAsync(() -> play(device, input), DEVICE);
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

  /**
   * The fake device's one thread, kept for the whole run: a thread per input (and the common pool's compensating
   * threads, which the first version used) cost more than the input itself on a loaded machine.
   */
  private static final java.util.concurrent.ExecutorService DEVICE =
      java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rsd-client-fuzz-device");
        t.setDaemon(true);
        return t;
      });

  /**
   * Accepts one client, writes {@code bytes}, then drains what the client sends until it closes, on one thread: the
   * socket's send buffer (hundreds of KiB on loopback) takes a fuzzer's input (8 KiB at most) without blocking, and
   * the client's own writes (its handshake, under 1 KiB) wait in the other direction's buffer until drained.
   */
  private static void play(ServerSocket device, byte[] bytes) {
    try (Socket s = device.accept()) {
      s.setSoTimeout(BOUND_MILLIS);
      s.setSendBufferSize(Math.max(64 * 1024, bytes.length + 1024));
      try {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        s.shutdownOutput();
      } catch (IOException clientGaveUp) {
        // The client closed first.
      }
      try {
        s.getInputStream().transferTo(OutputStream.nullOutputStream());
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("the client did not close its end within " + BOUND_MILLIS + " ms", e);
      } catch (IOException closed) {
        // Closed (or reset) by the client.
      }
    } catch (IOException e) {
      throw new AssertionError("fake device: " + e, e);
    }
  }

  private static SilentCloseable loopbackOnly() {
    return BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1")
        || host.equals("localhost") || host.equals("::1") || host.startsWith("/127.0.0.1"));
  }
}
