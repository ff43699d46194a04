package dtxkit.runtime;

import dtxkit.runtime.wire.DtxLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The options of {@link DtxConnection.Builder}, with their defaults and checks; the builder adds only where the
 * transport comes from and {@link DtxConnection.Builder#connect()}. A connection reads them once, when it is built.
 *
 * @param <B> the builder type, returned by every option for chaining
 */
abstract class DtxConnectionOptions<B extends DtxConnectionOptions<B>> {

  Duration connectTimeout = DtxTransport.DEFAULT_CONNECT_TIMEOUT;
  Map<String, Object> capabilities = DtxConnection.defaultCapabilities();
  boolean awaitPeerCapabilities = true;
  Duration handshakeTimeout = Duration.ofSeconds(15);
  Duration callTimeout = Duration.ofSeconds(30);
  DtxServiceRegistry registry;
  DtxChannelListener controlListener;
  DtxServiceHandler controlHandler;
  Executor deliveryExecutor;
  int maxQueuedPerChannel = 10_000;
  DtxLimits limits = DtxLimits.defaults();
  String name;
  ThreadFactory threadFactory;
  boolean readerHandOff;
  java.util.function.Consumer<Runnable> readerRunner;
  Duration idleTimeout = Duration.ZERO;
  Duration reassemblyTimeout = Duration.ofSeconds(60);
  Duration writeTimeout = Duration.ofSeconds(60);
  long maxQueuedReplyBytes = 4L << 20;
  dtxkit.runtime.wire.DtxMemoryBudget memoryBudget = dtxkit.runtime.wire.DtxMemoryBudget.unlimited();

  DtxConnectionOptions() {}

  /** This builder, typed as the subclass. */
  abstract B self();

  /**
   * How long {@link DtxConnection.Builder#connect()} waits for the TCP connection of a builder made with
   * {@link DtxConnection#builder(String, int)} (default {@link DtxTransport#DEFAULT_CONNECT_TIMEOUT}, 10 s); a
   * transport given to {@link DtxConnection#builder(DtxTransport)} is connected already.
   *
   * @param timeout the timeout
   * @return this builder
   */
  public B connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout);
    return self();
  }

  /**
   * The capabilities to announce (default {@link DtxConnection#defaultCapabilities()}).
   *
   * @param capabilities the dictionary, copied
   * @return this builder
   */
  public B capabilities(Map<String, ?> capabilities) {
    this.capabilities = new LinkedHashMap<>(Objects.requireNonNull(capabilities, "capabilities"));
    return self();
  }

  /**
   * Neither sends capabilities nor waits for the peer's: for endpoints that never handshake, such as the
   * accessibility audit daemon, which works on channel 0 alone.
   *
   * @return this builder
   */
  public B skipHandshake() {
    this.capabilities = null;
    return self();
  }

  /**
   * Whether {@link DtxConnection.Builder#connect()} waits for the peer's capabilities (default true). A server does not wait: it sends
   * its own and takes the client's whenever they come.
   *
   * @param await whether to wait
   * @return this builder
   */
  public B awaitPeerCapabilities(boolean await) {
    this.awaitPeerCapabilities = await;
    return self();
  }

  /**
   * How long {@link DtxConnection.Builder#connect()} waits for the peer's capabilities (default 15 s, as pymobiledevice3 does).
   *
   * @param timeout the timeout
   * @return this builder
   */
  public B handshakeTimeout(Duration timeout) {
    this.handshakeTimeout = positive(timeout);
    return self();
  }

  /**
   * How long blocking calls ({@link DtxChannel#invoke}, {@link DtxConnection#openChannel}, cancel) wait for a
   * reply (default 30 s).
   *
   * @param timeout the timeout
   * @return this builder
   */
  public B callTimeout(Duration timeout) {
    this.callTimeout = positive(timeout);
    return self();
  }

  /**
   * The services the peer may open channels to (server role; also how a client accepts the XCTest runner's
   * {@code dtxproxy:} channels). Without a registry every channel request is refused with an NSError.
   *
   * @param registry the registry
   * @return this builder
   */
  public B registry(DtxServiceRegistry registry) {
    this.registry = registry;
    return self();
  }

  /**
   * The listener of channel 0, in place before the first message is read.
   *
   * @param listener the listener
   * @return this builder
   */
  public B controlListener(DtxChannelListener listener) {
    this.controlListener = listener;
    return self();
  }

  /**
   * The handler for invocations on channel 0 other than the capabilities and channel requests.
   *
   * @param handler the handler
   * @return this builder
   */
  public B controlHandler(DtxServiceHandler handler) {
    this.controlHandler = handler;
    return self();
  }

  /**
   * Where listeners, handlers and asynchronous call completions run (default: a pool of daemon threads shared by
   * every connection, or threads from the {@link #threadFactory}). Each channel runs one task at a time, so a slow
   * listener delays only its own channel; the thread that reads never runs user code. A task the executor rejects
   * is not run elsewhere: it is counted, and an invocation among them answered with ERROR.
   *
   * @param executor the executor
   * @return this builder
   */
  public B deliveryExecutor(Executor executor) {
    this.deliveryExecutor = Objects.requireNonNull(executor, "executor");
    return self();
  }

  /**
   * The most undelivered messages one channel may hold (default 10 000); see {@link DtxChannelListener} for what
   * happens beyond.
   *
   * @param max the bound, at least 1
   * @return this builder
   */
  public B maxQueuedPerChannel(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxQueuedPerChannel must be at least 1: " + max);
    }
    this.maxQueuedPerChannel = max;
    return self();
  }

  /**
   * A name for logs and thread names (default {@code dtx-N}).
   *
   * @param name the name
   * @return this builder
   */
  public B name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return self();
  }

  /**
   * The receive limits: message size, fragment size, messages and bytes being reassembled at once (default
   * {@link DtxLimits#defaults()}). A peer over a limit breaks the protocol and the connection drops.
   *
   * @param limits the limits
   * @return this builder
   */
  public B limits(DtxLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    return self();
  }

  /**
   * Where the connection gets its threads (default: platform daemon threads, named after the connection). The
   * connection starts one reading thread from it (two with {@link #readerHandOff(boolean)}); without a
   * {@link #deliveryExecutor}, deliveries and writes left by the reader also run on threads from it (a cached pool
   * per connection) instead of the shared pools. On JDK 21 and later, pass {@code Thread.ofVirtual().factory()} for
   * virtual threads, with no other change.
   *
   * @param factory the factory
   * @return this builder
   */
  public B threadFactory(ThreadFactory factory) {
    this.threadFactory = Objects.requireNonNull(factory, "factory");
    return self();
  }

  /**
   * Whether a second reading thread takes turns with the first (default false: one reading thread per connection).
   * With it, and the default delivery executor, the thread that read a request for an idle channel passes reading
   * to the other and runs the handler itself, saving a thread wake-up per request at the cost of a second thread per
   * connection; {@code docs/benchmarks.md} has what it saves. Ignored with a {@link #deliveryExecutor}.
   *
   * @param handOff true for two reading threads
   * @return this builder
   */
  public B readerHandOff(boolean handOff) {
    this.readerHandOff = handOff;
    return self();
  }

  /**
   * Test seam (the whole-connection fuzz targets): hands the reading loop to {@code runner} when the connection
   * starts, instead of starting a thread for it. The runner may run it on any one thread, later; until then nothing
   * is read. One reader, no twin ({@link #readerHandOff} must be off).
   */
  B runReaderWith(java.util.function.Consumer<Runnable> runner) {
    this.readerRunner = Objects.requireNonNull(runner, "runner");
    return self();
  }

  /**
   * Drops the connection when nothing arrives from the peer and nothing is written to it for this long (default 0:
   * off, since a client may hold an idle connection for hours, e.g. to keep a simulated location; a server should
   * set one, which also ends half-open connections; {@link DtxServer} does by default). A peer that only listens to
   * what the connection streams to it is not idle.
   *
   * @param timeout the timeout, or {@link Duration#ZERO} for none
   * @return this builder
   */
  public B idleTimeout(Duration timeout) {
    this.idleTimeout = notNegative(timeout);
    return self();
  }

  /**
   * Drops the connection when a fragment or a message stays incomplete this long (default 60 s): a peer that
   * declares a large message and then sends nothing, or trickles it a byte at a time. 0 for none.
   *
   * @param timeout the timeout, or {@link Duration#ZERO} for none
   * @return this builder
   */
  public B reassemblyTimeout(Duration timeout) {
    this.reassemblyTimeout = notNegative(timeout);
    return self();
  }

  /**
   * Drops the connection when a write to the peer does not finish in this time (default 60 s): a peer that does
   * not read. 0 for none.
   *
   * @param timeout the timeout, or {@link Duration#ZERO} for none
   * @return this builder
   */
  public B writeTimeout(Duration timeout) {
    this.writeTimeout = notNegative(timeout);
    return self();
  }

  /**
   * The most bytes of replies and refusals the connection queues for the peer on its own (default 4 MiB): beyond,
   * it stops reading the peer until they are written, so a peer that sends requests and never reads the answers
   * holds at most this much (and is dropped by the {@link #writeTimeout}).
   *
   * @param bytes the bound, at least 64 KiB
   * @return this builder
   */
  public B maxQueuedReplyBytes(long bytes) {
    if (bytes < 64 * 1024) {
      throw new IllegalArgumentException("maxQueuedReplyBytes must be at least 64 KiB: " + bytes);
    }
    this.maxQueuedReplyBytes = bytes;
    return self();
  }

  /**
   * A memory budget shared with other connections (e.g. every connection of one server; default: none). Messages
   * being reassembled, decompressed payloads and the replies the connection queues on its own are reserved in it
   * first; a peer that would pass it fails its own connection, never the others or the process.
   *
   * @param budget the shared budget
   * @return this builder
   */
  public B memoryBudget(dtxkit.runtime.wire.DtxMemoryBudget budget) {
    this.memoryBudget = Objects.requireNonNull(budget, "budget");
    return self();
  }

  static Duration notNegative(Duration d) {
    Objects.requireNonNull(d, "timeout");
    if (d.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + d);
    }
    return d;
  }

  static Duration positive(Duration d) {
    Objects.requireNonNull(d, "timeout");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + d);
    }
    return d;
  }
}
