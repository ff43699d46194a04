package dtxkit.runtime.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Http2Connection} when its threads or its write executor are not available: it closes, leaving nothing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Http2ConnectionResourcesTest {

  private static final class Recorder implements Http2Connection.Handler {
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    @Override
    public void onHeaders(Http2Connection c, int streamId, boolean endStream) {}

    @Override
    public void onData(Http2Connection c, int streamId, ByteBuf data, boolean endStream) {}

    @Override
    public void onClosed(Http2Connection c, Throwable cause) {
      closed.complete(cause);
    }
  }

  private static final ThreadFactory DAEMONS = r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  };

  private static void assertPeerSeesEnd(Socket peer) throws IOException {
    peer.setSoTimeout(10_000);
    try {
      // Whatever was written before the close, then end of stream.
      while (peer.getInputStream().read() >= 0) {
        // drain
      }
    } catch (java.net.SocketException reset) {
      // Closed as well.
    }
  }

  @Test
  void noReaderThreadClosesTheConnectionAndThrows() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket ours = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket peer = listener.accept()) {
      Recorder handler = new Recorder();
      Http2Connection c = new Http2Connection(ours, false, Http2Connection.Options.DEFAULT, handler, "nothreads",
          r -> {
            throw new OutOfMemoryError("unable to create native thread");
          }, Runnable::run);
      CompletableFuture<Void> preface = c.writePreface();
      assertThrows(OutOfMemoryError.class, c::start);
      assertTrue(c.isClosed());
      handler.closed.get(5, TimeUnit.SECONDS);
      assertInstanceOf(IOException.class, assertThrows(java.util.concurrent.ExecutionException.class,
          () -> preface.get(5, TimeUnit.SECONDS)).getCause(), "a queued write fails, no caller waits for ever");
      assertTrue(ours.isClosed());
      assertPeerSeesEnd(peer);
      c.awaitTermination();
    }
  }

  @Test
  void aWriteExecutorThatRefusesClosesTheConnectionAndEndsItsReader() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket ours = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket peer = listener.accept()) {
      Recorder handler = new Recorder();
      Executor refusing = task -> {
        throw new RejectedExecutionException("shut down");
      };
      Http2Connection c = new Http2Connection(ours, false, Http2Connection.Options.DEFAULT, handler, "refused",
          DAEMONS, refusing);
      c.writePreface();
      c.start();
      Throwable cause = handler.closed.get(10, TimeUnit.SECONDS);
      assertInstanceOf(IOException.class, cause);
      assertTrue(cause.getMessage().startsWith("could not schedule writing for refused"), cause.getMessage());
      c.awaitTermination();
      assertPeerSeesEnd(peer);
      assertEquals(0, Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals("dtxkit-h2-reader-refused")).count(), "the reader ended");
    }
  }
}
