package dtxkit.samples.proxy;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on one address (TCP or a Unix socket) and forwards every connection, byte for byte both ways, to one
 * upstream address, recording what passes: an OPEN record, the bytes each way as they are read (at most 64 KiB per
 * record), and a CLOSE record. A side that closes its output half-closes the other; the connection ends when both
 * directions have ended.
 *
 * <p>No failure to forward one connection stops the listener: a client for whom no thread can be made
 * ({@code OutOfMemoryError: unable to create native thread}) or whose forwarding fails in any other way is closed,
 * counted in {@link #failed()} and logged in one line, and the next client is accepted.
 */
final class PortForwarder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PortForwarder.class);
  static final int CHUNK = 64 * 1024;

  private final String face;
  private final String service;
  private final SocketAddress upstream;
  private final RecordingWriter recording;
  private final int maxConnections;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final java.nio.file.Path unixPath;
  private final ThreadFactory threads;
  private volatile boolean closed;

  private static final ThreadFactory DAEMON_THREADS = r -> {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  };

  /**
   * Starts listening on {@code listen} (a TCP address, port 0 for any, or a Unix socket path that must not exist).
   *
   * @param face what the proxy pretends to be ({@code rsd}, {@code usbmuxd}), written in OPEN records
   * @param service the service name the port stands for, or null
   */
  PortForwarder(String face, String service, SocketAddress listen, SocketAddress upstream, RecordingWriter recording,
      int maxConnections) throws IOException {
    this(face, service, listen, upstream, recording, maxConnections, DAEMON_THREADS);
  }

  /** As above, with the forwarding threads (one or two per connection) from {@code threads}. */
  PortForwarder(String face, String service, SocketAddress listen, SocketAddress upstream, RecordingWriter recording,
      int maxConnections, ThreadFactory threads) throws IOException {
    this.threads = threads;
    this.face = face;
    this.service = service;
    this.upstream = upstream;
    this.recording = recording;
    this.maxConnections = maxConnections;
    this.unixPath = listen instanceof UnixDomainSocketAddress unix ? unix.getPath() : null;
    this.server = listen instanceof UnixDomainSocketAddress
        ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
    try {
      server.bind(listen);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    this.acceptor = new Thread(this::acceptLoop, "dtxkit-proxy-accept-" + (service != null ? service : face));
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The address clients connect to. */
  SocketAddress address() throws IOException {
    return server.getLocalAddress();
  }

  /** Clients closed at once because {@code maxConnections} were being forwarded. */
  long refused() {
    return refused.get();
  }

  /** Clients whose upstream could not be reached, or that could not be forwarded (no thread for them...). */
  long failed() {
    return failed.get();
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (java.nio.channels.ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        // E.g. no file descriptor left: retry after a pause rather than leave the port bound with nobody accepting.
        if (acceptErrors++ == 0) {
          log.warn("proxy {}: accept failed ({}); retrying", name(), e.toString());
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          return;
        }
        continue;
      }
      if (active.incrementAndGet() > maxConnections) {
        active.decrementAndGet();
        refused.incrementAndGet();
        closeQuietly(client);
        continue;
      }
      try {
        Thread t = newThread(() -> forward(client), "dtxkit-proxy-" + name());
        t.start();
      } catch (Throwable e) {
        // No thread for this client (OutOfMemoryError: unable to create native thread): close it and go on.
        active.decrementAndGet();
        failed.incrementAndGet();
        closeQuietly(client);
        log.warn("proxy {}: could not forward a client: {}", name(), e.toString());
      }
    }
  }

  private long acceptErrors;

  private String name() {
    return service != null ? service : face;
  }

  private Thread newThread(Runnable r, String name) {
    Thread t = threads.newThread(r);
    if (t == null) {
      throw new IllegalStateException("the thread factory gave no thread");
    }
    t.setName(name);
    return t;
  }

  private void forward(SocketChannel client) {
    int connection = recording.newConnection();
    SocketChannel device = null;
    try {
      open.add(client);
      String clientAddress = String.valueOf(client.getRemoteAddress());
      recording.write(Recording.Type.OPEN, connection, "{\"face\":" + json(face) + ",\"service\":"
          + (service == null ? "null" : json(service)) + ",\"client\":" + json(clientAddress) + ",\"upstream\":"
          + json(String.valueOf(upstream)) + "}");
      try {
        device = upstream instanceof UnixDomainSocketAddress
            ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        device.connect(upstream);
      } catch (IOException e) {
        failed.incrementAndGet();
        log.warn("proxy {}: cannot reach {}: {}", service != null ? service : face, upstream, e.toString());
        recording.write(Recording.Type.CLOSE, connection, "cannot reach " + upstream + ": " + e.getMessage());
        return;
      }
      open.add(device);
      SocketChannel up = device;
      String[] reasons = new String[2];
      Thread toDevice = newThread(() -> reasons[0] = pump(client, up, Recording.Type.TO_DEVICE, connection),
          "dtxkit-proxy-to-device-" + connection);
      toDevice.start();
      reasons[1] = pump(up, client, Recording.Type.FROM_DEVICE, connection);
      toDevice.join();
      String reason = reasons[0] != null ? reasons[0] : reasons[1] != null ? reasons[1] : "";
      recording.write(Recording.Type.CLOSE, connection, reason);
    } catch (IOException e) {
      recording.write(Recording.Type.CLOSE, connection, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      // No thread for the second direction, or anything else: this connection ends (closed below), one line.
      failed.incrementAndGet();
      log.warn("proxy {}: forwarding a client failed: {}", name(), e.toString());
      recording.write(Recording.Type.CLOSE, connection, "forwarding failed: " + e);
    } finally {
      closeQuietly(client);
      open.remove(client);
      if (device != null) {
        closeQuietly(device);
        open.remove(device);
      }
      active.decrementAndGet();
    }
  }

  /** Copies {@code from} to {@code to} until end of stream; null when it ended in order, else why not. */
  private String pump(SocketChannel from, SocketChannel to, Recording.Type type, int connection) {
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    try {
      while (true) {
        buffer.clear();
        int n = from.read(buffer);
        if (n < 0) {
          to.shutdownOutput();
          return null;
        }
        buffer.flip();
        recording.write(type, connection, buffer.array(), 0, n);
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
      }
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
      return closed ? null : (type == Recording.Type.TO_DEVICE ? "client side: " : "device side: ") + e.getMessage();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    for (SocketChannel c : open) {
      closeQuietly(c);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (unixPath != null) {
      try {
        java.nio.file.Files.deleteIfExists(unixPath);
      } catch (IOException e) {
        log.debug("proxy {}: cannot delete {}: {}", face, unixPath, e.toString());
      }
    }
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // Closing after a failure: nothing more to do.
    }
  }
}
