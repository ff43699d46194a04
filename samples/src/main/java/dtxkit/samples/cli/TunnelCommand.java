package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dtxkit.runtime.tunnel.CoreDeviceTunnel;
import dtxkit.runtime.tunnel.TunnelParameters;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dtxkit tunnel}: the tunnel that reaches an iOS 17+ device's services. */
@Command(name = "tunnel", mixinStandardHelpOptions = true, description = "The tunnel to an iOS 17+ device.",
    subcommands = {TunnelCommand.Info.class})
public final class TunnelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say 'tunnel info'");
  }

  /** {@code dtxkit tunnel info}: the tunnel's addresses. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Open the tunnel to the device and print its addresses: this host's and the device's inside it,"
          + " the RSD port and the MTU.")
  static final class Info implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DeviceOptions device;
    @CommandLine.Mixin Output output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (DeviceSession session = device.open(spec)) {
        DeviceLink link = session.link();
        TunnelParameters p = null;
        String deviceAddress;
        int rsdPort;
        if (link instanceof TunnelLink t) {
          CoreDeviceTunnel tunnel = t.tunnel();
          p = tunnel.parameters();
          deviceAddress = TunnelParameters.compress(p.serverAddress().getHostAddress());
          rsdPort = p.serverRsdPort();
        } else if (link.rsd() != null) {
          deviceAddress = TunnelParameters.compress(link.rsd().address().getHostAddress());
          rsdPort = link.rsdPort();
        } else {
          throw new CliException(link.udid() + " (iOS " + link.osVersion() + ") is reached through lockdown, without"
              + " a tunnel: tunnels are for iOS 17 and later");
        }
        out.print(output.json ? json(link, p, deviceAddress, rsdPort) : table(link, p, deviceAddress, rsdPort));
        out.flush();
      }
      return 0;
    }
  }

  static String table(DeviceLink link, TunnelParameters p, String deviceAddress, int rsdPort) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "UDID:            %s%n", link.udid()));
    b.append(String.format(Locale.ROOT, "Through:         %s%n", link.description()));
    if (p != null) {
      b.append(String.format(Locale.ROOT, "Host address:    %s/%d%n",
          TunnelParameters.compress(p.clientAddress().getHostAddress()), p.prefixLength()));
    }
    b.append(String.format(Locale.ROOT, "Device address:  %s%n", deviceAddress));
    b.append(String.format(Locale.ROOT, "RSD port:        %d%n", rsdPort));
    if (p != null) {
      b.append(String.format(Locale.ROOT, "MTU:             %d%n", p.mtu()));
    }
    return b.toString();
  }

  static String json(DeviceLink link, TunnelParameters p, String deviceAddress, int rsdPort) throws IOException {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("udid", link.udid());
      g.writeStringField("through", link.description());
      if (p != null) {
        g.writeStringField("hostAddress", TunnelParameters.compress(p.clientAddress().getHostAddress()));
        g.writeNumberField("prefixLength", p.prefixLength());
      }
      g.writeStringField("deviceAddress", deviceAddress);
      g.writeNumberField("rsdPort", rsdPort);
      if (p != null) {
        g.writeNumberField("mtu", p.mtu());
      }
      g.writeEndObject();
    }
    return w + System.lineSeparator();
  }
}
