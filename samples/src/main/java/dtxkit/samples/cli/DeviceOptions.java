package dtxkit.samples.cli;

import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.rsd.discovery.TunnelDiscovery;
import dtxkit.runtime.rsd.discovery.TunnelInfo;
import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Stack;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Device selection shared by every command that talks to a device (a picocli mixin): {@code --usb} (usbmuxd and
 * lockdown, and on iOS 17.4+ the CoreDeviceProxy tunnel), {@code --rsd HOST PORT}, {@code --tunneld [URL]},
 * {@code --go-ios [URL]}, {@code --mock}, and {@code --udid} to pick one device. With none of them, dtxkit picks: a
 * usbmuxd device on iOS 16 or earlier through lockdown; on iOS 17.4+ a tunnel from tunneld when one runs for it,
 * else the device's CoreDeviceProxy tunnel; otherwise a tunnel from tunneld at its default address; it says which
 * on standard error.
 */
final class DeviceOptions {
  /** What the tool says whenever it finds no device to talk to. */
  static final String START_A_TUNNEL =
      "start a tunnel: sudo pymobiledevice3 remote tunneld, or pass --rsd HOST PORT, or try --mock";
  /** The same advice for {@code --go-ios}: go-ios's own agent, not pymobiledevice3's tunneld. */
  static final String START_GO_IOS_AGENT =
      "start go-ios's agent: sudo ios tunnel start, or pass --rsd HOST PORT, or try --mock";

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source;

  @Option(names = "--udid", paramLabel = "UDID",
      description = "Pick this device from usbmuxd's or the tunnel daemon's list (and warn if the device found is"
          + " another).")
  String udid;

  /** The mutually exclusive ways to find a device. */
  static final class Source {
    @Option(names = "--rsd", paramLabel = "HOST PORT", parameterConsumer = HostPortConsumer.class,
        description = "Connect to this RSD address and port (IPv6 with %%scope allowed).")
    HostPort rsd;

    @Option(names = "--tunneld", arity = "0..1", paramLabel = "URL", fallbackValue = TunnelDiscovery.TUNNELD_DEFAULT,
        description = {"Ask pymobiledevice3's tunneld for the device.",
            "URL defaults to ${FALLBACK-VALUE}"})
    String tunneld;

    @Option(names = "--go-ios", arity = "0..1", paramLabel = "URL", fallbackValue = TunnelDiscovery.GO_IOS_DEFAULT,
        description = {"Ask go-ios's agent for the device.", "URL defaults to ${FALLBACK-VALUE}"})
    String goIos;

    @Option(names = "--mock", description = "Start dtxkit's mock device in this process and talk to it.")
    boolean mock;

    @Option(names = "--usb",
        description = "Reach the device through usbmuxd and lockdown (a phone on a cable; Instruments up to iOS 16,"
            + " and on iOS 17.4+ through the device's CoreDeviceProxy tunnel); USBMUXD_SOCKET_ADDRESS names another"
            + " usbmuxd.")
    boolean usb;
  }

  /** An RSD address and port, as {@code --rsd HOST PORT} gives them. */
  record HostPort(String host, int port) {}

  /**
   * Takes the two words after {@code --rsd} into one {@link HostPort}, so the option is single-valued (and its
   * synopsis reads {@code --rsd=HOST PORT}, not a repeatable list).
   */
  static final class HostPortConsumer implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, CommandLine.Model.ArgSpec argSpec,
        CommandLine.Model.CommandSpec commandSpec) {
      if (args.size() < 2) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(), "--rsd needs HOST PORT");
      }
      String host = args.pop();
      String port = args.pop();
      int number;
      try {
        number = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(),
            "--rsd PORT must be a number, not '" + port + "'");
      }
      if (number < 1 || number > 65535) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(),
            "--rsd PORT must be 1 to 65535, not " + number);
      }
      argSpec.setValue(new HostPort(host, number));
    }
  }

  /** True when {@code --mock} was given. */
  boolean mock() {
    return source != null && source.mock;
  }

  /** True when no way to find the device was given: dtxkit picks one and says which. */
  boolean automatic() {
    return source == null;
  }

  /** A usbmuxd client for the address in the command's environment ({@code USBMUXD_SOCKET_ADDRESS}), or the default. */
  static UsbmuxClient usbmux(CommandLine.Model.CommandSpec spec) {
    UsbmuxAddress address;
    try {
      address = UsbmuxAddress.fromEnvironment(DtxkitCli.environment(spec), System.getProperty("os.name", ""));
    } catch (IllegalArgumentException e) {
      throw new CliException(UsbmuxAddress.ENVIRONMENT_VARIABLE + ": " + e.getMessage(), e, 2);
    }
    return UsbmuxClient.create(address, UsbmuxClient.Options.DEFAULT);
  }

  /**
   * Through usbmuxd and lockdown; on iOS 17.4+ Instruments through the CoreDeviceProxy tunnel that lockdown offers
   * (dtxkit's own userspace TCP: no root, no daemon).
   */
  private DeviceSession openUsb(CommandLine.Model.CommandSpec spec) {
    UsbmuxClient usbmux = usbmux(spec);
    UsbmuxDevice device = UsbLink.pick(usbmux, UsbLink.devices(usbmux), udid);
    UsbLink link = UsbLink.open(usbmux, device, LockdownClient.Options.DEFAULT);
    if (Instruments.lockdownServiceFor(link.osVersion()) == null && TunnelLink.offersTunnel(link.osVersion())) {
      return new DeviceSession(new TunnelLink(usbmux, device, link, LockdownClient.Options.DEFAULT), null);
    }
    return new DeviceSession(link, null);
  }

  /**
   * No option given: a device on usbmuxd running iOS 16 or earlier is used through lockdown; otherwise (iOS 17+,
   * or no usbmuxd device) a tunnel from tunneld. Says on standard error which it used.
   */
  private DeviceSession openAutomatic(CommandLine.Model.CommandSpec spec) {
    UsbmuxClient usbmux = usbmux(spec);
    String usbNote = null;
    List<UsbmuxDevice> devices;
    try {
      devices = usbmux.devices();
    } catch (IOException e) {
      devices = List.of();
      usbNote = "no usbmuxd at " + usbmux.address();
    }
    List<UsbmuxDevice> candidates = devices.stream().filter(d -> udid == null || d.udid().equals(udid)).toList();
    if (!candidates.isEmpty()) {
      UsbmuxDevice device = UsbLink.pick(usbmux, candidates, udid);
      String[] values = UsbLink.values(usbmux, device, LockdownClient.Options.DEFAULT);
      if (Instruments.lockdownServiceFor(values[1]) != null) {
        UsbLink link = UsbLink.open(usbmux, device, LockdownClient.Options.DEFAULT);
        note(spec, "using " + device.udid() + " through " + link.description()
            + " (pick another way with --usb, --tunneld, --go-ios, --rsd or --mock)");
        return new DeviceSession(link, null);
      }
      usbNote = device.udid() + " on usbmuxd runs iOS " + values[1] + ", which needs a tunnel";
      if (TunnelLink.offersTunnel(values[1])) {
        // A tunnel daemon's tunnel when one runs for this device; else the device's own CoreDeviceProxy.
        try {
          DeviceSession session = openRsd(spec, usbNote);
          note(spec, "using " + session.link().udid() + " through " + session.link().description()
              + " from tunneld");
          return session;
        } catch (CliException e) {
          UsbLink usb = UsbLink.open(usbmux, device, LockdownClient.Options.DEFAULT);
          TunnelLink link = new TunnelLink(usbmux, device, usb, LockdownClient.Options.DEFAULT);
          note(spec, "using " + device.udid() + " through " + link.description() + " (no tunnel daemon: "
              + e.getMessage() + ")");
          return new DeviceSession(link, null);
        }
      }
    }
    DeviceSession session = openRsd(spec, usbNote);
    note(spec, "using " + session.link().udid() + " through " + session.link().description() + " from tunneld"
        + (usbNote == null ? "" : " (" + usbNote + ")"));
    return session;
  }

  private static void note(CommandLine.Model.CommandSpec spec, String message) {
    spec.commandLine().getErr().println("dtxkit: " + message);
    spec.commandLine().getErr().flush();
  }

  /**
   * Finds and connects to the device: RSD handshake done, peer info read.
   *
   * @param spec the running command, for parameter errors
   * @return the session; the caller closes it
   * @throws CliException with advice when no device can be found or reached
   */
  DeviceSession open(CommandLine.Model.CommandSpec spec) {
    if (mock()) {
      DeviceSession session = MockSessions.start();
      if (udid != null && !udid.equals(session.peerInfo().udid())) {
        spec.commandLine().getErr().println("dtxkit: warning: --udid " + udid + " is ignored with --mock: the mock"
            + " device is " + session.peerInfo().udid());
        spec.commandLine().getErr().flush();
      }
      return session;
    }
    if (source != null && source.usb) {
      return openUsb(spec);
    }
    if (automatic()) {
      return openAutomatic(spec);
    }
    return openRsd(spec, null);
  }

  private DeviceSession openRsd(CommandLine.Model.CommandSpec spec, String usbNote) {
    String host;
    int port;
    if (source != null && source.rsd != null) {
      host = source.rsd.host();
      port = source.rsd.port();
    } else {
      TunnelInfo tunnel;
      try {
        tunnel = discover();
      } catch (CliException e) {
        if (usbNote == null) {
          throw e;
        }
        throw new CliException(e.getMessage() + " (" + usbNote + ")", e.getCause());
      }
      host = tunnel.address();
      port = tunnel.rsdPort();
    }
    RsdClient client = connectRsd(host, port);
    if (udid != null && !udid.equals(client.peerInfo().udid())) {
      spec.commandLine().getErr().println("dtxkit: warning: the device at " + host + " is "
          + client.peerInfo().udid() + ", not " + udid);
    }
    return new DeviceSession(client, port, null);
  }

  private TunnelInfo discover() {
    boolean goIos = source != null && source.goIos != null;
    String url = goIos ? source.goIos
        : source != null && source.tunneld != null ? source.tunneld : TunnelDiscovery.TUNNELD_DEFAULT;
    String daemon = goIos ? "go-ios agent" : "tunneld";
    String advice = goIos ? START_GO_IOS_AGENT : START_A_TUNNEL;
    TunnelDiscovery discovery = new TunnelDiscovery(Duration.ofSeconds(5));
    List<TunnelInfo> tunnels;
    try {
      URI uri = URI.create(url);
      tunnels = goIos ? discovery.goIosAgent(uri) : discovery.tunneld(uri);
    } catch (IllegalArgumentException e) {
      throw new CliException("'" + url + "' is not a URL: " + e.getMessage());
    } catch (IOException e) {
      if (!(e.getCause() instanceof IOException)) {
        // Something answered, but not with a tunnel list: a web page, an error status, other JSON.
        String what = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
            ? "its answer is not JSON (a web page?)" : e.getMessage();
        throw new CliException(url + " did not answer like a tunnel daemon (a " + daemon + "): "
            + abbreviate(what, 160) + "; check the address, or " + advice, e);
      }
      throw new CliException("no tunnel found: no " + daemon + " answers at " + url + " (" + rootMessage(e) + "); "
          + advice, e);
    }
    List<TunnelInfo> matching = tunnels.stream().filter(t -> udid == null || t.udid().equals(udid)).toList();
    if (matching.isEmpty()) {
      if (udid != null && !tunnels.isEmpty()) {
        throw new CliException("no tunnel found for " + udid + ": the " + daemon + " at " + url + " lists only "
            + tunnels.stream().map(TunnelInfo::udid).collect(Collectors.joining(", "))
            + "; pick one of them with --udid, or pass --rsd HOST PORT");
      }
      throw new CliException("no tunnel found: the " + daemon + " at " + url + " lists no device (is it plugged in"
          + " and trusted?); " + advice);
    }
    if (matching.size() > 1) {
      throw new CliException("the " + daemon + " at " + url + " lists " + matching.size() + " devices ("
          + matching.stream().map(TunnelInfo::udid).collect(Collectors.joining(", ")) + "); pick one with --udid");
    }
    return matching.get(0);
  }

  /** Connects to RSD, turning the usual failures into advice. */
  static RsdClient connectRsd(String host, int port) {
    try {
      return RsdClient.connect(host, port);
    } catch (IOException e) {
      if (hasCause(e, ConnectException.class)) {
        throw new CliException("connection refused by " + host + ":" + port + ": nothing listens there for RSD;"
            + " check the address and port (tunneld lists them), or " + START_A_TUNNEL,
            e);
      }
      throw new CliException("cannot talk RSD to " + host + ":" + port + ": " + rootMessage(e), e);
    }
  }

  private static String abbreviate(String s, int max) {
    String line = s == null ? "" : s.replaceAll("\\s+", " ");
    return line.length() <= max ? line : line.substring(0, max) + "...";
  }

  static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The reason to show: "connection refused" when a connect was refused, else the innermost message (which usually
   * says the most), else the innermost exception's type.
   */
  static String rootMessage(Throwable t) {
    if (hasCause(t, ConnectException.class)) {
      return "connection refused";
    }
    String message = null;
    Throwable root = t;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      root = c;
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
    }
    return message != null ? message : root.getClass().getSimpleName();
  }
}
