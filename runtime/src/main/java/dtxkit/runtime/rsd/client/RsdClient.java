package dtxkit.runtime.rsd.client;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RemoteXpcConnection;
import dtxkit.runtime.rsd.RsdCheckin;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.discovery.TunnelInfo;
import dtxkit.runtime.xpc.XpcBool;
import dtxkit.runtime.xpc.XpcDictionary;
import dtxkit.runtime.xpc.XpcFlags;
import dtxkit.runtime.xpc.XpcMessage;
import dtxkit.runtime.xpc.XpcUInt64;
import dtxkit.runtime.xpc.XpcUuid;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import javax.net.SocketFactory;

/**
 * A connection to a device's RemoteServiceDiscovery port: the RemoteXPC handshake, the {@code Handshake} message with
 * this host's UUID, and the device's {@link PeerInfo}. Then {@link #openService} opens any advertised service.
 *
 * <pre>{@code
 * try (RsdClient rsd = RsdClient.connect("fd35:d15c:6a3e::1", 58783)) {
 *   System.out.println(rsd.peerInfo().udid());
 *   Socket dtx = rsd.openService("com.apple.instruments.dtservicehub");   // speaks DTX from the first byte
 * }
 * }</pre>
 *
 * Thread-safe: {@link #openService} and {@link #xpc()} requests may run concurrently.
 */
public final class RsdClient implements AutoCloseable {
  /** The RSD port on the untrusted USB-ethernet interface. */
  public static final int DEFAULT_PORT = 58783;

  /**
   * Tuning.
   *
   * @param hostUuid the UUID sent in the Handshake, or null to use {@link HostUuidStore}'s persisted one (an
   *     in-memory one, with a warning, when it cannot be persisted)
   * @param connectTimeout TCP connect timeout
   * @param peerInfoTimeout how long to wait for the peer info after the handshake
   * @param checkinLabel the {@code Label} sent in RSDCheckin
   * @param xpc RemoteXPC tuning
   * @param socketFactory makes the sockets to RSD and to the services (null: the kernel's TCP)
   */
  public record Options(UUID hostUuid, Duration connectTimeout, Duration peerInfoTimeout, String checkinLabel,
      RemoteXpcConnection.Options xpc, SocketFactory socketFactory) {
    /** Persisted host UUID, 10 s timeouts, label {@code dtxkit}, devicectl's windows, kernel sockets. */
    public static final Options DEFAULT = new Options(null, Duration.ofSeconds(10), Duration.ofSeconds(10), "dtxkit",
        RemoteXpcConnection.Options.DEFAULT);

    /** The first five settings, with kernel sockets. */
    public Options(UUID hostUuid, Duration connectTimeout, Duration peerInfoTimeout, String checkinLabel,
        RemoteXpcConnection.Options xpc) {
      this(hostUuid, connectTimeout, peerInfoTimeout, checkinLabel, xpc, null);
    }

    /** These options with another host UUID. */
    public Options withHostUuid(UUID uuid) {
      return new Options(uuid, connectTimeout, peerInfoTimeout, checkinLabel, xpc, socketFactory);
    }

    /** These options with other RemoteXPC options. */
    public Options withXpc(RemoteXpcConnection.Options xpc) {
      return new Options(hostUuid, connectTimeout, peerInfoTimeout, checkinLabel, xpc, socketFactory);
    }

    /**
     * These options with the RemoteXPC connection's threads made by {@code threadFactory} (e.g.
     * {@code Thread.ofVirtual().factory()} on JDK 21+).
     */
    public Options withThreadFactory(java.util.concurrent.ThreadFactory threadFactory) {
      return withXpc(xpc.withThreadFactory(threadFactory));
    }

    /**
     * These options with the RSD connection and every service connection made by {@code factory} (its
     * {@code createSocket()}, then {@code connect}): e.g. a CoreDeviceProxy tunnel's userspace TCP
     * ({@code dtxkit.runtime.tunnel.CoreDeviceTunnel#socketFactory()}); null for the kernel's sockets.
     */
    public Options withSocketFactory(SocketFactory factory) {
      return new Options(hostUuid, connectTimeout, peerInfoTimeout, checkinLabel, xpc, factory);
    }

    Socket newSocket() throws IOException {
      return socketFactory == null ? new Socket() : socketFactory.createSocket();
    }
  }

  private final InetAddress address;
  private final RemoteXpcConnection xpc;
  private final PeerInfo peerInfo;
  private final Options options;

  private RsdClient(InetAddress address, RemoteXpcConnection xpc, PeerInfo peerInfo, Options options) {
    this.address = address;
    this.xpc = xpc;
    this.peerInfo = peerInfo;
    this.options = options;
  }

  /** {@link #connect(String, int, Options)} with default options. */
  public static RsdClient connect(String host, int port) throws IOException {
    return connect(host, port, Options.DEFAULT);
  }

  /**
   * Connects, runs the handshake and reads the peer info.
   *
   * @param host an IP literal (IPv4, IPv6 ULA, or link-local with a scope such as {@code fe80::1%en5}; brackets are
   *     allowed) or a host name
   * @param port the RSD port
   * @throws IOException when the connection, the handshake or the peer info fails
   */
  public static RsdClient connect(String host, int port, Options options) throws IOException {
    InetAddress address = resolve(host);
    UUID hostUuid = options.hostUuid() != null ? options.hostUuid()
        : HostUuidStore.loadOrFallback(HostUuidStore.defaultFile());
    Socket socket = options.newSocket();
    try {
      socket.connect(new InetSocketAddress(address, port), (int) options.connectTimeout().toMillis());
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot reach RSD at " + format(address, port) + ": " + e.getMessage(), e);
    }
    RemoteXpcConnection xpc = RemoteXpcConnection.open(socket, options.xpc());
    try {
      XpcDictionary handshake = XpcDictionary.builder()
          .put("MessageType", "Handshake")
          .put("MessagingProtocolVersion", new XpcUInt64(7))
          .put("UUID", new XpcUuid(hostUuid))
          .put("Properties", XpcDictionary.builder()
              .put("RemoteXPCVersionFlags", new XpcUInt64(0x0100000000000006L))
              .put("SensitivePropertiesVisible", XpcBool.TRUE)
              .build())
          .put("Services", XpcDictionary.empty())
          .build();
      xpc.send(RemoteXpcConnection.ROOT_CHANNEL, new XpcMessage(
          XpcFlags.ALWAYS_SET | XpcFlags.DATA_PRESENT | XpcFlags.WANTS_REPLY, xpc.nextMessageId(), handshake));
      XpcMessage info = xpc.awaitMessage(RsdClient::isPeerInfo, options.peerInfoTimeout());
      return new RsdClient(address, xpc, PeerInfo.fromXpc(info.dictionary()), options);
    } catch (IOException | RuntimeException e) {
      xpc.close();
      throw e;
    }
  }

  /** Connects to the RSD port a tunnel daemon reported (see {@link dtxkit.runtime.rsd.discovery.TunnelDiscovery}). */
  public static RsdClient connect(TunnelInfo tunnel, Options options) throws IOException {
    return connect(tunnel.address(), tunnel.rsdPort(), options);
  }

  /** The peer info is the first dictionary carrying {@code Properties} or a non-empty {@code Services}. */
  static boolean isPeerInfo(XpcMessage m) {
    XpcDictionary d = m.dictionary();
    if (d == null) {
      return false;
    }
    XpcDictionary services = d.getDictionary("Services");
    return d.getDictionary("Properties") != null || (services != null && !services.isEmpty());
  }

  static InetAddress resolve(String host) throws IOException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return InetAddress.getByName(h);
  }

  static String format(InetAddress address, int port) {
    String a = address.getHostAddress();
    return (a.contains(":") ? "[" + a + "]" : a) + ":" + port;
  }

  /** The device's peer info. */
  public PeerInfo peerInfo() {
    return peerInfo;
  }

  /** The device address every service port lives on. */
  public InetAddress address() {
    return address;
  }

  /** The RemoteXPC connection to RSD, for further requests. */
  public RemoteXpcConnection xpc() {
    return xpc;
  }

  /**
   * Opens a TCP connection to an advertised service and returns it ready for the service's own protocol: after
   * {@code RSDCheckin} for {@code *.shim.remote} services, untouched for DTX ports such as
   * {@code com.apple.instruments.dtservicehub} and {@code com.apple.dt.testmanagerd.remote}.
   *
   * @return a connected socket, owned by the caller
   * @throws IOException when the service is not advertised, cannot be reached, or refuses the checkin
   */
  public Socket openService(String serviceName) throws IOException {
    RsdService service = peerInfo.service(serviceName);
    if (service == null) {
      throw new ServiceNotAdvertisedException(peerInfo.udid(), serviceName, peerInfo.services().keySet());
    }
    Socket socket = options.newSocket();
    try {
      socket.connect(new InetSocketAddress(address, service.port()), (int) options.connectTimeout().toMillis());
      socket.setTcpNoDelay(true);
      if (service.needsCheckin()) {
        RsdCheckin.perform(socket.getInputStream(), socket.getOutputStream(), options.checkinLabel());
      }
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Opens an advertised DTX service, e.g. {@code com.apple.instruments.dtservicehub}, and returns a connected
   * {@link DtxConnection} on it with the default capabilities handshake done.
   *
   * <pre>{@code
   * try (RsdClient rsd = RsdClient.connect("fd12:3456::1", 58783);
   *      DtxConnection dtx = rsd.openDtx("com.apple.instruments.dtservicehub")) {
   *   DeviceInfo info = dtx.open(DeviceInfo.class);
   * }
   * }</pre>
   *
   * @return a ready connection, owned by the caller (it outlives this RSD connection)
   * @throws ServiceNotAdvertisedException when the catalogue does not list the service
   * @throws IOException when the port cannot be reached or the DTX handshake fails
   */
  public DtxConnection openDtx(String serviceName) throws IOException {
    return openDtx(serviceName, builder -> {});
  }

  /**
   * Like {@link #openDtx(String)}, with the connection's builder handed to {@code configure} first (capabilities,
   * timeouts, a service registry for peer-opened channels, listeners that must see the first messages).
   */
  public DtxConnection openDtx(String serviceName, Consumer<DtxConnection.Builder> configure) throws IOException {
    Socket socket = openService(serviceName);
    try {
      DtxConnection.Builder builder =
          DtxConnection.builder(DtxTransport.of(socket)).name(serviceName + "@" + peerInfo.udid());
      configure.accept(builder);
      return builder.connect();
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Closes the RSD connection (sockets returned by {@link #openService} stay open). */
  @Override
  public void close() {
    xpc.close();
  }
}
