package dtxkit.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link DtxServiceRegistry} over TCP: accepts clients on a port and runs one server-role
 * {@link DtxConnection} per client, many at once — what a device's DTServiceHub does, for tests and mock devices.
 *
 * <pre>{@code
 * try (DtxServer server = DtxServer.builder(registry).port(0).start()) {
 *   int port = server.port();   // loopback only unless anyAddress() was asked for
 *   ...
 * }
 * }</pre>
 *
 * <p>Each accepted connection sends its capabilities at once and does not wait for the client's (clients that never
 * send any still work). {@link #close()} stops accepting, closes every connection and waits for the accept thread.
 */
public final class DtxServer implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(DtxServer.class);

  private final DtxServiceRegistry registry;
  private final Consumer<DtxConnection.Builder> configurer;
  private final ServerSocket serverSocket;
  private final Thread acceptThread;
  private final Set<DtxConnection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private DtxServer(Builder b) throws IOException {
    this.registry = b.registry;
    this.configurer = b.configurer;
    this.serverSocket = new ServerSocket();
    try {
      serverSocket.bind(new InetSocketAddress(b.address, b.port), b.backlog);
    } catch (IOException e) {
      serverSocket.close();
      throw e;
    }
    this.acceptThread = new Thread(this::acceptLoop, "dtx-server-" + serverSocket.getLocalPort());
    acceptThread.setDaemon(true);
  }

  /**
   * Starts building a server for {@code registry}.
   *
   * @param registry the services clients may open
   * @return a builder
   */
  public static Builder builder(DtxServiceRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /** The port the server listens on (the chosen one when 0 was asked for). */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** The connections currently open. */
  public List<DtxConnection> connections() {
    return List.copyOf(connections);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("accept on port {} failed; server stops", port(), e);
        }
        return;
      }
      try {
        DtxConnection.Builder builder = DtxConnection.builder(DtxTransport.of(socket)).registry(registry)
            .awaitPeerCapabilities(false).name("dtx-server-" + port() + "-" + socket.getPort());
        configurer.accept(builder);
        DtxConnection connection = builder.connect();
        connections.add(connection);
        connection.closeFuture().thenRun(() -> connections.remove(connection));
        if (closed) {
          connection.close();
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not serve {}", socket.getRemoteSocketAddress(), e);
        try {
          socket.close();
        } catch (IOException ignored) {
          // Already failing; the warning above says why.
        }
      }
    }
  }

  /** Stops accepting, closes every connection (each flushes what it queued) and waits for the accept thread. */
  @Override
  public void close() {
    closed = true;
    try {
      serverSocket.close();
    } catch (IOException e) {
      LOG.debug("closing server socket", e);
    }
    for (DtxConnection connection : List.copyOf(connections)) {
      connection.close();
    }
    try {
      acceptThread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link DtxServer}. */
  public static final class Builder {
    private final DtxServiceRegistry registry;
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private int backlog = 50;
    private Consumer<DtxConnection.Builder> configurer = b -> {};

    private Builder(DtxServiceRegistry registry) {
      this.registry = registry;
    }

    /**
     * The port (default 0: any free port, see {@link DtxServer#port()}).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The address to listen on (default the loopback address).
     *
     * @param address e.g. {@code InetAddress.getByName("::1")}
     * @return this builder
     */
    public Builder bindAddress(InetAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Listens on every address (IPv4 and IPv6 wildcard) rather than loopback only.
     *
     * @return this builder
     */
    public Builder anyAddress() {
      this.address = new InetSocketAddress(0).getAddress();
      return this;
    }

    /**
     * Adjusts each connection's builder before it connects (capabilities, timeouts, executor...). The registry and
     * "do not wait for the client's capabilities" are already set.
     *
     * @param configurer called once per accepted client
     * @return this builder
     */
    public Builder configureConnections(Consumer<DtxConnection.Builder> configurer) {
      this.configurer = Objects.requireNonNull(configurer, "configurer");
      return this;
    }

    /**
     * Binds and starts accepting.
     *
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public DtxServer start() throws IOException {
      DtxServer server = new DtxServer(this);
      server.acceptThread.start();
      return server;
    }
  }
}
