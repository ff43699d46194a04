package dtxkit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dtxkit.runtime.testing.FuzzSeeds;
import dtxkit.runtime.testing.NoStderr;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzz targets (Jazzer) for whole DTX connections: the input is everything the peer sends, then the
 * peer closes its end.
 *
 * <p>The two memory-pipe targets run the connection's reading loop on the fuzzer's own thread
 * ({@link DtxConnectionOptions#runReaderWith}) after writing the input: the connection's code is the same as with a
 * reading thread (decoder, router, channels, the default delivery pool and the writer), but an input costs no thread
 * start and no wake-ups of a reader, which were two thirds of its time.
 *
 * <ul>
 *   <li>{@link #dtxClientConnection}: a host-side {@link DtxConnection} over a memory pipe that opens the XCTest
 *       proxy channel and calls it while device bytes arrive (seeds: what devices sent, conn-in*,
 *       instruments-metrics and the single messages).
 *   <li>{@link #dtxServiceConnection}: a device-side {@link DtxConnection} serving a registry over a memory pipe,
 *       fed what a host sends (seeds: conn-out* and the single requests).
 *   <li>{@link #dtxServer}: the same fed to a {@link DtxServer} over loopback TCP, one connection per input; the
 *       accept loop must take every one.
 * </ul>
 *
 * <p>A finding: a connection still open {@value #BOUND_SECONDS} s after the peer's end, one closed for anything but
 * the peer's end or a {@link DtxProtocolException}, a call still pending after the close, a server that stops
 * accepting.
 */
class ConnectionFuzzTargetsTest {

  static final long BOUND_SECONDS = 10;
  /** Inputs up to this size are written before the reading loop runs: they fit the memory pipe (1 MiB). */
  static final int FEED_FIRST_BYTES = 512 * 1024;
  static final String XCTEST = "dtxproxy:XCTestManager_IDEInterface:XCTestManager_DaemonConnectionInterface";

  private static final ExecutorService DRAINS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fuzz-drain");
    t.setDaemon(true);
    return t;
  });
  private static DtxServer server;

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Answers every call with its arguments (so decoded arguments are archived back), fails "fail". */
  static final class EchoAll implements DtxServiceHandler {
    @Override
    public Object handle(DtxInvocation invocation) throws Exception {
      if (invocation.selector().equals("fail")) {
        throw new DtxRemoteException("FuzzDomain", 7, "failed on purpose");
      }
      return invocation.arguments().isEmpty() ? null : new ArrayList<>(invocation.arguments());
    }
  }

  static DtxServiceRegistry registry() {
    return new DtxServiceRegistry().register(XCTEST, channel -> new EchoAll())
        .register("com.apple.instruments.server.services.deviceinfo", channel -> new EchoAll())
        .register(TestService.ID, channel -> new EchoAll());
  }

  static Stream<Arguments> fromDevice() {
    return Stream.concat(FuzzSeeds.fixtures("dtx", FuzzSeeds.DTX_FROM_DEVICE),
        Stream.of(FuzzSeeds.named("random after a magic", new byte[] {0x79, 0x5B, 0x3D, 0x1F, 32, 0, 0, 0})));
  }

  static Stream<Arguments> fromHost() {
    return FuzzSeeds.fixtures("dtx", FuzzSeeds.DTX_FROM_HOST);
  }

  @MethodSource("fromDevice")
  @FuzzTest(maxDuration = "5m")
  void dtxClientConnection(byte[] input) throws Exception {
    NoStderr.check(() -> dtxClientConnectionInput(input));
  }

  /** One input of {@link #dtxClientConnection}. */
  private void dtxClientConnectionInput(byte[] input) throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    Runnable[] readingLoop = new Runnable[1];
    DtxConnection connection = DtxConnection.builder(pair.a()).awaitPeerCapabilities(false)
        .callTimeout(Duration.ofSeconds(BOUND_SECONDS)).registry(registry()).name("fuzz-client")
        .runReaderWith(loop -> readingLoop[0] = loop).connect();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    try {
      CompletableFuture<Void> drained = drain(pair.b().input());
      CompletableFuture<DtxChannel> open = connection.openChannelAsync(XCTEST, new DtxChannelListener() {});
      calls.add(open);
      calls.add(open.thenCompose(c -> c.invokeAsync("_IDE_initiateControlSessionWithProtocolVersion:",
          DtxArgument.object(36L))));
      calls.add(connection.controlChannel().invokeAsync("_IDE_authorizeTestSessionWithProcessID:",
          DtxArgument.object(17L)));
      readOnThisThread(pair.b().output(), input, readingLoop[0]);
      awaitEnd(connection);
      drained.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } finally {
      connection.close();
      pair.b().close();
    }
    for (CompletableFuture<?> call : calls) {
      try {
        call.get(BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("a call was still pending " + BOUND_SECONDS + " s after the connection closed");
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException failed) {
        // Failed by the close or by the peer: an ending.
      }
    }
  }

  @MethodSource("fromHost")
  @FuzzTest(maxDuration = "5m")
  void dtxServiceConnection(byte[] input) throws Exception {
    NoStderr.check(() -> dtxServiceConnectionInput(input));
  }

  /** One input of {@link #dtxServiceConnection}. */
  private void dtxServiceConnectionInput(byte[] input) throws Exception {
    DtxTransport.Pair pair = DtxTransport.memoryPair();
    Runnable[] readingLoop = new Runnable[1];
    DtxConnection connection = DtxConnection.builder(pair.a()).awaitPeerCapabilities(false)
        .registry(registry()).name("fuzz-service").runReaderWith(loop -> readingLoop[0] = loop).connect();
    try {
      CompletableFuture<Void> drained = drain(pair.b().input());
      readOnThisThread(pair.b().output(), input, readingLoop[0]);
      awaitEnd(connection);
      drained.get(BOUND_SECONDS, TimeUnit.SECONDS);
    } finally {
      connection.close();
      pair.b().close();
    }
  }

  @MethodSource("fromHost")
  @FuzzTest(maxDuration = "5m")
  void dtxServer(byte[] input) throws Exception {
    NoStderr.check(() -> dtxServerInput(input));
  }

  /** One input of {@link #dtxServer}. */
  private void dtxServerInput(byte[] input) throws Exception {
    try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections(
        (host, port) -> host.equals("127.0.0.1") || host.equals("localhost"))) {
      runOnServer(input);
    }
  }

  /** One input of {@link #dtxServer}, without Jazzer's network sanitizer scope (for timing it outside Jazzer). */
  static void runOnServer(byte[] input) throws Exception {
    {
      if (server == null) {
        server = DtxServer.builder(registry()).bindAddress(InetAddress.getLoopbackAddress()).start();
      }
      int clientPort;
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        clientPort = s.getLocalPort();
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
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
          throw new AssertionError("the server kept the connection open " + BOUND_SECONDS + " s after the end");
        } catch (IOException reset) {
          // A reset is an ending too.
        }
      }
      // This input's connection (the server names it after the client's port) leaves the server's list too. It
      // usually has by now, or does within microseconds: wait on its close, then yield rather than sleep (a 1 ms
      // sleep per input capped the target at about 900 inputs/s).
      String mine = "-" + clientPort + " ";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
      for (DtxConnection c : server.connections()) {
        if (c.description().contains(mine)) {
          try {
            c.closeFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // Judged below by the list.
          }
        }
      }
      List<String> left = open(mine);
      for (int spins = 0; !left.isEmpty() && System.nanoTime() < deadline; spins++) {
        if (spins < 1000) {
          Thread.yield();
        } else {
          Thread.sleep(1);
        }
        left = open(mine);
      }
      assertEquals(List.of(), left, "connection still listed " + BOUND_SECONDS + " s after its socket closed");
    }
  }

  private static List<String> open(String nameContains) {
    List<String> out = new ArrayList<>();
    for (DtxConnection c : server.connections()) {
      if (c.description().contains(nameContains)) {
        out.add(c.description() + (c.isOpen() ? " (open)" : " (closed)"));
      }
    }
    return out;
  }

  private static CompletableFuture<Void> drain(InputStream in) {
    return CompletableFuture.runAsync(() -> {
      try {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException closed) {
        // The connection closed its end.
      }
    }, DRAINS);
  }

  /**
   * Feeds the input and the peer's end, then runs the connection's reading loop on this thread until it ends. An
   * input that fits the pipe is written first, so the loop never waits for bytes; a larger one (a checked-in seed)
   * is fed from another thread while the loop reads.
   */
  private static void readOnThisThread(OutputStream out, byte[] input, Runnable readingLoop) throws Exception {
    if (input.length <= FEED_FIRST_BYTES) {
      feedAndEnd(out, input);
      readingLoop.run();
      return;
    }
    CompletableFuture<Void> fed = CompletableFuture.runAsync(() -> feedAndEnd(out, input), DRAINS);
    readingLoop.run();
    fed.get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  private static void feedAndEnd(OutputStream out, byte[] input) {
    try {
      out.write(input);
      out.flush();
    } catch (IOException closedEarly) {
      // The connection failed and closed before taking everything.
    } finally {
      try {
        out.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }

  /** The connection ends within the bound, for the peer's end or a protocol error, nothing else. */
  private static void awaitEnd(DtxConnection connection) throws Exception {
    try {
      connection.closeFuture().get(BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("connection still open " + BOUND_SECONDS + " s after the peer's end");
    }
    DtxConnectionClosedException why = connection.closeCause();
    Throwable cause = why == null ? null : why.getCause();
    if (cause != null && !(cause instanceof DtxProtocolException) && !(cause instanceof IOException)) {
      throw new AssertionError("connection ended by " + cause, cause);
    }
  }
}
