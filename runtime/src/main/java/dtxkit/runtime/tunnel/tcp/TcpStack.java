package dtxkit.runtime.tunnel.tcp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import javax.net.SocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A userspace TCP over a link of IPv6 packets ({@link PacketLink}): what CoreDeviceProxy's tunnel needs to reach
 * the services of an iOS 17.4+ device without a TUN device, root or a daemon. Several connections share the link.
 *
 * <p>What it does: IPv6 and TCP headers with pseudo-header checksums (a bad packet is dropped and counted);
 * active open ({@link #connect}) and passive open ({@link #listen}); the MSS option (at most
 * {@link TcpOptions#MAX_MSS}) and window scaling with a large receive window; an ACK for every segment that carries
 * data or a FIN, at once (no delayed ACK: it would stall every DTX round trip); out-of-order segments kept within
 * the window; retransmission on a timer with an RTT estimate (RFC 6298, 200 ms minimum, backing off), fast
 * retransmit after three duplicate ACKs and NewReno-style congestion control; zero-window probes; FIN and RST in
 * every state, TIME-WAIT; keepalive probes. No SACK, timestamps or urgent data (none is offered).
 *
 * <p>Threads: one reads the link and runs the state machine, one writes queued packets to the link (so that no
 * lock is held while the link blocks), one runs the timers. Connections are {@link TcpSocket}s: ordinary
 * {@link java.net.Socket}s to the code above, so RSD, HTTP/2 and DTX run on them unchanged.
 */
public final class TcpStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TcpStack.class);
  private static final AtomicInteger STACKS = new AtomicInteger();
  /** The most packets the reader writes itself on a link that never blocks (more go to the writer thread). */
  private static final int INLINE_READER_PACKETS = 4;

  enum State {
    SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED
  }

  private final PacketLink link;
  private final byte[] local;
  private final Inet6Address localAddress;
  private final TcpOptions options;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition outputReady = lock.newCondition();
  private final Map<Key, Connection> connections = new HashMap<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean queueBlocked;
  /** A thread is writing a batch to the link (the writer, or an application thread writing its own data). */
  private boolean writing;
  /**
   * The thread holding the lock will write what it queues itself or wake the writer when done ({@link #emit} does not
   * wake it for each packet): so that a thread writing its own packets does not wake the writer thread for nothing.
   */
  private boolean writerSignalDeferred;
  /** The link's writes never block ({@link PacketLink#writesNeverBlock()}): the reader writes short queues itself. */
  private final boolean inlineReaderWrites;
  private IOException failure;
  private volatile boolean closed;
  private final SecureRandom random = new SecureRandom();
  private final Thread reader;
  private final Thread writer;
  private final Thread timer;

  private final AtomicLong packetsIn = new AtomicLong();
  private final AtomicLong packetsOut = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong retransmissions = new AtomicLong();
  private final AtomicLong acksDropped = new AtomicLong();
  private final AtomicLong resetsSent = new AtomicLong();
  private final AtomicLong connectionsFailed = new AtomicLong();

  private TcpStack(PacketLink link, Inet6Address localAddress, TcpOptions options) {
    this.link = Objects.requireNonNull(link, "link");
    this.localAddress = Objects.requireNonNull(localAddress, "localAddress");
    this.local = localAddress.getAddress();
    this.options = Objects.requireNonNull(options, "options");
    this.name = "tcp-" + STACKS.incrementAndGet();
    this.inlineReaderWrites = link.writesNeverBlock();
    ThreadFactory f = options.threadFactory() != null ? options.threadFactory() : r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
    this.reader = named(f.newThread(this::readLoop), name + "-reader");
    this.writer = named(f.newThread(this::writeLoop), name + "-writer");
    this.timer = named(f.newThread(this::timerLoop), name + "-timer");
  }

  private static Thread named(Thread t, String name) {
    if (t == null) {
      throw new IllegalStateException("the thread factory gave no thread for " + name);
    }
    t.setName(name);
    return t;
  }

  /**
   * Starts a stack on a link.
   *
   * @param link the packet link; owned by the stack from now on
   * @param localAddress this side's address (the packets it accepts are to it; those it sends are from it)
   * @param options tuning
   * @return the running stack
   */
  public static TcpStack start(PacketLink link, Inet6Address localAddress, TcpOptions options) {
    TcpStack s = new TcpStack(link, localAddress, options);
    s.reader.start();
    s.writer.start();
    s.timer.start();
    return s;
  }

  /** This side's address. */
  public Inet6Address localAddress() {
    return localAddress;
  }

  /** The options. */
  public TcpOptions options() {
    return options;
  }

  /** The link's description. */
  public String description() {
    return link.description();
  }

  /**
   * Opens a connection (active open) and waits for it to be established.
   *
   * @param remote the peer's address
   * @param port the peer's port
   * @param timeout how long to wait for the SYN-ACK (at most {@link TcpOptions#connectTimeout()} is used when
   *     null)
   * @return the connected socket
   * @throws ConnectException when the peer answers with RST
   * @throws SocketTimeoutException when it does not answer in time
   * @throws IOException when the stack has failed
   */
  public TcpSocket connect(InetAddress remote, int port, Duration timeout) throws IOException {
    if (!(remote instanceof Inet6Address six)) {
      throw new ConnectException("the tunnel carries IPv6 only, not " + remote);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    Duration wait = timeout == null ? options.connectTimeout() : timeout;
    byte[] remoteBytes = six.getAddress();
    Connection c;
    lock.lock();
    try {
      checkOpen();
      if (connections.size() >= options.maxConnections()) {
        throw new SocketException("no more than " + options.maxConnections() + " connections at once on " + name);
      }
      int localPort = ephemeralPort(remoteBytes, port);
      c = new Connection(new Key(remoteBytes, port, localPort), six, State.SYN_SENT);
      c.iss = random.nextInt();
      c.sndUna = c.iss;
      c.sndNxt = c.iss + 1;
      c.sndMax = c.sndNxt;
      c.sndBufSeq = c.iss + 1;
      c.synSentAt = System.nanoTime();
      c.connectDeadline = c.synSentAt + wait.toNanos();
      connections.put(c.key, c);
      sendSyn(c);
      long left = wait.toNanos();
      while (c.state == State.SYN_SENT && c.failure == null) {
        if (left <= 0) {
          remove(c);
          throw new SocketTimeoutException("connect to [" + six.getHostAddress() + "]:" + port + " through "
              + link.description() + " timed out after " + wait.toMillis() + " ms");
        }
        try {
          left = c.changed.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          abort(c, new InterruptedIOException("interrupted while connecting"));
          throw new InterruptedIOException("interrupted while connecting to port " + port);
        }
      }
      if (c.failure != null) {
        throw copy(c.failure);
      }
    } finally {
      lock.unlock();
    }
    return new TcpSocket(this, c);
  }

  private int ephemeralPort(byte[] remote, int port) throws SocketException {
    for (int i = 0; i < 64; i++) {
      int p = 49152 + random.nextInt(65536 - 49152);
      if (!connections.containsKey(new Key(remote, port, p))) {
        return p;
      }
    }
    for (int p = 49152; p < 65536; p++) {
      if (!connections.containsKey(new Key(remote, port, p))) {
        return p;
      }
    }
    throw new SocketException("no free local port for port " + port);
  }

  /**
   * Accepts connections to the ports {@code ports} accepts (passive open).
   *
   * @param ports which local ports to accept
   * @return the listener; close it to stop accepting
   */
  public Listener listen(IntPredicate ports) {
    Listener l = new Listener(Objects.requireNonNull(ports, "ports"));
    lock.lock();
    try {
      listeners.add(l);
    } finally {
      lock.unlock();
    }
    return l;
  }

  /** A socket factory whose sockets connect through this stack (for {@code RsdClient.Options#withSocketFactory}). */
  public SocketFactory socketFactory() {
    return new TcpSocket.Factory(this);
  }

  /** Counters of the stack's life. */
  public record Stats(long packetsIn, long packetsOut, long malformed, long ignored, long retransmissions,
      long acksDropped, long resetsSent, long connectionsFailed, int connections) {}

  /** The counters now. */
  public Stats stats() {
    int open;
    lock.lock();
    try {
      open = connections.size();
    } finally {
      lock.unlock();
    }
    return new Stats(packetsIn.get(), packetsOut.get(), malformed.get(), ignored.get(), retransmissions.get(),
        acksDropped.get(), resetsSent.get(), connectionsFailed.get(), open);
  }

  /** The bytes buffered by every connection's arrays now (for leak checks in tests). */
  long bufferedArrayBytes() {
    lock.lock();
    try {
      long n = 0;
      for (Connection c : connections.values()) {
        n += c.sendBuf.allocated() + c.rcvBuf.allocated();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** The failure that ended the stack, or null while it runs. */
  public IOException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the stack has stopped. */
  public boolean isClosed() {
    return closed;
  }

  /** Fails every connection, closes the link and stops the threads. */
  @Override
  public void close() {
    shutdown(new SocketException("the tunnel's TCP stack " + name + " was closed"));
  }

  private void shutdown(IOException cause) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      failure = cause;
      for (Connection c : new ArrayList<>(connections.values())) {
        c.fail(cause);
      }
      connections.clear();
      for (Listener l : listeners) {
        l.changed.signalAll();
      }
      queue.clear();
      queuedBytes = 0;
      outputReady.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      link.close();
    } catch (IOException e) {
      LOG.debug("{}: closing {}", name, link.description(), e);
    }
    timer.interrupt();
    writer.interrupt();
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw copy(failure != null ? failure : new SocketException("closed"));
    }
  }

  private static IOException copy(IOException e) {
    IOException c;
    if (e instanceof ConnectException) {
      c = new ConnectException(e.getMessage());
    } else if (e instanceof SocketTimeoutException) {
      c = new SocketTimeoutException(e.getMessage());
    } else if (e instanceof SocketException) {
      c = new SocketException(e.getMessage());
    } else {
      c = new IOException(e.getMessage());
    }
    c.initCause(e);
    return c;
  }

  // ---------------------------------------------------------------------------------------------- threads

  private void readLoop() {
    IOException cause;
    try {
      while (true) {
        byte[] packet = link.read();
        if (packet == null) {
          cause = new SocketException("the tunnel " + link.description() + " ended");
          break;
        }
        packetsIn.incrementAndGet();
        if (TcpSegment.nextHeader(packet) != TcpSegment.PROTOCOL_TCP) {
          ignored.incrementAndGet();
          continue;
        }
        TcpSegment seg;
        try {
          seg = TcpSegment.parse(packet);
        } catch (TcpSegmentException e) {
          if (malformed.incrementAndGet() == 1) {
            LOG.info("{}: dropping a malformed packet from {} ({}); further ones are only counted", name,
                link.description(), e.getMessage());
          }
          continue;
        }
        if (!seg.destinationIs(local)) {
          ignored.incrementAndGet();
          continue;
        }
        List<byte[]> batch;
        lock.lock();
        try {
          if (closed) {
            return;
          }
          writerSignalDeferred = true;
          try {
            receive(seg);
          } finally {
            // A lone ACK or a few segments: written here when the link never blocks (one thread wake-up less per
            // segment received); more go to the writer thread so that reading and writing overlap.
            batch = endDeferral(inlineReaderWrites && queue.size() <= INLINE_READER_PACKETS);
          }
        } finally {
          lock.unlock();
        }
        if (batch != null) {
          writeBatch(batch);
        }
      }
    } catch (IOException e) {
      cause = closed ? null : new SocketException("the tunnel " + link.description() + " failed: " + e.getMessage());
      if (cause != null) {
        cause.initCause(e);
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: the TCP stack failed", name, e);
      cause = new SocketException("the tunnel's TCP stack failed: " + e);
    }
    if (cause != null && !closed) {
      LOG.debug("{}: {}", name, cause.getMessage());
      shutdown(cause);
    }
  }

  private void writeLoop() {
    try {
      while (true) {
        List<byte[]> batch;
        lock.lock();
        try {
          while ((batch = takeBatch()) == null && !closed) {
            outputReady.await();
          }
          if (closed) {
            return;
          }
        } finally {
          lock.unlock();
        }
        writeBatch(batch);
      }
    } catch (InterruptedException e) {
      // Closing.
    } catch (IOException e) {
      // writeBatch shut the stack down.
    }
  }

  /**
   * Takes the writer's role and up to 256 queued packets, or returns null when another thread holds the role or
   * nothing is queued. The lock is held. An application thread that queued data writes it itself this way (one
   * thread hand-over less per send); the writer thread writes the rest, e.g. the ACKs the reader queues.
   */
  private List<byte[]> takeBatch() {
    if (writing || queue.isEmpty() || closed) {
      return null;
    }
    writing = true;
    List<byte[]> batch = new ArrayList<>(Math.min(256, queue.size()));
    for (int i = 0; i < 256 && !queue.isEmpty(); i++) {
      batch.add(queue.poll());
    }
    return batch;
  }

  /** Writes a batch without the lock, then gives the writer's role back. */
  private void writeBatch(List<byte[]> batch) throws IOException {
    long bytes = 0;
    for (byte[] p : batch) {
      bytes += p.length;
    }
    IOException failed = null;
    try {
      for (byte[] p : batch) {
        link.write(p, 0, p.length);
      }
      link.flush();
      packetsOut.addAndGet(batch.size());
    } catch (IOException e) {
      failed = e;
    }
    lock.lock();
    try {
      writing = false;
      if (!closed) {
        queuedBytes -= bytes;
      }
      if (!queue.isEmpty()) {
        outputReady.signal();
      }
      if (failed == null && queueBlocked && queuedBytes < options.maxQueuedBytes() / 2) {
        queueBlocked = false;
        for (Connection c : new ArrayList<>(connections.values())) {
          c.trySend();
        }
      }
    } finally {
      lock.unlock();
    }
    if (failed != null) {
      SocketException cause = new SocketException("writing to the tunnel " + link.description() + " failed: "
          + failed.getMessage());
      cause.initCause(failed);
      if (!closed) {
        shutdown(cause);
      }
      throw cause;
    }
  }

  private void timerLoop() {
    long tick = options.timerTick().toNanos();
    try {
      while (!closed) {
        TimeUnit.NANOSECONDS.sleep(tick);
        lock.lock();
        try {
          long now = System.nanoTime();
          for (Connection c : new ArrayList<>(connections.values())) {
            c.onTimer(now);
          }
        } finally {
          lock.unlock();
        }
      }
    } catch (InterruptedException e) {
      // Closing.
    }
  }

  // ---------------------------------------------------------------------------------------------- output

  /** Queues a packet for the writer; a control packet (no data) is dropped when the queue is far over its bound. */
  private void emit(byte[] packet, boolean control) {
    if (closed) {
      return;
    }
    if (control && queuedBytes > 2L * options.maxQueuedBytes()) {
      acksDropped.incrementAndGet();
      return;
    }
    queue.add(packet);
    queuedBytes += packet.length;
    if (!writerSignalDeferred) {
      outputReady.signal();
    }
  }

  /**
   * Ends a deferral ({@link #writerSignalDeferred}): takes the writer's role and the queue when {@code takeIt} and
   * the role is free, else wakes the writer thread for what is queued. The lock is held.
   */
  private List<byte[]> endDeferral(boolean takeIt) {
    writerSignalDeferred = false;
    if (queue.isEmpty()) {
      return null;
    }
    List<byte[]> batch = takeIt ? takeBatch() : null;
    if (batch == null) {
      outputReady.signal();
    }
    return batch;
  }

  private void sendSyn(Connection c) {
    boolean synAck = c.state == State.SYN_RECEIVED;
    int scale = synAck ? (c.peerScale >= 0 ? options.windowScale() : -1) : options.windowScale();
    emit(TcpSegment.build(local, c.key.remote, c.key.localPort, c.key.remotePort, c.iss,
        synAck ? c.rcvNxt : 0, TcpSegment.SYN | (synAck ? TcpSegment.ACK : 0),
        Math.min(0xFFFF, c.rcvBuf.free()), options.mss(), scale, null, 0, 0), true);
    if (c.rtoDeadline == 0) {
      c.rtoDeadline = System.nanoTime() + c.rto;
    }
  }

  private void sendReset(byte[] remote, int remotePort, int localPort, int seq, int ack, boolean withAck) {
    resetsSent.incrementAndGet();
    emit(TcpSegment.build(local, remote, localPort, remotePort, seq, withAck ? ack : 0,
        TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), 0, -1, -1, null, 0, 0), true);
  }

  // ---------------------------------------------------------------------------------------------- input

  private void receive(TcpSegment seg) {
    byte[] remote = seg.source();
    Key key = new Key(remote, seg.sourcePort(), seg.destinationPort());
    Connection c = connections.get(key);
    if (c == null) {
      noConnection(seg, key);
      return;
    }
    c.receive(seg);
  }

  private void noConnection(TcpSegment seg, Key key) {
    if (seg.has(TcpSegment.RST)) {
      return;
    }
    if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK)) {
      Listener l = null;
      for (Listener candidate : listeners) {
        if (!candidate.closed && candidate.ports.test(seg.destinationPort())) {
          l = candidate;
          break;
        }
      }
      if (l != null && connections.size() < options.maxConnections()
          && l.accepted.size() + l.half < options.acceptBacklog()) {
        Connection c = new Connection(key, address(key.remote), State.SYN_RECEIVED);
        c.listener = l;
        l.half++;
        c.iss = random.nextInt();
        c.sndUna = c.iss;
        c.sndNxt = c.iss + 1;
        c.sndMax = c.sndNxt;
        c.sndBufSeq = c.iss + 1;
        c.irs = seg.seq();
        c.rcvNxt = seg.seq() + 1;
        c.peerOptions(seg);
        c.sndWnd = seg.window();
        c.sndWl1 = seg.seq();
        c.sndWl2 = 0;
        connections.put(key, c);
        sendSyn(c);
        return;
      }
    }
    if (seg.has(TcpSegment.ACK)) {
      sendReset(key.remote, seg.sourcePort(), seg.destinationPort(), seg.ack(), 0, false);
    } else {
      sendReset(key.remote, seg.sourcePort(), seg.destinationPort(), 0, seg.seq() + seg.sequenceLength(), true);
    }
  }

  private static Inet6Address address(byte[] a) {
    try {
      return (Inet6Address) InetAddress.getByAddress(null, a);
    } catch (UnknownHostException | ClassCastException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  private void remove(Connection c) {
    if (connections.get(c.key) == c) {
      connections.remove(c.key);
    }
    if (c.listener != null && c.state == State.SYN_RECEIVED) {
      c.listener.half--;
      c.listener = null;
    }
    if (c.state != State.CLOSED) {
      c.state = State.CLOSED;
    }
    c.changed.signalAll();
  }

  void abortConnection(Connection c) {
    abort(c, new SocketException("Socket closed (reset)"));
  }

  private void abort(Connection c, IOException cause) {
    if (c.state != State.CLOSED && c.state != State.TIME_WAIT && c.state != State.SYN_SENT) {
      sendReset(c.key.remote, c.key.remotePort, c.key.localPort, c.sndNxt, c.rcvNxt, true);
    }
    c.fail(cause);
  }

  static boolean lt(int a, int b) {
    return a - b < 0;
  }

  static boolean le(int a, int b) {
    return a - b <= 0;
  }

  /** A connection's identity: the peer's address and port and the local port. */
  record Key(byte[] remote, int remotePort, int localPort) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.remotePort == remotePort && k.localPort == localPort
          && Arrays.equals(k.remote, remote);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(remote) * 31 + remotePort * 65537 + localPort;
    }

    @Override
    public String toString() {
      return localPort + ">" + remotePort;
    }
  }

  /** One connection's state; every field is guarded by the stack's lock. */
  final class Connection {
    final Key key;
    final Inet6Address remoteAddress;
    final Condition changed = lock.newCondition();
    State state;
    Listener listener;
    IOException failure;
    // Sending.
    final ByteRing sendBuf = new ByteRing(options.sendBuffer());
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndBufSeq;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int sndScale;
    int rcvScale;
    int peerScale = -1;
    int effMss = Math.min(options.mss(), 1220);
    boolean finQueued;
    int cwnd;
    int ssthresh = Integer.MAX_VALUE;
    int dupAcks;
    boolean inRecovery;
    int recover;
    long rto = options.initialRto().toNanos();
    long srtt = -1;
    long rttvar;
    long rtoDeadline;
    int retries;
    boolean timing;
    int timedSeq;
    long timedAt;
    long connectDeadline;
    long synSentAt;
    // Receiving.
    final ByteRing rcvBuf = new ByteRing(options.receiveBuffer());
    int irs;
    int rcvNxt;
    long rcvNxtAbs;
    final TreeMap<Long, byte[]> outOfOrder = new TreeMap<>();
    long outOfOrderBytes;
    long outOfOrderFin = -1;
    boolean finReceived;
    int lastAdvertised;
    // Life.
    long lastHeard = System.nanoTime();
    int keepalivesSent;
    long keepaliveNext;
    long closeDeadline;
    boolean appClosed;
    boolean inputShutdown;

    Connection(Key key, Inet6Address remoteAddress, State state) {
      this.key = key;
      this.remoteAddress = remoteAddress;
      this.state = state;
    }

    TcpStack stack() {
      return TcpStack.this;
    }

    ReentrantLock lock() {
      return lock;
    }

    void peerOptions(TcpSegment seg) {
      int peerMss = seg.mss() > 0 ? seg.mss() : 1220;
      effMss = Math.max(64, Math.min(options.mss(), peerMss));
      peerScale = seg.windowScale();
    }

    void established(TcpSegment seg) {
      if (peerScale >= 0) {
        sndScale = peerScale;
        rcvScale = options.windowScale();
      } else {
        sndScale = 0;
        rcvScale = 0;
      }
      cwnd = 10 * effMss;
      state = State.ESTABLISHED;
      rtoDeadline = 0;
      retries = 0;
    }

    // ------------------------------------------------------------------ receiving

    void receive(TcpSegment seg) {
      lastHeard = System.nanoTime();
      keepalivesSent = 0;
      keepaliveNext = 0;
      switch (state) {
        case SYN_SENT -> synSent(seg);
        case SYN_RECEIVED -> synReceived(seg);
        case CLOSED -> { }
        default -> synchronizedState(seg);
      }
    }

    private void synSent(TcpSegment seg) {
      boolean ackOk = seg.has(TcpSegment.ACK) && seg.ack() == iss + 1;
      if (seg.has(TcpSegment.RST)) {
        if (ackOk) {
          fail(new ConnectException("connection refused by [" + remoteAddress.getHostAddress() + "]:"
              + key.remotePort + " through " + link.description()));
        }
        return;
      }
      if (seg.has(TcpSegment.ACK) && !ackOk) {
        sendReset(key.remote, key.remotePort, key.localPort, seg.ack(), 0, false);
        return;
      }
      if (!seg.has(TcpSegment.SYN) || !ackOk) {
        return;
      }
      irs = seg.seq();
      rcvNxt = irs + 1;
      sndUna = iss + 1;
      peerOptions(seg);
      sndWnd = seg.window();
      sndWl1 = seg.seq();
      sndWl2 = seg.ack();
      if (retries == 0) {
        rttSample(System.nanoTime() - synSentAt);
      }
      established(seg);
      sendAck();
      changed.signalAll();
    }

    private void synReceived(TcpSegment seg) {
      if (seg.has(TcpSegment.RST)) {
        remove(this);
        return;
      }
      if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK)) {
        if (seg.seq() == irs) {
          sendSyn(this);
        }
        return;
      }
      if (!seg.has(TcpSegment.ACK)) {
        return;
      }
      if (seg.ack() != iss + 1) {
        sendReset(key.remote, key.remotePort, key.localPort, seg.ack(), 0, false);
        return;
      }
      sndUna = iss + 1;
      sndWnd = seg.window() << (peerScale >= 0 ? peerScale : 0);
      sndWl1 = seg.seq();
      sndWl2 = seg.ack();
      established(seg);
      Listener l = listener;
      listener = null;
      l.half--;
      if (l.closed) {
        abort(this, new SocketException("the listener was closed"));
        return;
      }
      l.accepted.add(this);
      l.changed.signalAll();
      synchronizedState(seg);
    }

    private void synchronizedState(TcpSegment seg) {
      int seq = seg.seq();
      if (seg.has(TcpSegment.RST)) {
        int window = Math.max(1, lastAdvertised);
        if (seq == rcvNxt || (!lt(seq, rcvNxt) && lt(seq, rcvNxt + window))) {
          if (state == State.TIME_WAIT || state == State.LAST_ACK || state == State.CLOSING) {
            remove(this);
          } else {
            fail(new SocketException("connection reset by the peer ([" + remoteAddress.getHostAddress() + "]:"
                + key.remotePort + ")"));
          }
        }
        return;
      }
      if (seg.has(TcpSegment.SYN)) {
        // A repeated SYN-ACK (our ACK was lost) or a stray SYN: answer with an ACK.
        sendAck();
        return;
      }
      if (!seg.has(TcpSegment.ACK)) {
        return;
      }
      if (!ack(seg)) {
        return;
      }
      if (state == State.CLOSED) {
        return;
      }
      int len = seg.payloadLength();
      boolean fin = seg.has(TcpSegment.FIN);
      if (len == 0 && !fin) {
        if (seq != rcvNxt) {
          sendAck();   // a keepalive probe or an old duplicate
        }
        return;
      }
      if (state == State.TIME_WAIT) {
        sendAck();
        return;
      }
      if (finReceived) {
        sendAck();
        return;
      }
      if (len > 0 && appClosed && lt(rcvNxt, seq + len)) {
        abort(this, new SocketException("data arrived after close"));
        return;
      }
      byte[] p = seg.packet();
      int off = seg.payloadOffset();
      int d = rcvNxt - seq;
      if (d > 0) {
        if (d >= len) {
          // Entirely old data (and possibly a FIN exactly at rcvNxt).
          if (fin && d == len) {
            len = 0;
            seq = rcvNxt;
          } else {
            sendAck();
            return;
          }
        } else {
          off += d;
          len -= d;
          seq = rcvNxt;
        }
      }
      if (seq == rcvNxt) {
        int take = Math.min(len, rcvBuf.free());
        if (take > 0) {
          rcvBuf.write(p, off, take);
          rcvNxt += take;
          rcvNxtAbs += take;
        }
        if (inputShutdown) {
          rcvBuf.skip(rcvBuf.size());
        }
        if (fin && take == len) {
          finReceived = true;
        }
        drainOutOfOrder();
        if (finReceived) {
          rcvNxt += 1;
          onFin();
        }
        changed.signalAll();
      } else {
        long rel = seq - rcvNxt;
        if (rel > 0 && rel + len <= rcvBuf.free() && outOfOrderBytes + len <= rcvBuf.free()) {
          long abs = rcvNxtAbs + rel;
          byte[] existing = outOfOrder.get(abs);
          if (existing == null || existing.length < len) {
            outOfOrder.put(abs, Arrays.copyOfRange(p, off, off + len));
            outOfOrderBytes += len - (existing == null ? 0 : existing.length);
          }
          if (fin) {
            outOfOrderFin = abs + len;
          }
        }
      }
      sendAck();
    }

    private void drainOutOfOrder() {
      while (!outOfOrder.isEmpty() && outOfOrder.firstKey() <= rcvNxtAbs) {
        Map.Entry<Long, byte[]> e = outOfOrder.pollFirstEntry();
        byte[] b = e.getValue();
        outOfOrderBytes -= b.length;
        long skip = rcvNxtAbs - e.getKey();
        if (skip < b.length) {
          int take = (int) Math.min(b.length - skip, rcvBuf.free());
          rcvBuf.write(b, (int) skip, take);
          rcvNxt += take;
          rcvNxtAbs += take;
        }
      }
      if (outOfOrderFin >= 0 && outOfOrderFin == rcvNxtAbs) {
        finReceived = true;
        outOfOrderFin = -1;
      }
    }

    private void onFin() {
      switch (state) {
        case ESTABLISHED -> state = State.CLOSE_WAIT;
        case FIN_WAIT_1 -> state = State.CLOSING;
        case FIN_WAIT_2 -> enterTimeWait();
        default -> { }
      }
    }

    private void enterTimeWait() {
      state = State.TIME_WAIT;
      closeDeadline = System.nanoTime() + options.timeWait().toNanos();
      rtoDeadline = 0;
      changed.signalAll();
    }

    /** Handles the ACK field; false when the segment is to be dropped. */
    private boolean ack(TcpSegment seg) {
      int ack = seg.ack();
      if (lt(sndMax, ack)) {
        sendAck();
        return false;
      }
      int window = seg.window() << sndScale;
      boolean windowChanged = window != sndWnd;
      if (lt(sndUna, ack)) {
        int acked = ack - sndUna;
        int dataEnd = sndBufSeq + sendBuf.size();
        int dataAcked = (lt(dataEnd, ack) ? dataEnd : ack) - sndBufSeq;
        if (dataAcked > 0) {
          sendBuf.skip(dataAcked);
          sndBufSeq += dataAcked;
        }
        sndUna = ack;
        if (lt(sndNxt, sndUna)) {
          sndNxt = sndUna;
        }
        if (timing && lt(timedSeq, ack)) {
          timing = false;
          rttSample(System.nanoTime() - timedAt);
        }
        retries = 0;
        if (inRecovery) {
          if (!lt(ack, recover)) {
            inRecovery = false;
            cwnd = ssthresh;
          } else {
            retransmitFirst();
          }
        } else if (cwnd < ssthresh) {
          cwnd += Math.min(acked, effMss);
        } else {
          cwnd += Math.max(1, (int) ((long) effMss * effMss / cwnd));
        }
        cwnd = Math.min(cwnd, Math.max(options.sendBuffer(), 2 * effMss));
        dupAcks = 0;
        rtoDeadline = sndNxt != sndUna ? System.nanoTime() + rto : 0;
        boolean finAcked = finQueued && ack == sndBufSeq + 1 && sendBuf.size() == 0;
        if (finAcked) {
          switch (state) {
            case FIN_WAIT_1 -> {
              state = State.FIN_WAIT_2;
              if (appClosed) {
                closeDeadline = System.nanoTime() + options.keepaliveIdle().toNanos();
              }
            }
            case CLOSING -> enterTimeWait();
            case LAST_ACK -> remove(this);
            default -> { }
          }
        }
        changed.signalAll();
      } else if (ack == sndUna && seg.payloadLength() == 0 && !seg.has(TcpSegment.FIN) && !windowChanged
          && sndMax != sndUna) {
        dupAcks++;
        if (dupAcks == 3 && !inRecovery) {
          int flight = sndMax - sndUna;
          ssthresh = Math.max(flight / 2, 2 * effMss);
          recover = sndMax;
          inRecovery = true;
          retransmitFirst();
          cwnd = ssthresh + 3 * effMss;
        } else if (inRecovery) {
          cwnd += effMss;
        }
      }
      if (lt(sndWl1, seg.seq()) || (sndWl1 == seg.seq() && le(sndWl2, ack))) {
        sndWnd = window;
        sndWl1 = seg.seq();
        sndWl2 = ack;
        if (sndWnd == 0) {
          retries = 0;
        }
      }
      if (state != State.CLOSED) {
        trySend();
      }
      return true;
    }

    private void rttSample(long nanos) {
      long r = Math.max(0, nanos);
      if (srtt < 0) {
        srtt = r;
        rttvar = r / 2;
      } else {
        rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
        srtt = (7 * srtt + r) / 8;
      }
      rto = clampRto(srtt + Math.max(options.timerTick().toNanos(), 4 * rttvar));
    }

    private long clampRto(long nanos) {
      return Math.max(options.minRto().toNanos(), Math.min(options.maxRto().toNanos(), nanos));
    }

    // ------------------------------------------------------------------ sending

    private boolean canSend() {
      return state == State.ESTABLISHED || state == State.CLOSE_WAIT || state == State.FIN_WAIT_1
          || state == State.CLOSING || state == State.LAST_ACK;
    }

    void trySend() {
      if (!canSend()) {
        return;
      }
      while (true) {
        if (queuedBytes >= options.maxQueuedBytes()) {
          queueBlocked = true;
          return;
        }
        int dataEnd = sndBufSeq + sendBuf.size();
        int flight = sndNxt - sndUna;
        int window = Math.min(sndWnd, cwnd);
        if (lt(sndNxt, dataEnd)) {
          int avail = window - flight;
          int unsent = dataEnd - sndNxt;
          if (avail <= 0) {
            if (sndWnd == 0 && flight == 0 && rtoDeadline == 0) {
              rtoDeadline = System.nanoTime() + rto;   // persist: probe when it fires
            }
            return;
          }
          int len = Math.min(effMss, Math.min(unsent, avail));
          if (len < effMss && len < unsent && flight > 0) {
            return;   // a small window and more to send: wait for it to open (no silly windows)
          }
          sendData(sndNxt, len);
        } else if (finQueued && sndNxt == dataEnd) {
          sendData(sndNxt, 0);
        } else {
          return;
        }
      }
    }

    /** Sends {@code len} bytes from {@code seq} (with FIN when they end the data and FIN is queued). */
    private void sendData(int seq, int len) {
      int dataEnd = sndBufSeq + sendBuf.size();
      boolean fin = finQueued && seq + len == dataEnd;
      int flags = TcpSegment.ACK | (len > 0 && seq + len == dataEnd ? TcpSegment.PSH : 0)
          | (fin ? TcpSegment.FIN : 0);
      emit(TcpSegment.build(local, key.remote, key.localPort, key.remotePort, seq, rcvNxt, flags, advertise(),
          sendBuf, seq - sndBufSeq, len), false);
      int end = seq + len + (fin ? 1 : 0);
      boolean fresh = !lt(seq, sndMax);
      if (lt(sndNxt, end)) {
        sndNxt = end;
      }
      if (lt(sndMax, end)) {
        sndMax = end;
      }
      if (fresh && !timing && len > 0) {
        timing = true;
        timedSeq = seq;
        timedAt = System.nanoTime();
      }
      if (rtoDeadline == 0) {
        rtoDeadline = System.nanoTime() + rto;
      }
    }

    private void retransmitFirst() {
      retransmissions.incrementAndGet();
      int dataEnd = sndBufSeq + sendBuf.size();
      int len = Math.min(effMss, dataEnd - sndUna);
      if (len <= 0) {
        len = 0;
        if (!finQueued) {
          return;
        }
      }
      int saveNxt = sndNxt;
      timing = false;
      sendData(sndUna, len);
      sndNxt = lt(saveNxt, sndNxt) ? sndNxt : saveNxt;
    }

    void sendAck() {
      if (state == State.CLOSED || state == State.SYN_SENT) {
        return;
      }
      emit(TcpSegment.build(local, key.remote, key.localPort, key.remotePort, sndNxt, rcvNxt, TcpSegment.ACK,
          advertise(), -1, -1, null, 0, 0), true);
    }

    private int advertise() {
      int win = Math.min(0xFFFF, rcvBuf.free() >>> rcvScale);
      lastAdvertised = win << rcvScale;
      return win;
    }

    // ------------------------------------------------------------------ timers

    void onTimer(long now) {
      if (state == State.TIME_WAIT || (state == State.FIN_WAIT_2 && closeDeadline != 0)) {
        if (now - closeDeadline >= 0) {
          remove(this);
        }
        return;
      }
      if (rtoDeadline != 0 && now - rtoDeadline >= 0) {
        onRto(now);
      }
      boolean quiet = sndMax == sndUna && sendBuf.size() == 0;   // else retransmission watches the peer
      if (quiet && (state == State.ESTABLISHED || state == State.CLOSE_WAIT || state == State.FIN_WAIT_2)) {
        long idle = now - lastHeard;
        if (idle >= options.keepaliveIdle().toNanos() && (keepaliveNext == 0 || now - keepaliveNext >= 0)) {
          if (keepalivesSent >= options.keepaliveProbes()) {
            abort(this, new SocketTimeoutException("the peer ([" + remoteAddress.getHostAddress() + "]:"
                + key.remotePort + ") answered none of " + keepalivesSent + " keepalive probes"));
            return;
          }
          keepalivesSent++;
          keepaliveNext = now + options.keepaliveInterval().toNanos();
          emit(TcpSegment.build(local, key.remote, key.localPort, key.remotePort, sndUna - 1, rcvNxt,
              TcpSegment.ACK, advertise(), -1, -1, null, 0, 0), true);
        }
      }
    }

    private void onRto(long now) {
      if (state == State.SYN_SENT || state == State.SYN_RECEIVED) {
        if (retries >= options.maxRetransmissions()
            || (state == State.SYN_SENT && now - connectDeadline >= 0)) {
          if (state == State.SYN_SENT) {
            fail(new SocketTimeoutException("no answer to SYN from [" + remoteAddress.getHostAddress() + "]:"
                + key.remotePort));
          } else {
            remove(this);
          }
          return;
        }
        retries++;
        retransmissions.incrementAndGet();
        rto = clampRto(rto * 2);
        rtoDeadline = now + rto;
        sendSyn(this);
        return;
      }
      int dataEnd = sndBufSeq + sendBuf.size();
      boolean outstanding = sndMax != sndUna;
      boolean waiting = lt(sndNxt, dataEnd) || (finQueued && sndMax == dataEnd);
      if (!outstanding && !waiting) {
        rtoDeadline = 0;
        return;
      }
      if (retries >= options.maxRetransmissions()) {
        abort(this, new SocketTimeoutException("no acknowledgment from [" + remoteAddress.getHostAddress() + "]:"
            + key.remotePort + " after " + retries + " retransmissions"));
        return;
      }
      retries++;
      rto = clampRto(rto * 2);
      timing = false;
      rtoDeadline = now + rto;
      if (outstanding) {
        retransmissions.incrementAndGet();
        int flight = sndMax - sndUna;
        ssthresh = Math.max(flight / 2, 2 * effMss);
        cwnd = effMss;
        inRecovery = false;
        dupAcks = 0;
        sndNxt = sndUna;
        trySend();
      } else if (sndWnd == 0 && lt(sndNxt, dataEnd)) {
        sendData(sndNxt, 1);   // zero-window probe
      } else {
        trySend();
      }
    }

    // ------------------------------------------------------------------ the application's side

    void fail(IOException cause) {
      if (failure == null) {
        failure = cause;
        if (state != State.CLOSED) {
          connectionsFailed.incrementAndGet();
          LOG.debug("{}: connection {} to [{}] failed: {}", name, key, remoteAddress.getHostAddress(),
              cause.getMessage());
        }
      }
      remove(this);
    }

    int read(byte[] b, int off, int len, int timeoutMillis) throws IOException {
      lock.lock();
      try {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (rcvBuf.size() == 0) {
          if (inputShutdown || appClosed) {
            if (appClosed) {
              throw new SocketException("Socket closed");
            }
            return -1;
          }
          if (finReceived) {
            return -1;
          }
          if (failure != null) {
            throw copy(failure);
          }
          if (state == State.CLOSED) {
            return -1;
          }
          try {
            if (timeoutMillis > 0) {
              if (left <= 0) {
                throw new SocketTimeoutException("Read timed out");
              }
              left = changed.awaitNanos(left);
            } else {
              changed.await();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
          }
        }
        int before = lastAdvertised;
        int n = rcvBuf.read(b, off, len);
        int now = rcvBuf.free();
        if (state != State.CLOSED && !finReceived
            && (now - before >= Math.min(rcvBuf.capacity() / 2, 2 * effMss) || (before < effMss && now >= effMss))) {
          sendAck();
        }
        return n;
      } finally {
        lock.unlock();
      }
    }

    int available() {
      lock.lock();
      try {
        return rcvBuf.size();
      } finally {
        lock.unlock();
      }
    }

    void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        List<byte[]> batch;
        lock.lock();
        try {
          int n;
          while (true) {
            if (appClosed) {
              throw new SocketException("Socket closed");
            }
            if (failure != null) {
              throw copy(failure);
            }
            if (finQueued || !canSend()) {
              throw new SocketException("Socket output is shut down");
            }
            n = Math.min(len, sendBuf.free());
            if (n > 0) {
              break;
            }
            try {
              changed.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException("interrupted while writing");
            }
          }
          sendBuf.write(b, off, n);
          off += n;
          len -= n;
          writerSignalDeferred = true;
          try {
            trySend();
          } finally {
            batch = endDeferral(true);
          }
        } finally {
          lock.unlock();
        }
        if (batch != null) {
          writeBatch(batch);
        }
      }
    }

    void shutdownOutput() {
      lock.lock();
      try {
        if (finQueued || failure != null) {
          return;
        }
        switch (state) {
          case ESTABLISHED -> state = State.FIN_WAIT_1;
          case CLOSE_WAIT -> state = State.LAST_ACK;
          default -> {
            return;
          }
        }
        finQueued = true;
        trySend();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void shutdownInput() {
      lock.lock();
      try {
        inputShutdown = true;
        rcvBuf.skip(rcvBuf.size());
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void close() {
      lock.lock();
      try {
        if (appClosed) {
          return;
        }
        boolean unread = rcvBuf.size() > 0;
        appClosed = true;
        changed.signalAll();
        if (failure != null || state == State.CLOSED) {
          return;
        }
        if (state == State.SYN_SENT || state == State.SYN_RECEIVED || unread) {
          abort(this, new SocketException("Socket closed"));
          return;
        }
        if (!finQueued) {
          shutdownOutput();
        }
        if (state == State.FIN_WAIT_2) {
          closeDeadline = System.nanoTime() + options.keepaliveIdle().toNanos();
        }
      } finally {
        lock.unlock();
      }
    }

    boolean isOutputShutdown() {
      lock.lock();
      try {
        return finQueued;
      } finally {
        lock.unlock();
      }
    }

    boolean isInputShutdown() {
      lock.lock();
      try {
        return inputShutdown;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public String toString() {
      return name + " " + key + " " + state;
    }
  }

  /** Accepts connections (passive open) to the ports it was made for. */
  public final class Listener implements AutoCloseable {
    private final IntPredicate ports;
    private final ArrayDeque<Connection> accepted = new ArrayDeque<>();
    private final Condition changed = lock.newCondition();
    private int half;
    private boolean closed;

    private Listener(IntPredicate ports) {
      this.ports = ports;
    }

    /**
     * Waits for the next established connection.
     *
     * @param timeout the longest wait
     * @return the socket, or null after the timeout
     * @throws IOException when the listener or the stack is closed
     */
    public TcpSocket accept(Duration timeout) throws IOException {
      lock.lock();
      try {
        long left = timeout.toNanos();
        while (accepted.isEmpty()) {
          if (closed) {
            throw new SocketException("the listener is closed");
          }
          checkOpen();
          if (left <= 0) {
            return null;
          }
          try {
            left = changed.awaitNanos(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting");
          }
        }
        return new TcpSocket(TcpStack.this, accepted.poll());
      } finally {
        lock.unlock();
      }
    }

    /** Stops accepting; connections not yet accepted are reset. */
    @Override
    public void close() {
      lock.lock();
      try {
        closed = true;
        listeners.remove(this);
        for (Connection c : accepted) {
          abort(c, new SocketException("the listener was closed"));
        }
        accepted.clear();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
