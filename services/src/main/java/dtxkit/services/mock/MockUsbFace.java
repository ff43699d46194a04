package dtxkit.services.mock;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownException;
import dtxkit.runtime.lockdown.LockdownServer;
import dtxkit.runtime.lockdown.PairRecordGenerator;
import dtxkit.runtime.lockdown.ServiceInfo;
import dtxkit.runtime.tls.DeviceTls;
import dtxkit.runtime.tls.TlsIdentity;
import dtxkit.runtime.tls.TlsMode;
import dtxkit.runtime.tls.TlsOptions;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.runtime.usbmux.UsbmuxDeviceTable;
import dtxkit.runtime.usbmux.UsbmuxServer;
import dtxkit.runtime.tunnel.CoreDeviceTunnel;
import dtxkit.runtime.tunnel.PortForwarder;
import dtxkit.runtime.tunnel.TunnelParameters;
import dtxkit.runtime.tunnel.tcp.TcpStack;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mock device reached as a phone on a cable: a usbmuxd (Unix socket and loopback TCP) listing the device and
 * answering {@code ReadPairRecord} with a pairing it generated, and behind {@code Connect} to 62078 a lockdownd
 * whose {@code StartService} hands out single-use ports for Instruments (in the TLS mode of the iOS version the mock
 * plays), installation_proxy, syslog_relay and mobile_image_mounter, and on iOS 17.4+ for
 * {@value CoreDeviceTunnel#SERVICE}: the CDTunnel handshake, then a userspace TCP at the tunnel's device address
 * whose RSD port and service ports lead to the mock's RSD and DTX servers.
 */
final class MockUsbFace implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MockUsbFace.class);

  /** iOS 14-16's Instruments service: TLS for the whole connection. */
  static final String DVT_SECURE_SOCKET_PROXY = "com.apple.instruments.remoteserver.DVTSecureSocketProxy";
  /** iOS 13 and earlier: a TLS handshake, then plain DTX. */
  static final String REMOTESERVER = "com.apple.instruments.remoteserver";
  /** The USB product id of an iPhone. */
  static final int IPHONE_PRODUCT_ID = 0x12A8;
  /** The most StartService ports outstanding (started, not yet connected to). */
  static final int MAX_PENDING_PORTS = 256;

  private final MockDevice device;
  private final DeviceState state;
  private final DtxServiceRegistry registry;
  private final MockImageMounter imageMounter;
  private final MockTestmanagerd testmanagerd;
  private final int iosMajor;
  private PairRecordGenerator.MockPairing pairing;
  private TlsIdentity deviceIdentity;
  private LockdownServer lockdown;
  private final UsbmuxServer usbmuxd;
  private final UsbmuxDevice usbDevice;
  private final String systemBuid;
  private final Path socketDirectory;
  private final Map<Integer, String> pendingPorts = new ConcurrentHashMap<>();
  private final Set<DtxConnection> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextPort = new AtomicInteger(49152);
  private final Set<TcpStack> tunnels = ConcurrentHashMap.newKeySet();
  private final UnaryOperator<DtxTransport> tunnelStream;
  private static final SecureRandom RANDOM = new SecureRandom();

  MockUsbFace(MockDevice device, DeviceState state, DtxServiceRegistry registry, MockImageMounter imageMounter,
      MockTestmanagerd testmanagerd, int iosMajor, Path socketPath, UnaryOperator<DtxTransport> tunnelStream)
      throws IOException {
    this.device = device;
    this.tunnelStream = tunnelStream;
    this.testmanagerd = testmanagerd;
    this.state = state;
    this.registry = registry;
    this.imageMounter = imageMounter;
    this.iosMajor = iosMajor;
    this.systemBuid = SYSTEM_BUID;
    pairingFuture();
    this.usbDevice = UsbmuxDevice.usb(1, state.identity.udid(), IPHONE_PRODUCT_ID);
    Path directory = null;
    Path path = socketPath;
    if (path == null) {
      directory = Files.createTempDirectory("dtxkit-usbmuxd-");
      path = directory.resolve("usbmuxd");
    }
    this.socketDirectory = directory;
    try {
      this.usbmuxd = UsbmuxServer.builder().deviceTable(new Table()).unixSocket(path).loopbackTcp(0).start();
    } catch (IOException | RuntimeException e) {
      deleteDirectory();
      throw e;
    }
  }

  /**
   * The pairing and the lockdown server, made on first use: generating the keys takes a moment, and most mock
   * devices are never reached through usbmuxd.
   */
  private synchronized LockdownServer lockdown() throws IOException {
    if (lockdown == null) {
      pairing = sharedPairing();
      deviceIdentity = pairing.deviceIdentity();
      lockdown = LockdownServer.builder()
          .values(this::value)
          .services(this::startService)
          .deviceKeys(pairing.deviceKeys())
          .build();
      lockdown.pairings().add(pairing.record());
    }
    return lockdown;
  }

  /** The host BUID every mock usbmuxd of this process answers {@code ReadBUID} with. */
  static final String SYSTEM_BUID = UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
  private static java.util.concurrent.CompletableFuture<PairRecordGenerator.MockPairing> shared;

  /**
   * One pairing for every mock device of this process, generated on a background thread as soon as the first mock
   * device starts: its three RSA keys take seconds on a busy machine, a client's first request should not wait for
   * them, and a test run starts many mock devices. Each device serves it under its own UDID.
   */
  private static synchronized java.util.concurrent.CompletableFuture<PairRecordGenerator.MockPairing> pairingFuture() {
    if (shared == null) {
      shared = new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CompletableFuture<PairRecordGenerator.MockPairing> future = shared;
      Thread t = new Thread(() -> {
        try {
          future.complete(PairRecordGenerator.forMockDevice(SYSTEM_BUID, PairRecordGenerator.Digest.SHA256));
        } catch (IOException | RuntimeException e) {
          future.completeExceptionally(e);
        }
      }, "mock-device-pairing");
      t.setDaemon(true);
      t.start();
    }
    return shared;
  }

  private static PairRecordGenerator.MockPairing sharedPairing() throws IOException {
    try {
      return pairingFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while generating the mock device's pairing");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("generating the mock device's pairing failed: " + e.getCause(), e.getCause());
    }
  }

  /** The usbmuxd's Unix socket. */
  Path unixSocket() {
    return usbmuxd.unixAddress();
  }

  /** The usbmuxd's loopback TCP address. */
  InetSocketAddress tcp() {
    return usbmuxd.tcpAddress();
  }

  /** The pair record's plist bytes, as usbmuxd's ReadPairRecord hands them out. */
  byte[] pairRecord() {
    try {
      lockdown();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("generating the mock device's pairing failed", e);
    }
    synchronized (this) {
      return pairing.record().toBytes();
    }
  }

  /** The server side of the DTX connections opened through lockdown. */
  List<DtxConnection> connections() {
    return List.copyOf(connections);
  }

  /** The Instruments service name lockdown starts on this iOS version, or null (17+: only through RSD). */
  String instrumentsService() {
    return iosMajor >= 17 ? null : iosMajor >= 14 ? DVT_SECURE_SOCKET_PROXY : REMOTESERVER;
  }

  private NSObject value(String domain, String key) {
    if (domain != null) {
      return null;
    }
    Map<String, Object> all = new LinkedHashMap<>();
    MockDevice.Identity id = state.identity;
    all.put("BuildVersion", id.buildVersion());
    all.put("CPUArchitecture", "arm64e");
    all.put("DeviceClass", "iPhone");
    all.put("DeviceColor", "1");
    all.put("DeviceName", id.deviceName());
    all.put("HardwareModel", id.hardwareModel());
    all.put("HasSiDP", true);
    all.put("PasswordProtected", false);
    all.put("ProductName", "iPhone OS");
    all.put("ProductType", id.productType());
    all.put("ProductVersion", id.osVersion());
    all.put("ProtocolVersion", "2");
    all.put("SerialNumber", "F17MOCK" + Math.abs(id.udid().hashCode() % 100000));
    all.put("SupportedDeviceFamilies", List.of(1));
    all.put("TimeIntervalSince1970", (double) Instant.now().toEpochMilli() / 1000.0);
    all.put("TimeZone", "Etc/UTC");
    all.put("TimeZoneOffsetFromUTC", 0.0);
    all.put("UniqueChipID", Math.abs((long) id.udid().hashCode()));
    all.put("UniqueDeviceID", id.udid());
    all.put("WiFiAddress", "02:00:00:00:00:01");
    if (key == null) {
      NSDictionary d = new NSDictionary();
      all.forEach(d::put);
      return d;
    }
    Object v = all.get(key);
    return v == null ? null : NSObject.fromJavaObject(v);
  }

  /** Whether lockdown offers CoreDeviceProxy: iOS 17.4 and later. */
  boolean offersTunnel() {
    return versionAtLeast(state.identity.osVersion(), 17, 4);
  }

  static boolean versionAtLeast(String version, int major, int minor) {
    String[] parts = version.strip().split("\\.");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The tunnels (device-side TCP stacks) running now. */
  int openTunnels() {
    tunnels.removeIf(TcpStack::isClosed);
    return tunnels.size();
  }

  private ServiceInfo startService(String service, NSDictionary request) throws LockdownException {
    boolean ssl;
    if (service.equals(CoreDeviceTunnel.SERVICE)) {
      if (!offersTunnel()) {
        throw new LockdownException.InvalidServiceException("StartService");
      }
      ssl = true;
    } else if (service.equals(DVT_SECURE_SOCKET_PROXY) || service.equals(REMOTESERVER)) {
      if (!service.equals(instrumentsService()) || !imageMounter.developerImageMounted()) {
        throw new LockdownException.InvalidServiceException("StartService");
      }
      ssl = true;
    } else if (service.equals(MockTestmanagerd.LOCKDOWN_SECURE) || service.equals(MockTestmanagerd.LOCKDOWN)) {
      if (!service.equals(testmanagerd.lockdownService()) || !imageMounter.developerImageMounted()) {
        throw new LockdownException.InvalidServiceException("StartService");
      }
      ssl = true;
    } else if (MockDevice.lockdownServiceNames().contains(service)) {
      ssl = false;
    } else {
      throw new LockdownException.InvalidServiceException("StartService");
    }
    if (pendingPorts.size() >= MAX_PENDING_PORTS) {
      throw LockdownException.of("StartService", "ServiceLimit");
    }
    int port = nextPort.getAndUpdate(p -> p >= 65000 ? 49152 : p + 1);
    pendingPorts.put(port, service);
    return new ServiceInfo(service, port, ssl);
  }

  /** Instruments or testmanagerd through lockdown: TLS (kept, or only the handshake), then DTX. */
  private void serveInstruments(String service, DtxTransport raw) throws IOException {
    boolean testmanagerd = service.startsWith("com.apple.testmanagerd.");
    DtxServiceRegistry served = testmanagerd ? this.testmanagerd.registry() : registry;
    TlsMode mode = REMOTESERVER.equals(service) || MockTestmanagerd.LOCKDOWN.equals(service)
        ? TlsMode.HANDSHAKE_ONLY : TlsMode.KEEP;
    // A handshake-only client reads plaintext right after the handshake: no TLS 1.3 tickets may follow it. The
    // client must present a certificate, that of any host it paired with (dtxkit pair adds hosts).
    TlsOptions options = TlsOptions.DEFAULT.withTls13(mode == TlsMode.KEEP);
    TlsIdentity identity;
    synchronized (this) {
      identity = deviceIdentity;
    }
    DtxTransport stream = DeviceTls.server(raw, identity, mode, options, service + " TLS handshake");
    if (mode == TlsMode.HANDSHAKE_ONLY) {
      stream = new SpeakWhenSpokenTo(stream);
    }
    DtxConnection connection = DtxConnection.builder(stream).registry(served)
        .capabilities(served.publishedCapabilities()).awaitPeerCapabilities(false)
        .name("mock-" + service + "-" + stream.description())
        // The same budget and idle timeout as the device's DTX server: one bound for all of its connections.
        .memoryBudget(device.dtxMemoryBudget()).idleTimeout(device.dtxIdleTimeout()).connect();
    connections.add(connection);
    connection.closeFuture().thenRun(() -> connections.remove(connection));
  }

  /**
   * CoreDeviceProxy's device side: TLS, the handshake announcing a fresh ULA /64 (device ::1, host ::2, the mock's
   * RSD port), and a userspace TCP whose RSD and advertised service ports are forwarded to the mock's servers.
   */
  private void serveTunnel(DtxTransport raw) throws IOException {
    TlsIdentity identity;
    synchronized (this) {
      identity = deviceIdentity;
    }
    DtxTransport tls = DeviceTls.server(raw, identity, TlsMode.KEEP, TlsOptions.DEFAULT,
        CoreDeviceTunnel.SERVICE + " TLS handshake");
    DtxTransport stream;
    try {
      stream = Objects.requireNonNull(tunnelStream.apply(tls), "the wrapped CoreDeviceProxy stream");
    } catch (RuntimeException e) {
      tls.close();
      throw e;
    }
    byte[] prefix = new byte[16];
    RANDOM.nextBytes(prefix);
    prefix[0] = (byte) 0xfd;
    for (int i = 6; i < 16; i++) {
      prefix[i] = 0;
    }
    prefix[15] = 1;
    Inet6Address server = (Inet6Address) InetAddress.getByAddress(prefix);
    prefix[15] = 2;
    Inet6Address client = (Inet6Address) InetAddress.getByAddress(prefix);
    TunnelParameters parameters = new TunnelParameters(client, 64, 16000, server, device.rsdPort());
    InetAddress target = InetAddress.getByName(device.rsdHost());
    TcpStack stack = CoreDeviceTunnel.serve(stream, parameters, CoreDeviceTunnel.Options.DEFAULT,
        s -> new PortForwarder(s.listen(this::tunnelPort), port -> new InetSocketAddress(target, port),
            MockDevice.MAX_SERVICE_CONNECTIONS));
    tunnels.add(stack);
    tunnels.removeIf(TcpStack::isClosed);
  }

  /** The ports reachable inside the tunnel: RSD's and every service RSD advertises. */
  private boolean tunnelPort(int port) {
    if (port == device.rsdPort()) {
      return true;
    }
    return device.peerInfo().services().values().stream().anyMatch(s -> s.port() == port);
  }

  @Override
  public void close() {
    for (TcpStack t : tunnels) {
      t.close();
    }
    tunnels.clear();
    try {
      usbmuxd.close();
    } catch (IOException e) {
      LOG.debug("closing the mock usbmuxd", e);
    }
    for (DtxConnection c : List.copyOf(connections)) {
      c.close();
    }
    deleteDirectory();
  }

  private void deleteDirectory() {
    if (socketDirectory != null) {
      try {
        Files.deleteIfExists(socketDirectory.resolve("usbmuxd"));
        Files.deleteIfExists(socketDirectory);
      } catch (IOException e) {
        LOG.debug("removing {}", socketDirectory, e);
      }
    }
  }

  /** What the usbmuxd serves: this one device. */
  private final class Table implements UsbmuxDeviceTable {
    private volatile byte[] saved;

    @Override
    public List<UsbmuxDevice> devices() {
      return List.of(usbDevice);
    }

    @Override
    public Optional<byte[]> pairRecord(String udid) {
      if (!udid.equals(state.identity.udid())) {
        return Optional.empty();
      }
      byte[] record = saved;
      return Optional.of(record != null ? record.clone() : MockUsbFace.this.pairRecord());
    }

    /** A host that paired anew ({@code dtxkit pair}) stores its record here, as with usbmuxd. */
    @Override
    public boolean savePairRecord(String udid, byte[] record) {
      if (!udid.equals(state.identity.udid()) || record.length > 64 * 1024) {
        return false;
      }
      saved = record.clone();
      return true;
    }

    @Override
    public String systemBuid() {
      return systemBuid;
    }

    @Override
    public PortHandler connect(UsbmuxDevice d, int port) {
      if (port == UsbmuxClient.LOCKDOWN_PORT) {
        return stream -> lockdown().serve(stream);
      }
      String service = pendingPorts.remove(port);
      if (service == null) {
        return null;
      }
      if (MockDevice.lockdownServiceNames().contains(service)) {
        return stream -> device.serveLockdownService(service, stream);
      }
      if (service.equals(CoreDeviceTunnel.SERVICE)) {
        return MockUsbFace.this::serveTunnel;
      }
      return stream -> serveInstruments(service, stream);
    }
  }
}
