package dtxkit.runtime.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop that {@code DtxServer} and {@code RsdServer} share: one thread accepts sockets and hands each to a
 * {@link Handler}, and no failure to serve one connection stops it.
 *
 * <ul>
 * <li>Whatever the handler throws, {@link Error}s included (an {@code OutOfMemoryError: unable to create native
 *     thread} is the usual one), the socket is closed, {@link #failedConnections()} counts it, one line is logged
 *     (the stack trace at DEBUG) and the loop accepts the next client.</li>
 * <li>At most {@link Builder#maxConnections(int)} connections (default {@value #DEFAULT_MAX_CONNECTIONS}) are
 *     served at once; a client beyond that is accepted and closed at once and counted in
 *     {@link #refusedConnections()}: it sees end-of-stream, never a hang.</li>
 * <li>A failing {@code accept} (file descriptors exhausted) is counted and retried after a short pause, so the port
 *     never stays in LISTEN with nobody accepting.</li>
 * </ul>
 *
 * <p>The handler gets a {@link Slot} and returns a handle that closes the connection; the loop counts the connection
 * as open until the owner calls {@link Slot#release()} (or the handle's {@code close} ends it when the loop closes).
 */
public final class AcceptLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AcceptLoop.class);

  /** The default connection cap per server. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;

  private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Serves one accepted socket. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Starts serving {@code socket} (without blocking on the peer).
     *
     * @param socket the accepted socket; on return the handler owns it
     * @param slot the connection's slot: call {@link Slot#release()} once when the connection ends
     * @param number the connection's ordinal on this loop, from 1, for names and logs
     * @return something that closes the connection when the loop closes
     * @throws Exception anything; the loop closes the socket, releases the slot and keeps accepting
     */
    AutoCloseable serve(Socket socket, Slot slot, int number) throws Exception;
  }

  /** One connection's place in the cap. */
  public interface Slot {
    /** The connection ended; frees its place under the cap. Idempotent. */
    void release();
  }

  private final String name;
  private final Handler handler;
  private final int maxConnections;
  private final ServerSocket serverSocket;
  private final ThreadFactory threadFactory;
  private Thread thread;
  private final Set<SlotImpl> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong acceptErrors = new AtomicLong();
  /** When the last "refusing" line was logged (nanoTime), so that a client cannot fill the log. */
  private long lastRefusalLog = System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS;
  private volatile boolean closed;

  private AcceptLoop(Builder b) throws IOException {
    this.name = b.name;
    this.handler = b.handler;
    this.maxConnections = b.maxConnections;
    this.threadFactory = b.threadFactory;
    this.serverSocket = new ServerSocket();
    try {
      serverSocket.bind(new InetSocketAddress(b.address, b.port), b.backlog);
    } catch (IOException | RuntimeException e) {
      closeQuietly(serverSocket);
      throw e;
    }
  }

  /**
   * Starts the accept thread; once only. On failure the server socket is closed.
   *
   * @return this loop
   * @throws IOException when the thread cannot be created or started
   */
  public synchronized AcceptLoop start() throws IOException {
    if (thread != null) {
      throw new IllegalStateException(name + " already started");
    }
    try {
      Thread t = threadFactory.newThread(this::loop);
      if (t == null) {
        throw new IOException("the thread factory gave no thread for the accept loop of " + name);
      }
      t.setName(name + "-accept-" + serverSocket.getLocalPort());
      t.start();
      thread = t;
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(serverSocket);
      if (e instanceof Error err && !(e instanceof OutOfMemoryError)) {
        throw err;
      }
      throw e instanceof IOException io ? io
          : new IOException("could not start the accept loop of " + name + ": " + e, e);
    }
    return this;
  }

  /**
   * Starts building an accept loop.
   *
   * @param name names the thread and log lines, e.g. {@code "dtx-server"}
   * @param handler serves each accepted socket
   * @return a builder
   */
  public static Builder builder(String name, Handler handler) {
    return new Builder(Objects.requireNonNull(name, "name"), Objects.requireNonNull(handler, "handler"));
  }

  /** The bound port. */
  public int port() {
    return serverSocket.getLocalPort();
  }

  /** The bound address and port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** Connections accepted and handed to the handler so far (refused ones not included). */
  public int acceptedConnections() {
    return accepted.get();
  }

  /** Connections being served now. */
  public int openConnections() {
    return open.size();
  }

  /** Connections the handler failed to serve (closed at once). */
  public long failedConnections() {
    return failed.get();
  }

  /** Connections refused because {@link Builder#maxConnections(int)} were open. */
  public long refusedConnections() {
    return refused.get();
  }

  /** Times {@code accept} itself failed (e.g. no file descriptor left); each was retried. */
  public long acceptErrors() {
    return acceptErrors.get();
  }

  /** The connection cap. */
  public int maxConnections() {
    return maxConnections;
  }

  private void loop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (acceptErrors.incrementAndGet() == 1) {
          LOG.warn("{} on port {}: accept failed ({}); retrying", name, port(), e.toString());
        } else {
          LOG.debug("{} on port {}: accept failed again", name, port(), e);
        }
        pause();
        continue;
      }
      serveOne(socket);
    }
  }

  private void serveOne(Socket socket) {
    if (open.size() >= maxConnections) {
      long total = refused.incrementAndGet();
      long now = System.nanoTime();
      if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_NANOS) {
        lastRefusalLog = now;
        LOG.warn("{} on port {}: {} connections open, refusing more ({} refused so far; at most one line a minute)",
            name, port(), maxConnections, total);
      }
      closeQuietly(socket);
      return;
    }
    int n = accepted.incrementAndGet();
    SlotImpl slot = new SlotImpl();
    open.add(slot);
    try {
      slot.connection = handler.serve(socket, slot, n);
      if (closed) {
        slot.closeConnection();
      }
    } catch (Throwable t) {
      failed.incrementAndGet();
      LOG.warn("{} on port {}: could not serve connection #{} from {}: {}", name, port(), n,
          socket.getRemoteSocketAddress(), t.toString());
      LOG.debug("{}: connection #{} failure", name, n, t);
      closeQuietly(socket);
      slot.closeConnection();
      slot.release();
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.trace("close failed: {}", e.toString());
    }
  }

  /**
   * Stops accepting, closes every open connection's handle and waits (bounded) for the accept thread. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    closeQuietly(serverSocket);
    for (SlotImpl s : List.copyOf(open)) {
      s.closeConnection();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class SlotImpl implements Slot {
    volatile AutoCloseable connection;

    @Override
    public void release() {
      open.remove(this);
    }

    void closeConnection() {
      AutoCloseable c = connection;
      if (c != null) {
        try {
          c.close();
        } catch (Throwable e) {
          LOG.debug("{}: closing a connection failed", name, e);
        }
      }
    }
  }

  /** Configures an {@link AcceptLoop}. */
  public static final class Builder {
    private final String name;
    private final Handler handler;
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private int backlog = 50;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private ThreadFactory threadFactory = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };

    private Builder(String name, Handler handler) {
      this.name = name;
      this.handler = handler;
    }

    /** Where to listen (default loopback). */
    public Builder bindAddress(InetAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port, 0 (the default) for any free one. */
    public Builder port(int port) {
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The listen backlog (default 50). */
    public Builder backlog(int backlog) {
      if (backlog <= 0) {
        throw new IllegalArgumentException("backlog must be positive: " + backlog);
      }
      this.backlog = backlog;
      return this;
    }

    /** The most connections served at once (default {@value AcceptLoop#DEFAULT_MAX_CONNECTIONS}). */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** Makes the accept thread (default: a daemon platform thread). */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /**
     * Binds; {@link AcceptLoop#start()} then starts accepting.
     *
     * @throws IOException when the address cannot be bound
     */
    public AcceptLoop bind() throws IOException {
      return new AcceptLoop(this);
    }
  }
}
