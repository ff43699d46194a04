package dtxkit.runtime.usbmux;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import dtxkit.runtime.DtxProtocolException;
import dtxkit.runtime.stream.ChannelTransport;
import dtxkit.runtime.stream.Plists;
import dtxkit.runtime.stream.StepTimer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A usbmuxd: answers the plist protocol on a Unix-domain socket path and/or a loopback TCP port, serving a
 * {@link UsbmuxDeviceTable}. It is what a mock device uses to be found as a phone on a cable is, by dtxkit's
 * {@link UsbmuxClient}, pymobiledevice3, go-ios and appium-ios-device (point {@code USBMUXD_SOCKET_ADDRESS} at
 * {@link #unixAddress()} or {@link #tcpAddress()}).
 *
 * <table>
 * <caption>Requests</caption>
 * <tr><th>MessageType</th><th>reply</th></tr>
 * <tr><td>{@code ListDevices}</td><td>{@code DeviceList}: {@code {DeviceID, MessageType Attached, Properties}}
 * per device</td></tr>
 * <tr><td>{@code Listen}</td><td>{@code Result 0}, an {@code Attached} event per device, then the events given to
 * {@link #publish(UsbmuxEvent)}</td></tr>
 * <tr><td>{@code ReadPairRecord}</td><td>{@code PairRecordData}, or {@code Result 2}</td></tr>
 * <tr><td>{@code SavePairRecord}</td><td>{@code Result 0}, or 1 when the table refuses</td></tr>
 * <tr><td>{@code DeletePairRecord}</td><td>{@code Result 0}</td></tr>
 * <tr><td>{@code ReadBUID}</td><td>{@code BUID}</td></tr>
 * <tr><td>{@code Connect}</td><td>{@code Result 0} and the stream handed to the table's
 * {@link UsbmuxDeviceTable.PortHandler}; 2 for an unknown device, 3 when refused</td></tr>
 * <tr><td>anything else</td><td>{@code Result 1}</td></tr>
 * </table>
 *
 * <p>Each client connection has a thread (at most {@link Builder#maxConnections(int)} at once; more are closed and
 * counted). Malformed input closes that connection with one log line; {@link #failedConnections()} counts them.
 */
public final class UsbmuxServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsbmuxServer.class);

  private final UsbmuxDeviceTable table;
  private final int maxMessageBytes;
  private final int maxConnections;
  private final Duration requestTimeout;
  private final ServerSocketChannel unixChannel;
  private final ServerSocketChannel tcpChannel;
  private final Path unixPath;
  private final ExecutorService executor;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong acceptErrors = new AtomicLong();
  private volatile boolean closed;

  private UsbmuxServer(Builder b) throws IOException {
    this.table = Objects.requireNonNull(b.table, "deviceTable");
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxConnections = b.maxConnections;
    this.requestTimeout = b.requestTimeout;
    if (b.unixPath == null && b.tcpAddress == null) {
      throw new IllegalStateException("neither a Unix socket path nor a TCP address to listen on");
    }
    AtomicInteger threads = new AtomicInteger();
    java.util.concurrent.ThreadFactory factory = b.threadFactory;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = factory.newThread(r);
      t.setName("dtxkit-usbmuxd-" + threads.incrementAndGet());
      return t;
    });
    ServerSocketChannel unix = null;
    ServerSocketChannel tcp = null;
    try {
      if (b.unixPath != null) {
        unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(b.unixPath));
      }
      if (b.tcpAddress != null) {
        tcp = ServerSocketChannel.open();
        tcp.bind(b.tcpAddress);
      }
    } catch (IOException | RuntimeException e) {
      if (unix != null) {
        unix.close();
        Files.deleteIfExists(b.unixPath);
      }
      if (tcp != null) {
        tcp.close();
      }
      executor.shutdownNow();
      throw e;
    }
    this.unixChannel = unix;
    this.tcpChannel = tcp;
    this.unixPath = b.unixPath;
    try {
      if (unix != null) {
        executor.execute(() -> acceptLoop(unixChannel, "unix:" + unixPath));
      }
      if (tcp != null) {
        executor.execute(() -> acceptLoop(tcpChannel, "tcp " + tcpAddress()));
      }
    } catch (RuntimeException | Error e) {
      // No accept thread (OutOfMemoryError: unable to create native thread): nothing stays bound.
      close();
      throw new IOException("usbmuxd: cannot start accepting: " + e, e);
    }
  }

  /** A builder: give it a device table and at least one of a socket path and a TCP address. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Unix socket path, or null when not listening on one. */
  public Path unixAddress() {
    return unixPath;
  }

  /** The bound TCP address (with the port the system chose for port 0), or null when not listening on TCP. */
  public InetSocketAddress tcpAddress() {
    if (tcpChannel == null) {
      return null;
    }
    try {
      return (InetSocketAddress) tcpChannel.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }

  /** The address to give clients: the Unix path if there is one, else the TCP address. */
  public UsbmuxAddress address() {
    if (unixPath != null) {
      return UsbmuxAddress.unix(unixPath);
    }
    InetSocketAddress tcp = tcpAddress();
    return UsbmuxAddress.tcp(tcp.getAddress().getHostAddress(), tcp.getPort());
  }

  /**
   * Connections closed for malformed input, a failing handler, or because no thread could be made to serve them
   * (any {@link Error} included: the server goes on accepting).
   */
  public long failedConnections() {
    return failed.get();
  }

  /** Connections refused because {@link Builder#maxConnections(int)} were open. */
  public long rejectedConnections() {
    return rejected.get();
  }

  /**
   * Sends an event to every {@code Listen} client (call it when the device table changes).
   *
   * @param event the event
   */
  public void publish(UsbmuxEvent event) {
    NSDictionary plist = eventPlist(event);
    for (Listener listener : listeners) {
      listener.send(plist);
    }
  }

  /** Stops listening, closes every connection (including streams handed to port handlers), removes the socket file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    for (ServerSocketChannel c : new ServerSocketChannel[] {unixChannel, tcpChannel}) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          failure = e;
        }
      }
    }
    for (SocketChannel c : open) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    executor.shutdownNow();
    if (unixPath != null) {
      Files.deleteIfExists(unixPath);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void acceptLoop(ServerSocketChannel server, String where) {
    while (!closed) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        // E.g. no file descriptor left: retried after a pause, so the socket never stays bound with nobody accepting.
        if (acceptErrors.incrementAndGet() == 1) {
          log.warn("usbmuxd on {}: accept failed ({}); retrying", where, e.toString());
        } else {
          log.debug("usbmuxd on {}: accept failed again", where, e);
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
        rejected.incrementAndGet();
        closeQuietly(channel);
        continue;
      }
      open.add(channel);
      try {
        executor.execute(() -> serve(channel, where));
      } catch (Throwable e) {
        // Shut down (closing), or no thread for this client (OutOfMemoryError: unable to create native thread):
        // that client is closed and counted, and the loop accepts the next one.
        open.remove(channel);
        active.decrementAndGet();
        closeQuietly(channel);
        if (!closed) {
          failed.incrementAndGet();
          log.warn("usbmuxd on {}: could not serve a client: {}", where, e.toString());
          log.debug("usbmuxd on {}: client failure", where, e);
        }
      }
    }
  }

  private void serve(SocketChannel channel, String where) {
    ChannelTransport transport = new ChannelTransport(channel, "usbmuxd client on " + where);
    boolean handedOff = false;
    try {
      UsbmuxCodec.Reader reader = new UsbmuxCodec.Reader(transport.input(), maxMessageBytes);
      while (!closed) {
        UsbmuxMessage request;
        try (StepTimer.Step step = StepTimer.start("usbmuxd server: read a request", requestTimeout, transport)) {
          try {
            request = reader.read();
          } catch (IOException e) {
            throw step.failure(e);
          }
        }
        if (request == null) {
          return;
        }
        String type = request.messageType();
        NSDictionary plist = request.plist();
        int tag = request.tag();
        if (type == null) {
          throw new UsbmuxProtocolException("request MessageType", "a string", "missing (keys " + plist.keySet()
              + ")", reader.offset());
        }
        switch (type) {
          case "ListDevices" -> {
            NSDictionary reply = new NSDictionary();
            NSArray list = new NSArray(table.devices().stream().map(UsbmuxServer::attachedPlist)
                .toArray(NSDictionary[]::new));
            reply.put("DeviceList", list);
            send(transport, tag, reply);
          }
          case "ReadBUID" -> {
            NSDictionary reply = new NSDictionary();
            reply.put("BUID", table.systemBuid());
            send(transport, tag, reply);
          }
          case "ReadPairRecord" -> {
            String udid = Plists.requiredString(plist, "PairRecordID", "ReadPairRecord request");
            Optional<byte[]> record = table.pairRecord(udid);
            if (record.isPresent()) {
              NSDictionary reply = new NSDictionary();
              reply.put("PairRecordData", new NSData(record.get()));
              send(transport, tag, reply);
            } else {
              send(transport, tag, result(UsbmuxResultException.BAD_DEVICE));
            }
          }
          case "SavePairRecord" -> {
            String udid = Plists.requiredString(plist, "PairRecordID", "SavePairRecord request");
            byte[] data = Plists.optionalData(plist, "PairRecordData", "SavePairRecord request");
            boolean saved = data != null && table.savePairRecord(udid, data);
            send(transport, tag, result(saved ? 0 : UsbmuxResultException.BAD_COMMAND));
          }
          case "DeletePairRecord" -> send(transport, tag, result(0));
          case "Listen" -> {
            listen(transport, reader, tag);
            return;
          }
          case "Connect" -> {
            long deviceId = Plists.requiredInteger(plist, "DeviceID", "Connect request");
            long portField = Plists.requiredInteger(plist, "PortNumber", "Connect request");
            if (portField < 0 || portField > 0xFFFF) {
              throw new UsbmuxProtocolException("Connect PortNumber", "0..65535 (network byte order)",
                  Long.toString(portField), reader.offset());
            }
            int port = UsbmuxCodec.swapPort((int) portField);
            UsbmuxDevice device = null;
            for (UsbmuxDevice d : table.devices()) {
              if (d.deviceId() == deviceId) {
                device = d;
              }
            }
            if (device == null) {
              send(transport, tag, result(UsbmuxResultException.BAD_DEVICE));
              continue;
            }
            UsbmuxDeviceTable.PortHandler handler = table.connect(device, port);
            if (handler == null) {
              send(transport, tag, result(UsbmuxResultException.CONNECTION_REFUSED));
              continue;
            }
            send(transport, tag, result(0));
            handedOff = true;
            try {
              handler.serve(transport);
            } catch (Throwable e) {
              // Not only exceptions (see dtxkit.runtime.internal.Failures): the client's socket is closed either way.
              failed.incrementAndGet();
              log.warn("usbmuxd on {}: the handler of device {} port {} failed: {}", where, deviceId, port,
                  e.toString());
              transport.close();
              dtxkit.runtime.internal.Failures.rethrowIfFatal(e);
            }
            return;
          }
          default -> send(transport, tag, result(UsbmuxResultException.BAD_COMMAND));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        failed.incrementAndGet();
        log.info("usbmuxd on {}: closing a client connection: {}", where, e.toString());
      }
    } catch (Error e) {
      // Ends this client only; the thread goes back to the pool.
      failed.incrementAndGet();
      log.warn("usbmuxd on {}: closing a client connection: {}", where, e.toString());
      log.debug("usbmuxd on {}: client failure", where, e);
    } finally {
      active.decrementAndGet();
      if (!handedOff) {
        open.remove(channel);
        closeQuietly(channel);
      }
    }
  }

  private void listen(ChannelTransport transport, UsbmuxCodec.Reader reader, int tag) throws IOException {
    Listener listener = new Listener(transport);
    synchronized (listener) {
      send(transport, tag, result(0));
      listeners.add(listener);
      for (UsbmuxDevice device : table.devices()) {
        listener.send(eventPlist(UsbmuxEvent.attached(device)));
      }
    }
    try {
      // A listening client sends nothing more; wait for it to close (or for the server to close).
      while (reader.read() != null) {
        // ignore anything it sends
      }
    } finally {
      listeners.remove(listener);
    }
  }

  private final class Listener {
    private final ChannelTransport transport;

    Listener(ChannelTransport transport) {
      this.transport = transport;
    }

    synchronized void send(NSDictionary plist) {
      try {
        UsbmuxCodec.write(transport.output(), UsbmuxMessage.plist(0, plist));
      } catch (IOException e) {
        listeners.remove(this);
        closeQuietly(transport.channel());
      }
    }
  }

  private static void send(ChannelTransport transport, int tag, NSDictionary reply) throws IOException {
    UsbmuxCodec.write(transport.output(), UsbmuxMessage.plist(tag, reply));
  }

  private static NSDictionary result(int number) {
    NSDictionary reply = new NSDictionary();
    reply.put("MessageType", "Result");
    reply.put("Number", number);
    return reply;
  }

  static NSDictionary attachedPlist(UsbmuxDevice device) {
    NSDictionary entry = new NSDictionary();
    entry.put("DeviceID", device.deviceId());
    entry.put("MessageType", "Attached");
    entry.put("Properties", device.properties());
    return entry;
  }

  static NSDictionary eventPlist(UsbmuxEvent event) {
    if (event.type() == UsbmuxEvent.Type.ATTACHED) {
      return attachedPlist(event.device());
    }
    NSDictionary plist = new NSDictionary();
    plist.put("DeviceID", event.deviceId());
    plist.put("MessageType", event.type().messageType());
    return plist;
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  /** Configures a {@link UsbmuxServer}. */
  public static final class Builder {
    private UsbmuxDeviceTable table;
    private Path unixPath;
    private InetSocketAddress tcpAddress;
    private int maxMessageBytes = UsbmuxCodec.DEFAULT_MAX_MESSAGE_BYTES;
    private int maxConnections = 64;
    private Duration requestTimeout = Duration.ofMinutes(1);
    private java.util.concurrent.ThreadFactory threadFactory = r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };

    private Builder() {}

    /**
     * Makes the server's threads: one accept thread per address, and the pool's thread per client (default daemon
     * platform threads). A client for whom no thread can be made is closed and counted in
     * {@link UsbmuxServer#failedConnections()}; the server goes on accepting.
     *
     * @param value the factory
     * @return this
     */
    public Builder threadFactory(java.util.concurrent.ThreadFactory value) {
      this.threadFactory = Objects.requireNonNull(value);
      return this;
    }

    /**
     * @param value what the server serves
     * @return this
     */
    public Builder deviceTable(UsbmuxDeviceTable value) {
      this.table = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Listens on a Unix-domain socket at this path (which must not exist; it is deleted on close).
     *
     * @param value the path
     * @return this
     */
    public Builder unixSocket(Path value) {
      this.unixPath = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Listens on TCP, loopback, at {@code port} (0: any free port).
     *
     * @param port the port
     * @return this
     */
    public Builder loopbackTcp(int port) {
      this.tcpAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      return this;
    }

    /**
     * Listens on TCP at an address.
     *
     * @param value the address
     * @return this
     */
    public Builder tcp(InetSocketAddress value) {
      this.tcpAddress = Objects.requireNonNull(value);
      return this;
    }

    /**
     * @param value the largest request accepted (default 1 MiB)
     * @return this
     */
    public Builder maxMessageBytes(int value) {
      if (value < UsbmuxCodec.HEADER_LENGTH) {
        throw new IllegalArgumentException("maxMessageBytes " + value);
      }
      this.maxMessageBytes = value;
      return this;
    }

    /**
     * @param value connections served at once (default 64); more are closed and counted
     * @return this
     */
    public Builder maxConnections(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxConnections " + value);
      }
      this.maxConnections = value;
      return this;
    }

    /**
     * @param value how long a client may take to send a request, from connecting or the previous reply (default
     *     1 minute; not applied while a client listens for events)
     * @return this
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Binds and starts accepting.
     *
     * @return the running server
     * @throws IOException when binding fails
     */
    public UsbmuxServer start() throws IOException {
      return new UsbmuxServer(this);
    }
  }

  static DtxProtocolException bad(String field, String expected, String actual) {
    return new UsbmuxProtocolException(field, expected, actual, DtxProtocolException.UNKNOWN_OFFSET);
  }
}
