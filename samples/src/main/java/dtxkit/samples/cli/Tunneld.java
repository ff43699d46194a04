package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.PairRecordStore;
import dtxkit.runtime.tunnel.CoreDeviceTunnel;
import dtxkit.runtime.tunnel.TunDevice;
import dtxkit.runtime.tunnel.TunnelParameters;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pymobiledevice3's tunneld HTTP API ({@code GET /}: {@code {"<udid>": [{"tunnel-address", "tunnel-port",
 * "interface"}]}}, {@code GET /hello}) backed by dtxkit's own tunnels: every iOS 17.4+ device usbmuxd lists gets its
 * CoreDeviceProxy tunnel joined to a kernel TUN device (the device's address routed through it), so that any program
 * on this machine reaches the device's RSD with ordinary sockets. Needs a TUN device ({@link TunDevice}); tunnels
 * end when their device goes away, and a device that comes back gets a new one at the next scan.
 */
final class Tunneld implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Tunneld.class);

  /** One device's tunnel. */
  record Tunnel(String udid, TunnelParameters parameters, TunDevice tun, CoreDeviceTunnel.Link link) {}

  private final UsbmuxClient usbmux;
  private final Duration interval;
  private final Consumer<String> events;
  private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();
  /** Devices that cannot have a tunnel (before iOS 17.4, not paired): not tried again while attached. */
  private final Set<String> skipped = ConcurrentHashMap.newKeySet();
  private final HttpServer http;
  private final Thread scanner;
  private volatile boolean closed;

  /**
   * Starts serving and scanning.
   *
   * @param usbmux where the devices are
   * @param address the HTTP address (pymobiledevice3's default: 127.0.0.1:49151)
   * @param interval between looks at usbmuxd's device list
   * @param events gets one line per tunnel made, ended or refused
   * @throws IOException when the HTTP address cannot be bound
   */
  Tunneld(UsbmuxClient usbmux, InetSocketAddress address, Duration interval, Consumer<String> events)
      throws IOException {
    this.usbmux = usbmux;
    this.interval = interval;
    this.events = events;
    this.http = HttpServer.create(address, 16);
    http.createContext("/", this::serve);
    http.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "dtxkit-tunneld-http");
      t.setDaemon(true);
      return t;
    }));
    http.start();
    this.scanner = new Thread(this::scanLoop, "dtxkit-tunneld-scan");
    scanner.setDaemon(true);
    scanner.start();
  }

  /** The HTTP address actually bound. */
  InetSocketAddress address() {
    return http.getAddress();
  }

  /** The tunnels now. */
  Map<String, Tunnel> tunnels() {
    return Map.copyOf(tunnels);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String body;
      int status = 200;
      if (!"GET".equals(exchange.getRequestMethod())) {
        status = 405;
        body = "{\"error\": \"only GET\"}";
      } else if (path.equals("/")) {
        body = listing();
      } else if (path.equals("/hello")) {
        body = "{\"message\": \"Hello, I'm alive\"}";
      } else {
        status = 404;
        body = "{\"error\": \"no such path: dtxkit tunneld serves GET / and GET /hello\"}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  String listing() throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      for (Tunnel t : tunnels.values()) {
        g.writeArrayFieldStart(t.udid());
        g.writeStartObject();
        g.writeStringField("tunnel-address", TunnelParameters.compress(t.parameters().serverAddress().getHostAddress()));
        g.writeNumberField("tunnel-port", t.parameters().serverRsdPort());
        g.writeStringField("interface", t.tun().name());
        g.writeEndObject();
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    return w.toString();
  }

  private void scanLoop() {
    while (!closed) {
      try {
        scan();
      } catch (IOException e) {
        LOG.debug("usbmuxd at {}: {}", usbmux.address(), e.getMessage());
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One look at usbmuxd's list: a tunnel for each new iOS 17.4+ device. */
  void scan() throws IOException {
    java.util.List<UsbmuxDevice> devices = usbmux.devices();
    Set<String> present = ConcurrentHashMap.newKeySet();
    for (UsbmuxDevice d : devices) {
      present.add(d.udid());
    }
    skipped.retainAll(present);
    for (UsbmuxDevice device : devices) {
      if (closed || tunnels.containsKey(device.udid()) || skipped.contains(device.udid())) {
        continue;
      }
      try {
        open(device);
      } catch (IOException | RuntimeException e) {
        skipped.add(device.udid());
        events.accept("no tunnel for " + device.udid() + ": " + DeviceOptions.rootMessage(e));
      }
    }
  }

  private void open(UsbmuxDevice device) throws IOException {
    String version;
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, LockdownClient.Options.DEFAULT)) {
      version = lockdown.getString(null, "ProductVersion");
    }
    if (version == null || !TunnelLink.offersTunnel(version)) {
      throw new IOException("iOS " + version + " has no CoreDeviceProxy (it came with iOS 17.4)");
    }
    PairRecord record = PairRecordStore.defaults().require(usbmux, device.udid());
    DtxTransport stream = CoreDeviceTunnel.startService(usbmux, device, record, LockdownClient.Options.DEFAULT);
    CoreDeviceTunnel.Link link = CoreDeviceTunnel.openLink(stream, CoreDeviceTunnel.Options.DEFAULT);
    TunnelParameters p = link.parameters();
    TunDevice tun;
    try {
      tun = TunDevice.open(p.clientAddress(), p.prefixLength(), p.mtu());
    } catch (IOException | RuntimeException e) {
      link.packets().close();
      throw e;
    }
    Tunnel tunnel = new Tunnel(device.udid(), p, tun, link);
    tunnels.put(device.udid(), tunnel);
    pump(tunnel, true);
    pump(tunnel, false);
    events.accept("tunnel to " + device.udid() + " (iOS " + version + "): " + p + ", interface " + tun.name());
  }

  /** Copies packets one way until either side ends, then ends the tunnel. */
  private void pump(Tunnel t, boolean fromDevice) {
    Thread thread = new Thread(() -> {
      try {
        if (fromDevice) {
          for (byte[] p; (p = t.link().packets().read()) != null; ) {
            t.tun().write(p, 0, p.length);
          }
        } else {
          for (byte[] p; (p = t.tun().read()) != null; ) {
            t.link().packets().write(p, 0, p.length);
            t.link().packets().flush();
          }
        }
      } catch (IOException e) {
        LOG.debug("tunnel to {}: {}", t.udid(), e.getMessage());
      }
      end(t);
    }, "dtxkit-tunneld-" + (fromDevice ? "in-" : "out-") + t.tun().name());
    thread.setDaemon(true);
    thread.start();
  }

  private void end(Tunnel t) {
    if (tunnels.remove(t.udid(), t)) {
      if (!closed) {
        events.accept("tunnel to " + t.udid() + " ended");
      }
      try {
        t.link().packets().close();
      } catch (IOException e) {
        LOG.debug("closing the tunnel to {}", t.udid(), e);
      }
      t.tun().close();
    }
  }

  @Override
  public void close() {
    closed = true;
    scanner.interrupt();
    http.stop(0);
    for (Tunnel t : tunnels.values()) {
      end(t);
    }
  }
}
