package dtxkit.runtime.rsd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dtxkit.runtime.rsd.server.RsdServer;
import dtxkit.runtime.testing.Mutations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link RsdClient#connect} against a fake device that plays back mutations of what a real {@link RsdServer} sent
 * (settings, window update, the two streams' answers, the peer info) and then closes: every attempt ends within a
 * bound, either connected or with an IOException; nothing else escapes.
 */
class RsdClientFuzzTest {

  private static final RsdClient.Options OPTIONS = new RsdClient.Options(RsdClientServerTest.HOST,
      Duration.ofSeconds(3), Duration.ofSeconds(3), "dtxkit", RsdClientServerTest.OPTIONS.xpc());

  /** Records what a real server sends to a real client, up to the peer info, through a forwarding socket. */
  static byte[] recordServerOpening() throws Exception {
    try (RsdServer server = RsdServer.builder(RsdClientServerTest.device().build()).start();
        ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ByteArrayOutputStream recorded = new ByteArrayOutputStream();
      CompletableFuture<Void> forwarding = CompletableFuture.runAsync(() -> {
        try (Socket client = proxy.accept(); Socket upstream = new Socket(server.address(), server.port())) {
          Thread up = new Thread(() -> pump(client, upstream, null));
          up.setDaemon(true);
          up.start();
          pump(upstream, client, recorded);
        } catch (IOException e) {
          // The client closed; what was recorded stands.
        }
      });
      try (RsdClient client = RsdClient.connect("127.0.0.1", proxy.getLocalPort(), OPTIONS)) {
        assertEquals("00008110-001A2B3C4D5E801E", client.peerInfo().udid());
      }
      forwarding.get(10, TimeUnit.SECONDS);
      synchronized (recorded) {
        return recorded.toByteArray();
      }
    }
  }

  private static void pump(Socket from, Socket to, ByteArrayOutputStream copy) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (copy != null) {
          synchronized (copy) {
            copy.write(buf, 0, n);
          }
        }
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // One side closed.
    }
  }

  @Test
  void aClientFedAMutatedDeviceEndsConnectedOrWithAnIoError() throws Exception {
    byte[] seed = recordServerOpening();
    assertTrue(seed.length > 100, "recorded " + seed.length + " bytes");
    List<Mutations.Case> all = Mutations.of(seed, 64, 120, 71);
    int failed = 0;
    try (ServerSocket device = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < all.size(); i += 12) {
        Mutations.Case c = all.get(i);
        CompletableFuture<Void> playing = CompletableFuture.runAsync(() -> play(device, c.bytes()));
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
          try (RsdClient client = RsdClient.connect("127.0.0.1", device.getLocalPort(), OPTIONS)) {
            return null;
          } catch (Throwable t) {
            return t;
          }
        });
        Throwable t;
        try {
          t = outcome.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          fail("case '" + c.name() + "': connect did not end within 15 s");
          return;
        }
        playing.get(15, TimeUnit.SECONDS);
        if (t != null) {
          if (!(t instanceof IOException)) {
            fail("case '" + c.name() + "' threw " + t, t);
          }
          failed++;
        }
      }
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
    assertTrue(failed > 0);
  }

  /** Accepts one client, writes {@code bytes} while draining what it sends, then closes once the client does. */
  private static void play(ServerSocket device, byte[] bytes) {
    try (Socket s = device.accept()) {
      s.setSoTimeout(10_000);
      Thread drain = new Thread(() -> {
        try {
          s.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
          // Closed.
        }
      });
      drain.setDaemon(true);
      drain.start();
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      s.shutdownOutput();
      drain.join(10_000);
    } catch (IOException e) {
      // The client gave up first.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
