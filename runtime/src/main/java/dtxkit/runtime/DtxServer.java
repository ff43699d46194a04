package dtxkit.runtime;

import dtxkit.runtime.net.AcceptLoop;
import dtxkit.runtime.wire.DtxMemoryBudget;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
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
 *
 * <p><b>Hostile clients.</b> Every connection of a server reserves what its client makes it hold (messages being
 * reassembled, decompressed payloads, replies queued for a client that does not read) in one
 * {@link DtxMemoryBudget} shared by all of them ({@link Builder#memoryBudget}; by default
 * {@link Builder#DEFAULT_MEMORY_BUDGET_BYTES} or half the heap, whichever is less): the client that would pass it
 * loses its own connection, never the others or the process. A connection that receives nothing for
 * {@link Builder#idleTimeout} (default {@link Builder#DEFAULT_IDLE_TIMEOUT}) is closed, which also ends half-open
 * ones. {@link Builder#configureConnections} may still set either per connection.
 */
public final class DtxServer implements Closeable {

  private final DtxServiceRegistry registry;
  private final Consumer<DtxConnection.Builder> configurer;
  private final Set<DtxConnection> connections = ConcurrentHashMap.newKeySet();
  private final AcceptLoop acceptLoop;
  private final DtxMemoryBudget memoryBudget;
  private final Duration idleTimeout;
  private final ThreadFactory connectionThreads;
  private volatile boolean closed;

  private DtxServer(Builder b) throws IOException {
    this.registry = b.registry;
    this.configurer = b.configurer;
    this.memoryBudget = b.memoryBudget != null ? b.memoryBudget : DtxMemoryBudget.of(Builder.defaultBudgetBytes());
    this.idleTimeout = b.idleTimeout;
    this.connectionThreads = b.threadFactorySet ? b.threadFactory : null;
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

  /** The memory budget shared by this server's connections (what {@link DtxMemoryBudget#used()} they hold now). */
  public DtxMemoryBudget memoryBudget() {
    return memoryBudget;
  }

  /** The idle timeout of this server's connections ({@link Duration#ZERO}: none). */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  private AutoCloseable serve(Socket socket, AcceptLoop.Slot slot, int number) throws IOException {
    DtxConnection.Builder builder = DtxConnection.builder(DtxTransport.of(socket)).registry(registry)
        .capabilities(registry.publishedCapabilities()).awaitPeerCapabilities(false).readerHandOff(true)
        .name("dtx-server-" + port() + "-" + socket.getPort())
        .memoryBudget(memoryBudget).idleTimeout(idleTimeout);
    if (connectionThreads != null) {
      builder.threadFactory(connectionThreads);
    }
    configurer.accept(builder);
    // Listed before its reader starts: once a client's call is answered, connections() shows its connection (it
    // used to be added after connect() returned, which a busy accept thread could leave for later).
    DtxConnection[] made = new DtxConnection[1];
    builder.beforeStart = c -> {
      made[0] = c;
      connections.add(c);
    };
    DtxConnection connection;
    try {
      connection = builder.connect();
    } catch (IOException | RuntimeException | Error e) {
      if (made[0] != null) {
        connections.remove(made[0]);
      }
      throw e;
    }
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
    /** The most a server's connections hold together by default (or half the heap, if that is less): 256 MiB. */
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 256L << 20;
    /** How long a connection may receive nothing before the server closes it, by default: 10 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final DtxServiceRegistry registry;
    private DtxMemoryBudget memoryBudget;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private boolean threadFactorySet;
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
     * Makes every thread of the server: its accept thread, and each connection's threads (passed to
     * {@link DtxConnection.Builder#threadFactory}, see there). Default: a daemon platform thread for accepting, and
     * the connections' own defaults. Pass {@code Thread.ofVirtual().factory()} on JDK 21+ for virtual threads.
     * {@link #configureConnections} may still set another per connection.
     *
     * @param threadFactory the factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      this.threadFactorySet = true;
      return this;
    }

    /**
     * The memory budget the server's connections share (default: a new one of
     * {@link #DEFAULT_MEMORY_BUDGET_BYTES} or half the maximum heap, whichever is less). Pass one budget to several
     * servers to bound them together.
     *
     * @param budget the budget
     * @return this builder
     */
    public Builder memoryBudget(DtxMemoryBudget budget) {
      this.memoryBudget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Closes a connection that receives nothing for this long (default {@link #DEFAULT_IDLE_TIMEOUT}); also ends
     * half-open connections. {@link Duration#ZERO} for none (a client may then hold a connection for ever).
     *
     * @param timeout the timeout, or zero
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = DtxConnectionOptions.notNegative(timeout);
      return this;
    }

    static long defaultBudgetBytes() {
      return Math.min(DEFAULT_MEMORY_BUDGET_BYTES, Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 2));
    }

    /**
     * Adjusts each connection's builder before it connects (capabilities, timeouts, executor...). The registry,
     * "do not wait for the client's capabilities", the server's memory budget, idle timeout and (when set) thread
     * factory are already set; the configurer may replace them.
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
