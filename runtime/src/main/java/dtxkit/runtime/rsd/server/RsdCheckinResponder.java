package dtxkit.runtime.rsd.server;

import dtxkit.runtime.rsd.RsdCheckin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code *.shim.remote} service port for a mock device: answers each client's {@code RSDCheckin}, then hands the
 * socket to the service. Put its {@link #port()} in the served {@link PeerInfo}.
 */
public final class RsdCheckinResponder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RsdCheckinResponder.class);

  /** Serves one checked-in connection; runs on its own thread and owns the socket. */
  @FunctionalInterface
  public interface Service {
    /**
     * @param socket the client connection after a successful checkin; closed after this returns
     * @param label the client's {@code Label}
     */
    void serve(Socket socket, String label) throws IOException;
  }

  private final ServerSocket serverSocket;
  private final Service service;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptThread;
  private volatile boolean closed;

  /**
   * Binds to a free port on {@code bindAddress} and starts accepting.
   *
   * @param bindAddress where to listen
   * @param service what runs after the checkin
   */
  public RsdCheckinResponder(InetAddress bindAddress, Service service) throws IOException {
    this.service = service;
    this.serverSocket = new ServerSocket();
    serverSocket.bind(new InetSocketAddress(bindAddress, 0));
    this.acceptThread = new Thread(this::acceptLoop, "dtxkit-rsd-checkin-" + serverSocket.getLocalPort());
    acceptThread.setDaemon(true);
    acceptThread.start();
  }

  /** The bound port. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = serverSocket.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      Thread t = new Thread(() -> serve(s), "dtxkit-rsd-checkin-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      String label = RsdCheckin.respond(s.getInputStream(), s.getOutputStream(), null);
      service.serve(s, label);
    } catch (IOException e) {
      if (!closed) {
        log.info("checkin service on port {}: {}", port(), e.toString());
      }
    } finally {
      open.remove(s);
    }
  }

  /** Stops accepting and closes open connections. */
  @Override
  public void close() throws IOException {
    closed = true;
    serverSocket.close();
    for (Socket s : open) {
      s.close();
    }
    try {
      acceptThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
