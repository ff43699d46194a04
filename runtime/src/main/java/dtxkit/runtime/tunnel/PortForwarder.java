package dtxkit.runtime.tunnel;

import dtxkit.runtime.tunnel.tcp.TcpSocket;
import dtxkit.runtime.tunnel.tcp.TcpStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins connections accepted by a {@link TcpStack} listener to kernel TCP ports: how a device side (the mock
 * device) makes servers that listen on loopback reachable inside a tunnel. Two threads per connection copy the
 * bytes; at most {@code maxConnections} are joined at once (more are reset).
 */
public final class PortForwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PortForwarder.class);
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final TcpStack.Listener listener;
  private final IntFunction<InetSocketAddress> targets;
  private final int maxConnections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong failed = new AtomicLong();
  private final Thread acceptor;
  private volatile boolean closed;

  /**
   * Starts forwarding.
   *
   * @param listener what to accept from (owned by the forwarder from now on)
   * @param targets the kernel address for a tunnel port (the listener accepts only ports that have one)
   * @param maxConnections joined connections at once
   */
  public PortForwarder(TcpStack.Listener listener, IntFunction<InetSocketAddress> targets, int maxConnections) {
    this.listener = listener;
    this.targets = targets;
    this.maxConnections = maxConnections;
    this.acceptor = new Thread(this::acceptLoop, "tunnel-forwarder-" + COUNT.incrementAndGet());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Connections that could not be joined (the kernel port refused, too many at once, no thread for them). */
  public long failedConnections() {
    return failed.get();
  }

  /** Connections joined now. */
  public int openConnections() {
    return open.size() / 2;
  }

  private void acceptLoop() {
    while (!closed) {
      TcpSocket s;
      try {
        s = listener.accept(Duration.ofSeconds(1));
      } catch (IOException e) {
        return;
      }
      if (s == null) {
        continue;
      }
      if (open.size() / 2 >= maxConnections) {
        failed.incrementAndGet();
        s.abort();
        continue;
      }
      InetSocketAddress target;
      try {
        target = java.util.Objects.requireNonNull(targets.apply(s.getLocalPort()), "no target");
      } catch (RuntimeException e) {
        // The lookup failed for this port: refuse this connection, keep accepting.
        if (failed.incrementAndGet() == 1) {
          LOG.info("tunnel port {}: no kernel address: {}", s.getLocalPort(), e.toString());
        }
        s.abort();
        continue;
      }
      Socket k = new Socket();
      try {
        k.connect(target, 5000);
        k.setTcpNoDelay(true);
      } catch (IOException e) {
        if (failed.incrementAndGet() == 1) {
          LOG.info("tunnel port {}: cannot reach {}: {}", s.getLocalPort(), target, e.getMessage());
        }
        s.abort();
        try {
          k.close();
        } catch (IOException ignored) {
          // Failing anyway.
        }
        continue;
      }
      open.add(s);
      open.add(k);
      AtomicInteger ended = new AtomicInteger();
      try {
        pump(s, k, ended, "in");
        pump(k, s, ended, "out");
      } catch (Throwable e) {
        // No thread for this connection (OutOfMemoryError: unable to create native thread): close both ends, count
        // it, and go on accepting.
        failed.incrementAndGet();
        LOG.warn("tunnel port {}: could not join a connection: {}", s.getLocalPort(), e.toString());
        s.abort();
        closeBoth(s, k);
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicInteger ended, String direction) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
        to.shutdownOutput();
        if (ended.incrementAndGet() == 2) {
          closeBoth(from, to);
        }
      } catch (IOException e) {
        closeBoth(from, to);
      }
    }, "tunnel-forward-" + direction + "-" + from.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  private void closeBoth(Socket a, Socket b) {
    for (Socket s : new Socket[] {a, b}) {
      open.remove(s);
      try {
        s.close();
      } catch (IOException e) {
        LOG.debug("closing a forwarded socket", e);
      }
    }
  }

  /** Stops accepting and closes every joined connection. */
  @Override
  public void close() {
    closed = true;
    listener.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.debug("closing a forwarded socket", e);
      }
    }
    open.clear();
    acceptor.interrupt();
  }
}
