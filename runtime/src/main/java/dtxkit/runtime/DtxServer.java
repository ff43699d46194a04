package dtxkit.runtime;

import dtxkit.runtime.net.AcceptLoop;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

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
 * send any still work). As a device's DTServiceHub does, it publishes the services it serves:
 * {@link DtxServiceRegistry#publishedCapabilities()} unless {@link Builder#configureConnections} sets others. {@link #close()} stops accepting, closes every connection and
 * waits for the accept thread.
 *
 * <p>Each connection reads with two threads taking turns ({@link DtxConnection.Builder#readerHandOff(boolean)}): the
 * thread that read a request runs its handler and the other goes on reading, which saves a thread wake-up on every
 * call a client makes (about 15 points of the raw round-trip rate, {@code docs/benchmarks.md}). That is the thread
 * budget's two threads per connection; {@code configureConnections(b -> b.readerHandOff(false))} serves each
 * connection with one.
 *
 * <p>The accept loop ({@link AcceptLoop}, shared with the RSD server) survives any failure to serve one client
 * (even an {@code OutOfMemoryError} when no thread can be created): that client's socket is closed, the failure is
 * counted in {@link #failedConnections()} and logged in one line, and the server keeps accepting. At most
 * {@link Builder#maxConnections(int)} clients are served at once.
 */
public final class DtxServer implements Closeable {

  private final DtxServiceRegistry registry;
  private final Consumer<DtxConnection.Builder> configurer;
  private final Set<DtxConnection> connections = ConcurrentHashMap.newKeySet();
  private final AcceptLoop acceptLoop;
  private volatile boolean closed;

  private DtxServer(Builder b) throws IOException {
    this.registry = b.registry;
    this.configurer = b.configurer;
    this.acceptLoop = AcceptLoop.builder("dtx-server", this::serve).bindAddress(b.address).port(b.port)
        .backlog(b.backlog).maxConnections(b.maxConnections).threadFactory(b.threadFactory).bind();
    acceptLoop.start();
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
    return acceptLoop.port();
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return acceptLoop.address();
  }

  /** The connections currently open. */
  public List<DtxConnection> connections() {
    return List.copyOf(connections);
  }

  /** Connections accepted and served so far. */
  public int acceptedConnections() {
    return acceptLoop.acceptedConnections();
  }

  /** Connections that could not be served (closed at once, e.g. no thread could be created for them). */
  public long failedConnections() {
    return acceptLoop.failedConnections();
  }

  /** Connections refused because {@link Builder#maxConnections(int)} were open. */
  public long refusedConnections() {
    return acceptLoop.refusedConnections();
  }

  private AutoCloseable serve(Socket socket, AcceptLoop.Slot slot, int number) throws IOException {
    DtxConnection.Builder builder = DtxConnection.builder(DtxTransport.of(socket)).registry(registry)
        .capabilities(registry.publishedCapabilities()).awaitPeerCapabilities(false).readerHandOff(true)
        .name("dtx-server-" + port() + "-" + socket.getPort());
    configurer.accept(builder);
    DtxConnection connection = builder.connect();
    connections.add(connection);
    connection.closeFuture().whenComplete((v, e) -> {
      connections.remove(connection);
      slot.release();
    });
    if (closed) {
      connection.close();
    }
    return connection;
  }

  /** Stops accepting, closes every connection (each flushes what it queued) and waits for the accept thread. */
  @Override
  public void close() {
    closed = true;
    acceptLoop.close();
    for (DtxConnection connection : List.copyOf(connections)) {
      connection.close();
    }
  }

  /** Configures a {@link DtxServer}. */
  public static final class Builder {
    private final DtxServiceRegistry registry;
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private int backlog = 50;
    private int maxConnections = AcceptLoop.DEFAULT_MAX_CONNECTIONS;
    private ThreadFactory threadFactory = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
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
     * The most clients served at once (default {@value AcceptLoop#DEFAULT_MAX_CONNECTIONS}); a client beyond that
     * is accepted and closed at once, and counted in {@link DtxServer#refusedConnections()}.
     *
     * @param maxConnections at least 1
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Makes the server's accept thread (default: a daemon platform thread); pass
     * {@code Thread.ofVirtual().factory()} on JDK 21+ for a virtual one. Connection threads are configured on each
     * connection's builder through {@link #configureConnections}.
     *
     * @param threadFactory the factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
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
      return new DtxServer(this);
    }
  }
}
