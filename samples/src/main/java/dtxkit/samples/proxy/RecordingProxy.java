package dtxkit.samples.proxy;

import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.server.RsdServer;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A recording man-in-the-middle between a client and a device ({@code dtxkit proxy}): it listens where the client
 * expects the device, forwards every byte both ways unchanged, and records them ({@link Recording}).
 *
 * <ul>
 *   <li><b>RSD face</b>: reads the device's peer info once, opens a forwarding port for every service it advertises,
 *       and serves the same peer info with those ports from an RSD port of its own. The RSD exchange itself is the
 *       only thing rewritten (the service ports); the advertised and the served peer info are written as a NOTE.
 *   <li><b>usbmuxd face</b>: a usbmuxd socket (Unix path or TCP) whose every connection is forwarded to the real
 *       usbmuxd, rewriting nothing; the DTX connections a client makes through it (after usbmuxd's Connect and, for
 *       Instruments, lockdown) are recorded with what preceded them, which {@link RecordingDecoder} skips. On iOS 14
 *       to 16 Instruments runs inside TLS: those bytes are recorded but cannot be decoded.
 * </ul>
 */
public final class RecordingProxy implements AutoCloseable {

  private final List<PortForwarder> forwarders = new ArrayList<>();
  private RsdServer rsdServer;
  private PeerInfo advertised;
  private PortForwarder usbmuxd;

  private RecordingProxy() {
  }

  /** A proxy that records to {@code recording}. */
  public static Builder builder(RecordingWriter recording) {
    return new Builder(recording);
  }

  /** The RSD port clients connect to, or -1 without an RSD face. */
  public int rsdPort() {
    return rsdServer == null ? -1 : rsdServer.port();
  }

  /** The address the RSD face listens on, or null without one. */
  public InetAddress rsdAddress() {
    return rsdServer == null ? null : rsdServer.address();
  }

  /** The peer info the device advertised, or null without an RSD face. */
  public PeerInfo advertised() {
    return advertised;
  }

  /** The peer info the proxy serves (the device's, with the proxy's ports), or null without an RSD face. */
  public PeerInfo served() {
    return rsdServer == null ? null : rsdServer.peerInfo();
  }

  /** The usbmuxd address clients use ({@code USBMUXD_SOCKET_ADDRESS}), or null without a usbmuxd face. */
  public UsbmuxAddress usbmuxd() throws IOException {
    if (usbmuxd == null) {
      return null;
    }
    SocketAddress a = usbmuxd.address();
    return a instanceof UnixDomainSocketAddress u ? UsbmuxAddress.unix(u.getPath())
        : UsbmuxAddress.tcp(((InetSocketAddress) a).getAddress().getHostAddress(), ((InetSocketAddress) a).getPort());
  }

  @Override
  public void close() {
    if (rsdServer != null) {
      rsdServer.close();
    }
    if (usbmuxd != null) {
      usbmuxd.close();
    }
    for (PortForwarder f : forwarders) {
      f.close();
    }
  }

  /** What to proxy and where to listen. */
  public static final class Builder {
    private final RecordingWriter recording;
    private String rsdHost;
    private int rsdPort;
    private UsbmuxAddress usbmuxdUpstream;
    private Path usbmuxdListenPath;
    private int usbmuxdListenPort;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int listenRsdPort;
    private int maxConnections = 64;

    private Builder(RecordingWriter recording) {
      this.recording = Objects.requireNonNull(recording, "recording");
    }

    /** Proxies the device whose RSD port is {@code host:port}. */
    public Builder rsd(String host, int port) {
      this.rsdHost = Objects.requireNonNull(host, "host");
      this.rsdPort = port;
      return this;
    }

    /** The RSD port to listen on (default 0: any free port). */
    public Builder listenRsdPort(int port) {
      this.listenRsdPort = port;
      return this;
    }

    /** Proxies the usbmuxd at {@code upstream}, listening on a Unix socket at {@code listen} (must not exist). */
    public Builder usbmuxd(UsbmuxAddress upstream, Path listen) {
      this.usbmuxdUpstream = Objects.requireNonNull(upstream, "upstream");
      this.usbmuxdListenPath = Objects.requireNonNull(listen, "listen");
      return this;
    }

    /** Proxies the usbmuxd at {@code upstream}, listening on TCP {@code port} (0: any) of the bind address. */
    public Builder usbmuxd(UsbmuxAddress upstream, int port) {
      this.usbmuxdUpstream = Objects.requireNonNull(upstream, "upstream");
      this.usbmuxdListenPath = null;
      this.usbmuxdListenPort = port;
      return this;
    }

    /** Where the RSD face and the forwarding ports listen (default: loopback). */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** Connections forwarded at once per port (default 64); more are closed at once. */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /** Reads the peer info (RSD face), opens every port and starts forwarding. */
    public RecordingProxy start() throws IOException {
      if (rsdHost == null && usbmuxdUpstream == null) {
        throw new IllegalStateException("nothing to proxy: give rsd(...) or usbmuxd(...)");
      }
      RecordingProxy proxy = new RecordingProxy();
      try {
        if (rsdHost != null) {
          startRsd(proxy);
        }
        if (usbmuxdUpstream != null) {
          SocketAddress listen = usbmuxdListenPath != null ? UnixDomainSocketAddress.of(usbmuxdListenPath)
              : new InetSocketAddress(bindAddress, usbmuxdListenPort);
          proxy.usbmuxd = new PortForwarder("usbmuxd", null, listen, usbmuxdUpstream.socketAddress(), recording,
              maxConnections);
        }
        return proxy;
      } catch (IOException | RuntimeException e) {
        proxy.close();
        throw e;
      }
    }

    private void startRsd(RecordingProxy proxy) throws IOException {
      PeerInfo info;
      InetAddress device;
      try (RsdClient rsd = RsdClient.connect(rsdHost, rsdPort)) {
        info = rsd.peerInfo();
        device = rsd.address();
      }
      proxy.advertised = info;
      Map<String, RsdService> services = new LinkedHashMap<>();
      for (RsdService s : info.services().values()) {
        PortForwarder f = new PortForwarder("rsd", s.name(), new InetSocketAddress(bindAddress, 0),
            new InetSocketAddress(device, s.port()), recording, maxConnections);
        proxy.forwarders.add(f);
        int port = ((InetSocketAddress) f.address()).getPort();
        services.put(s.name(), new RsdService(s.name(), port, s.entitlement(), s.properties()));
      }
      PeerInfo served = new PeerInfo(info.uuid(), info.messagingProtocolVersion(), info.properties(), services);
      proxy.rsdServer = RsdServer.builder(served).bindAddress(bindAddress).port(listenRsdPort).start();
      StringBuilder note = new StringBuilder("{\"rsd\":{\"device\":")
          .append(PortForwarder.json(device.getHostAddress() + " " + rsdPort))
          .append(",\"udid\":").append(PortForwarder.json(String.valueOf(info.udid())))
          .append(",\"listen\":").append(PortForwarder.json(bindAddress.getHostAddress() + " " + proxy.rsdPort()))
          .append(",\"services\":{");
      boolean first = true;
      for (RsdService s : info.services().values()) {
        note.append(first ? "" : ",").append(PortForwarder.json(s.name())).append(":{\"device\":").append(s.port())
            .append(",\"proxy\":").append(services.get(s.name()).port()).append('}');
        first = false;
      }
      recording.write(Recording.Type.NOTE, 0, note.append("}}}").toString());
    }
  }
}
