package dtxkit.runtime.rsd.server;

import dtxkit.runtime.net.AcceptLoop;
import dtxkit.runtime.rsd.RsdCheckin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code *.shim.remote} service port for a mock device: answers each client's {@code RSDCheckin}, then hands the
 * socket to the service. Put its {@link #port()} in the served {@link dtxkit.runtime.rsd.PeerInfo}.
 */
public final class RsdCheckinResponder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RsdCheckinResponder.class);
  private static final int CHECKIN_TIMEOUT_MILLIS = 30_000;

  /** Serves one checked-in connection; runs on its own thread and owns the socket. */
  @FunctionalInterface
  public interface Service {
    /**
     * @param socket the client connection after a successful checkin; closed after this returns
     * @param label the client's {@code Label}
     */
    void serve(Socket socket, String label) throws IOException;
  }

  private final Service service;
  private final ThreadFactory threadFactory;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AcceptLoop acceptLoop;
  private final AtomicLong failedServing = new AtomicLong();
  private volatile boolean closed;

  /**
   * Binds to a free port on {@code bindAddress} and starts accepting.
   *
   * @param bindAddress where to listen
   * @param service what runs after the checkin
   */
  public RsdCheckinResponder(InetAddress bindAddress, Service service) throws IOException {
    this(bindAddress, service, DAEMON_THREADS);
  }

  /**
   * Binds to a free port on {@code bindAddress} and starts accepting, with threads from {@code threadFactory} (the
   * accept thread and one per connection). Like the RSD server it survives a connection it cannot serve and serves
   * at most {@value AcceptLoop#DEFAULT_MAX_CONNECTIONS} at once: whatever fails for one connection, {@link Error}s
   * included (no thread for it, a service that throws {@code OutOfMemoryError}), closes that socket, is counted in
   * {@link #failedConnections()} and logged in one line, and the port goes on accepting.
   *
   * @param bindAddress where to listen
   * @param service what runs after the checkin
   * @param threadFactory makes the threads
   */
  public RsdCheckinResponder(InetAddress bindAddress, Service service, ThreadFactory threadFactory)
      throws IOException {
    this.service = service;
    this.threadFactory = threadFactory;
    this.acceptLoop = AcceptLoop.builder("rsd-checkin", this::accept).bindAddress(bindAddress)
        .threadFactory(threadFactory).bind();
    acceptLoop.start();
  }

  private static final ThreadFactory DAEMON_THREADS = r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  };

  /** The bound port. */
  public int port() {
    return acceptLoop.port();
  }

  /**
   * Connections that failed: no thread could be made for them, or the checkin or the service threw something other
   * than an {@link IOException} (an {@code IOException}, the peer's doing, is logged at INFO and not counted).
   */
  public long failedConnections() {
    return acceptLoop.failedConnections() + failedServing.get();
  }

  private AutoCloseable accept(Socket s, AcceptLoop.Slot slot, int n) {
    open.add(s);
    Thread t;
    try {
      t = threadFactory.newThread(() -> {
        try {
          serve(s);
        } finally {
          slot.release();
        }
      });
      if (t == null) {
        throw new IllegalStateException("the thread factory gave no thread");
      }
      t.setName("dtxkit-rsd-checkin-conn-" + n);
      t.start();
    } catch (RuntimeException | Error e) {
      open.remove(s);
      throw e;
    }
    return s;
  }

  private void serve(Socket s) {
    try (s) {
      // A client that starts the checkin and stalls is not held for ever; the service sets its own timeouts.
      s.setSoTimeout(CHECKIN_TIMEOUT_MILLIS);
      String label = RsdCheckin.respond(s.getInputStream(), s.getOutputStream(), null);
      s.setSoTimeout(0);
      service.serve(s, label);
    } catch (IOException e) {
      if (!closed) {
        log.info("checkin service on port {}: {}", port(), e.toString());
      }
    } catch (Throwable t) {
      // Any failure ends this connection only (the socket is closed above); the thread ends here with one line.
      failedServing.incrementAndGet();
      log.warn("checkin service on port {}: a connection failed: {}", port(), t.toString());
      log.debug("checkin service on port {}: connection failure", port(), t);
    } finally {
      open.remove(s);
    }
  }

  /** Stops accepting and closes open connections. */
  @Override
  public void close() throws IOException {
    closed = true;
    acceptLoop.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
