package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdClient;
import dtxkit.runtime.rsd.RsdService;
import dtxkit.runtime.rsd.TunnelDiscovery;
import dtxkit.runtime.rsd.TunnelInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dtxkit rsd}: RemoteServiceDiscovery on iOS 17+ devices. */
@Command(name = "rsd", mixinStandardHelpOptions = true, description = "RemoteServiceDiscovery (iOS 17+).",
    subcommands = {RsdCommand.Info.class})
public final class RsdCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code dtxkit rsd info}: the peer info and the service table. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Print a device's RSD peer info and its services.")
  static final class Info implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--rsd", arity = "2", paramLabel = "HOST PORT",
        description = "Connect to this RSD address and port (IPv6 with %%scope allowed).")
    List<String> rsd;

    @Option(names = "--tunneld", arity = "0..1", paramLabel = "URL", fallbackValue = TunnelDiscovery.TUNNELD_DEFAULT,
        description = "Ask pymobiledevice3's tunneld (default ${FALLBACK-VALUE}).")
    String tunneld;

    @Option(names = "--go-ios", arity = "0..1", paramLabel = "URL", fallbackValue = TunnelDiscovery.GO_IOS_DEFAULT,
        description = "Ask go-ios's agent (default ${FALLBACK-VALUE}).")
    String goIos;

    @Option(names = "--udid", description = "Pick this device from the tunnel daemon's list.")
    String udid;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      String host;
      int port;
      if (rsd != null) {
        host = rsd.get(0);
        try {
          port = Integer.parseInt(rsd.get(1));
        } catch (NumberFormatException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--rsd PORT must be a number: " + rsd.get(1));
        }
      } else {
        TunnelDiscovery discovery = new TunnelDiscovery(Duration.ofSeconds(5));
        List<TunnelInfo> tunnels = goIos != null ? discovery.goIosAgent(URI.create(goIos))
            : discovery.tunneld(URI.create(tunneld != null ? tunneld : TunnelDiscovery.TUNNELD_DEFAULT));
        TunnelInfo pick = tunnels.stream().filter(t -> udid == null || t.udid().equals(udid)).findFirst()
            .orElseThrow(() -> new IOException(udid == null ? "the tunnel daemon lists no device"
                : "the tunnel daemon lists no device " + udid));
        host = pick.address();
        port = pick.rsdPort();
      }
      try (RsdClient client = RsdClient.connect(host, port)) {
        PeerInfo info = client.peerInfo();
        if (udid != null && !udid.equals(info.udid())) {
          spec.commandLine().getErr().println("warning: device at " + host + " is " + info.udid() + ", not " + udid);
        }
        out.print(json ? toJson(info) : toTable(info));
        out.flush();
      }
      return 0;
    }
  }

  static String toTable(PeerInfo info) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("UDID:          %s%n", info.udid()));
    b.append(String.format("Product type:  %s%n", info.productType()));
    b.append(String.format("OS version:    %s%n", info.osVersion()));
    b.append(String.format("Build:         %s%n", info.buildVersion()));
    b.append(String.format("Services:      %d%n%n", info.services().size()));
    int width = info.services().keySet().stream().mapToInt(String::length).max().orElse(7);
    width = Math.max(width, "SERVICE".length());
    b.append(String.format("%-" + width + "s  %5s  %s%n", "SERVICE", "PORT", "PROTOCOL"));
    for (RsdService s : info.services().values()) {
      String protocol = s.usesRemoteXpc() ? "RemoteXPC" : s.needsCheckin() ? "RSDCheckin" : "raw";
      b.append(String.format("%-" + width + "s  %5d  %s%n", s.name(), s.port(), protocol));
    }
    return b.toString();
  }

  static String toJson(PeerInfo info) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("udid", info.udid());
      g.writeStringField("productType", info.productType());
      g.writeStringField("osVersion", info.osVersion());
      g.writeStringField("buildVersion", info.buildVersion());
      g.writeObjectFieldStart("services");
      for (RsdService s : info.services().values()) {
        g.writeObjectFieldStart(s.name());
        g.writeNumberField("port", s.port());
        if (s.entitlement() != null) {
          g.writeStringField("entitlement", s.entitlement());
        }
        g.writeBooleanField("usesRemoteXPC", s.usesRemoteXpc());
        g.writeBooleanField("needsCheckin", s.needsCheckin());
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return w + System.lineSeparator();
  }
}
