package dtxkit.samples.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dtxkit.runtime.testing.FailingThreads;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 item 1 for the recording proxy's ports: a client for whom no thread can be made is closed and counted, and
 * the port goes on forwarding the next client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PortForwarderResilienceTest {

  @Test
  void noThreadForOneClientClosesItAndTheNextIsForwarded() throws Exception {
    // The first thread would forward the first client.
    FailingThreads threads = FailingThreads.onCall(1);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket upstream = new ServerSocket(0, 4, loopback);
        RecordingWriter recording = new RecordingWriter(new ByteArrayOutputStream());
        PortForwarder forwarder = new PortForwarder("rsd", "com.example.echo", new InetSocketAddress(loopback, 0),
            upstream.getLocalSocketAddress(), recording, 8, threads)) {
      int port = ((InetSocketAddress) forwarder.address()).getPort();
      try (Socket refused = new Socket(loopback, port)) {
        refused.setSoTimeout(10_000);
        try {
          assertEquals(-1, refused.getInputStream().read(), "the client nobody can forward is closed");
        } catch (java.net.SocketException reset) {
          // Closed by the proxy as well.
        }
      }
      assertEquals(1, forwarder.failed());
      upstream.setSoTimeout(10_000);
      try (Socket client = new Socket(loopback, port); Socket device = upstream.accept()) {
        client.setSoTimeout(10_000);
        device.setSoTimeout(10_000);
        client.getOutputStream().write(7);
        assertEquals(7, device.getInputStream().read());
        device.getOutputStream().write(9);
        assertEquals(9, client.getInputStream().read());
      }
      assertEquals(1, forwarder.failed());
      assertEquals(3, threads.calls(), "two threads for the forwarded client");
    }
  }
}
