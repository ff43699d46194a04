package dtxkit.runtime.tunnel;

import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.lockdown.ServiceInfo;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.stream.StepTimer;
import dtxkit.runtime.tunnel.tcp.TcpOptions;
import dtxkit.runtime.tunnel.tcp.TcpStack;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.SocketFactory;

/**
 * The tunnel an iOS 17.4+ device offers as the lockdown service {@value #SERVICE}: the {@link CdTunnel} handshake on
 * the service's TLS stream, then IPv6 packets ({@link Ipv6PacketStream}) carried by a userspace TCP
 * ({@link TcpStack}). Nothing else is needed on the host: no root, no TUN device, no tunnel daemon.
 *
 * <pre>{@code
 * try (CoreDeviceTunnel tunnel = CoreDeviceTunnel.connect(usbmux, device, record, LockdownClient.Options.DEFAULT,
 *          CoreDeviceTunnel.Options.DEFAULT);
 *      RsdClient rsd = tunnel.connectRsd(RsdClient.Options.DEFAULT)) {
 *   DtxConnection dtx = rsd.openDtx("com.apple.instruments.dtservicehub");
 * }
 * }</pre>
 */
public final class CoreDeviceTunnel implements AutoCloseable {
  /** The lockdown service that carries the tunnel. */
  public static final String SERVICE = "com.apple.internal.devicecompute.CoreDeviceProxy";

  /**
   * Tuning.
   *
   * @param mtu the MTU asked for in the handshake (the device's answer is used)
   * @param maxJsonBytes the largest handshake message accepted
   * @param handshakeTimeout the bound on the handshake
   * @param tcp the userspace TCP's tuning
   */
  public record Options(int mtu, int maxJsonBytes, Duration handshakeTimeout, TcpOptions tcp) {
    /** MTU 16000 (as pymobiledevice3 and go-ios ask), 16 KiB, 10 s, {@link TcpOptions#DEFAULT}. */
    public static final Options DEFAULT =
        new Options(CdTunnel.DEFAULT_MTU, CdTunnel.DEFAULT_MAX_JSON_BYTES, Duration.ofSeconds(10), TcpOptions.DEFAULT);

    /** Checks the values. */
    public Options {
      if (mtu < CdTunnel.MIN_MTU || mtu > CdTunnel.MAX_MTU) {
        throw new IllegalArgumentException("mtu " + mtu);
      }
      if (maxJsonBytes < 64 || maxJsonBytes > 0xFFFF) {
        throw new IllegalArgumentException("maxJsonBytes " + maxJsonBytes);
      }
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      Objects.requireNonNull(tcp, "tcp");
    }

    /** With other TCP tuning. */
    public Options withTcp(TcpOptions value) {
      return new Options(mtu, maxJsonBytes, handshakeTimeout, value);
    }
  }

  private final TunnelParameters parameters;
  private final TcpStack stack;

  private CoreDeviceTunnel(TunnelParameters parameters, TcpStack stack) {
    this.parameters = parameters;
    this.stack = stack;
  }

  /**
   * Starts CoreDeviceProxy through lockdown (a session with the pair record, {@code StartService}), connects to it
   * through usbmuxd with TLS, and runs the handshake.
   *
   * @param usbmux the usbmuxd client
   * @param device the device (iOS 17.4 or later)
   * @param record its pair record
   * @param lockdownOptions lockdown's timeouts and TLS settings
   * @param options the tunnel's tuning
   * @return the running tunnel
   * @throws dtxkit.runtime.lockdown.LockdownException.InvalidServiceException when the device has no CoreDeviceProxy
   *     (before iOS 17.4)
   * @throws IOException when a step fails, naming it
   */
  public static CoreDeviceTunnel connect(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record,
      LockdownClient.Options lockdownOptions, Options options) throws IOException {
    return open(startService(usbmux, device, record, lockdownOptions), options);
  }

  /**
   * Runs the host's side of the handshake on a connected CoreDeviceProxy stream and starts the TCP over it.
   *
   * @param stream the service's stream (TLS already on); owned by the tunnel from now on
   * @param options tuning
   * @return the running tunnel
   * @throws IOException when the handshake fails or times out
   */
  public static CoreDeviceTunnel open(DtxTransport stream, Options options) throws IOException {
    Link link = openLink(stream, options);
    try {
      return new CoreDeviceTunnel(link.parameters(),
          TcpStack.start(link.packets(), link.parameters().clientAddress(), options.tcp()));
    } catch (RuntimeException e) {
      link.packets().close();
      throw e;
    }
  }

  /**
   * The tunnel's packets without a TCP of dtxkit's on them: for a TUN device, where the kernel's TCP takes over
   * ({@code dtxkit tunneld}).
   *
   * @param parameters what the handshake settled
   * @param packets the IPv6 packets (closing it closes the stream)
   */
  public record Link(TunnelParameters parameters, Ipv6PacketStream packets) {}

  /**
   * Runs the host's side of the handshake on a connected CoreDeviceProxy stream and returns its packet stream.
   *
   * @param stream the service's stream (TLS already on); owned by the link from now on
   * @param options tuning (the TCP's is not used)
   * @return the parameters and the packets
   * @throws IOException when the handshake fails or times out
   */
  public static Link openLink(DtxTransport stream, Options options) throws IOException {
    try {
      InputStream in = stream.input();
      OutputStream out = stream.output();
      Counting counted = new Counting(in);
      TunnelParameters p;
      try (StepTimer.Step timer = StepTimer.start("CDTunnel handshake", options.handshakeTimeout(), stream)) {
        try {
          p = CdTunnel.clientHandshake(counted, out, options.mtu(), options.maxJsonBytes());
        } catch (IOException e) {
          throw timer.failure(e);
        }
      }
      int maxPacket = Math.max(CdTunnel.MIN_MTU, Math.min(CdTunnel.MAX_MTU, Math.max(p.mtu(), options.mtu())));
      return new Link(p, new Ipv6PacketStream(in, out, stream, maxPacket, counted.count,
          "CoreDeviceProxy " + stream.description()));
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /**
   * Starts CoreDeviceProxy through lockdown and connects to it with TLS (the stream {@link #openLink} takes).
   *
   * @param usbmux the usbmuxd client
   * @param device the device
   * @param record its pair record
   * @param lockdownOptions lockdown's timeouts and TLS settings
   * @return the service's stream, TLS on
   * @throws IOException when a step fails, naming it
   */
  public static DtxTransport startService(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record,
      LockdownClient.Options lockdownOptions) throws IOException {
    ServiceInfo info;
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, lockdownOptions)) {
      lockdown.startSession(record);
      info = lockdown.startService(SERVICE, null);
    }
    return LockdownClient.connectService(usbmux, device, info, record, lockdownOptions);
  }

  /**
   * The device's side (for the mock device): reads the host's request, starts a TCP at {@code parameters}'
   * server address, lets {@code setup} add its listeners, then answers.
   *
   * @param stream the accepted CoreDeviceProxy stream (TLS already on); owned by the returned stack
   * @param parameters what to announce (the MTU is lowered to the host's when it asked for less)
   * @param options tuning
   * @param setup adds listeners before the host can send a SYN
   * @return the device side's TCP stack
   * @throws IOException when the request is malformed or does not come in time
   */
  public static TcpStack serve(DtxTransport stream, TunnelParameters parameters, Options options,
      Consumer<TcpStack> setup) throws IOException {
    try {
      InputStream in = stream.input();
      OutputStream out = stream.output();
      int asked;
      Counting counted = new Counting(in);
      try (StepTimer.Step timer = StepTimer.start("CDTunnel handshake", options.handshakeTimeout(), stream)) {
        try {
          asked = CdTunnel.readClientRequest(counted, options.maxJsonBytes());
        } catch (IOException e) {
          throw timer.failure(e);
        }
      }
      TunnelParameters p = new TunnelParameters(parameters.clientAddress(), parameters.prefixLength(),
          Math.min(asked, parameters.mtu()), parameters.serverAddress(), parameters.serverRsdPort());
      Ipv6PacketStream link = new Ipv6PacketStream(in, out, stream, Math.max(asked, parameters.mtu()),
          counted.count, "CoreDeviceProxy (device side) " + stream.description());
      TcpStack stack = TcpStack.start(link, p.serverAddress(), options.tcp());
      try {
        setup.accept(stack);
        out.write(CdTunnel.serverResponse(p));
        out.flush();
        return stack;
      } catch (IOException | RuntimeException e) {
        stack.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      stream.close();
      throw e;
    }
  }

  /** Counts the handshake's bytes (it reads exactly its messages), so packet offsets are stream offsets. */
  private static final class Counting extends java.io.FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /** What the handshake settled. */
  public TunnelParameters parameters() {
    return parameters;
  }

  /** The userspace TCP. */
  public TcpStack stack() {
    return stack;
  }

  /** This host's address inside the tunnel. */
  public Inet6Address clientAddress() {
    return parameters.clientAddress();
  }

  /** Sockets through the tunnel (for {@link RsdClient.Options#withSocketFactory}). */
  public SocketFactory socketFactory() {
    return stack.socketFactory();
  }

  /**
   * Connects to the device's RSD through the tunnel; the client's service connections go through it too.
   *
   * @param options RSD tuning (its socket factory is replaced by the tunnel's)
   * @return the RSD client
   * @throws IOException when RSD cannot be reached or its handshake fails
   */
  public RsdClient connectRsd(RsdClient.Options options) throws IOException {
    return RsdClient.connect(TunnelParameters.compress(parameters.serverAddress().getHostAddress()),
        parameters.serverRsdPort(), options.withSocketFactory(stack.socketFactory()));
  }

  /** Closes the TCP and the stream under it (every connection through the tunnel fails). */
  @Override
  public void close() {
    stack.close();
  }
}
