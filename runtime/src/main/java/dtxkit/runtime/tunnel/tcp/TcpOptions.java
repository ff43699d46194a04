package dtxkit.runtime.tunnel.tcp;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Tuning of a {@link TcpStack}; every buffer, queue and wait is bounded here.
 *
 * @param mss the largest segment payload this side sends and announces (at most 1340: hosts have seen larger
 *     host-to-device packets dropped under load); the peer's smaller MSS wins
 * @param receiveBuffer the receive buffer of each connection, which is the window offered (window scaling is used
 *     when it exceeds 65535); grown on demand up to this size
 * @param sendBuffer the bytes a connection holds that the peer has not acknowledged yet, sent or not; a writer
 *     waits for room beyond it; grown on demand
 * @param initialRto the retransmission timeout before the first round-trip sample
 * @param minRto the smallest retransmission timeout (200 ms, as Linux)
 * @param maxRto the largest, after backing off
 * @param maxRetransmissions how many times one segment is sent again before the connection fails
 * @param connectTimeout how long an active open waits for the SYN-ACK
 * @param keepaliveIdle how long a connection may be idle before a keepalive probe
 * @param keepaliveInterval between unanswered probes
 * @param keepaliveProbes unanswered probes before the connection fails
 * @param timeWait how long a closed connection stays to answer a repeated FIN
 * @param maxConnections connections at once (both directions); a SYN beyond it is answered with RST
 * @param acceptBacklog established connections waiting for {@link TcpStack.Listener#accept}
 * @param maxQueuedBytes the bytes of packets waiting for the link's writer; data waits beyond it, acknowledgments
 *     are dropped (and counted) beyond twice it
 * @param timerTick how often the timer looks at retransmission and keepalive deadlines
 * @param threadFactory makes the stack's reader, writer and timer threads (null: daemon platform threads)
 */
public record TcpOptions(int mss, int receiveBuffer, int sendBuffer, Duration initialRto, Duration minRto,
    Duration maxRto, int maxRetransmissions, Duration connectTimeout, Duration keepaliveIdle,
    Duration keepaliveInterval, int keepaliveProbes, Duration timeWait, int maxConnections, int acceptBacklog,
    int maxQueuedBytes, Duration timerTick, ThreadFactory threadFactory) {

  /** The largest MSS allowed. */
  public static final int MAX_MSS = 1340;

  /**
   * MSS 1340, 4 MiB buffers each way, RTO 1 s initial, 200 ms to 30 s, 12 retransmissions, connect 10 s,
   * keepalive after 30 s idle every 10 s, 5 probes, 2 s TIME-WAIT, 256 connections, backlog 64, 8 MiB queued,
   * 10 ms timer tick.
   */
  public static final TcpOptions DEFAULT = new TcpOptions(MAX_MSS, 4 << 20, 4 << 20, Duration.ofSeconds(1),
      Duration.ofMillis(200), Duration.ofSeconds(30), 12, Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(10), 5, Duration.ofSeconds(2), 256, 64, 8 << 20, Duration.ofMillis(10), null);

  /** Checks the values. */
  public TcpOptions {
    if (mss < 536 || mss > MAX_MSS) {
      throw new IllegalArgumentException("mss " + mss + " not in 536.." + MAX_MSS);
    }
    if (receiveBuffer < mss || receiveBuffer > (1 << 30)) {
      throw new IllegalArgumentException("receiveBuffer " + receiveBuffer);
    }
    if (sendBuffer < mss || sendBuffer > (1 << 30)) {
      throw new IllegalArgumentException("sendBuffer " + sendBuffer);
    }
    positive(initialRto, "initialRto");
    positive(minRto, "minRto");
    positive(maxRto, "maxRto");
    positive(connectTimeout, "connectTimeout");
    positive(keepaliveIdle, "keepaliveIdle");
    positive(keepaliveInterval, "keepaliveInterval");
    positive(timeWait, "timeWait");
    positive(timerTick, "timerTick");
    if (minRto.compareTo(maxRto) > 0) {
      throw new IllegalArgumentException("minRto " + minRto + " > maxRto " + maxRto);
    }
    if (maxRetransmissions < 1 || keepaliveProbes < 1 || maxConnections < 1 || acceptBacklog < 1) {
      throw new IllegalArgumentException("maxRetransmissions, keepaliveProbes, maxConnections and acceptBacklog"
          + " must be at least 1");
    }
    if (maxQueuedBytes < 64 * 1024) {
      throw new IllegalArgumentException("maxQueuedBytes " + maxQueuedBytes + " < 65536");
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }

  /** The window scale shift announced for {@link #receiveBuffer()}. */
  public int windowScale() {
    int shift = 0;
    while (shift < 14 && (receiveBuffer >>> shift) > 0xFFFF) {
      shift++;
    }
    return shift;
  }

  /** With another MSS. */
  public TcpOptions withMss(int value) {
    return new TcpOptions(value, receiveBuffer, sendBuffer, initialRto, minRto, maxRto, maxRetransmissions,
        connectTimeout, keepaliveIdle, keepaliveInterval, keepaliveProbes, timeWait, maxConnections, acceptBacklog,
        maxQueuedBytes, timerTick, threadFactory);
  }

  /** With other buffer sizes. */
  public TcpOptions withBuffers(int receive, int send) {
    return new TcpOptions(mss, receive, send, initialRto, minRto, maxRto, maxRetransmissions, connectTimeout,
        keepaliveIdle, keepaliveInterval, keepaliveProbes, timeWait, maxConnections, acceptBacklog, maxQueuedBytes,
        timerTick, threadFactory);
  }

  /** With another retransmission policy. */
  public TcpOptions withRetransmission(Duration initial, Duration min, Duration max, int retransmissions) {
    return new TcpOptions(mss, receiveBuffer, sendBuffer, initial, min, max, retransmissions, connectTimeout,
        keepaliveIdle, keepaliveInterval, keepaliveProbes, timeWait, maxConnections, acceptBacklog, maxQueuedBytes,
        timerTick, threadFactory);
  }

  /** With another keepalive policy. */
  public TcpOptions withKeepalive(Duration idle, Duration interval, int probes) {
    return new TcpOptions(mss, receiveBuffer, sendBuffer, initialRto, minRto, maxRto, maxRetransmissions,
        connectTimeout, idle, interval, probes, timeWait, maxConnections, acceptBacklog, maxQueuedBytes, timerTick,
        threadFactory);
  }

  /** With another connect timeout. */
  public TcpOptions withConnectTimeout(Duration value) {
    return new TcpOptions(mss, receiveBuffer, sendBuffer, initialRto, minRto, maxRto, maxRetransmissions, value,
        keepaliveIdle, keepaliveInterval, keepaliveProbes, timeWait, maxConnections, acceptBacklog, maxQueuedBytes,
        timerTick, threadFactory);
  }

  /** With other connection limits. */
  public TcpOptions withLimits(int connections, int backlog, int queuedBytes) {
    return new TcpOptions(mss, receiveBuffer, sendBuffer, initialRto, minRto, maxRto, maxRetransmissions,
        connectTimeout, keepaliveIdle, keepaliveInterval, keepaliveProbes, timeWait, connections, backlog,
        queuedBytes, timerTick, threadFactory);
  }

  /** With threads from {@code factory}. */
  public TcpOptions withThreadFactory(ThreadFactory factory) {
    return new TcpOptions(mss, receiveBuffer, sendBuffer, initialRto, minRto, maxRto, maxRetransmissions,
        connectTimeout, keepaliveIdle, keepaliveInterval, keepaliveProbes, timeWait, maxConnections, acceptBacklog,
        maxQueuedBytes, timerTick, factory);
  }
}
