package dtxkit.samples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dtxkit rsd}: RemoteServiceDiscovery on iOS 17+ devices. */
@Command(name = "rsd", mixinStandardHelpOptions = true, description = "RemoteServiceDiscovery (iOS 17+).",
    subcommands = {RsdCommand.Info.class})
public final class RsdCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // Like 'location' and 'conditions': a group without its subcommand is a usage error (exit 2).
    throw new CommandLine.ParameterException(spec.commandLine(), "say 'rsd info'");
  }

  /** {@code dtxkit rsd info}: the peer info and the service table. */
  @Command(name = "info", mixinStandardHelpOptions = true,
      description = "Print a device's RSD peer info and its services.")
  static final class Info implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin DeviceOptions device;
    @CommandLine.Mixin Output output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      try (DeviceSession session = device.open(spec)) {
        PeerInfo info = session.peerInfo();
        out.print(output.json ? toJson(info) : toTable(info));
        out.flush();
      }
      return 0;
    }
  }

  static String toTable(PeerInfo info) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "UDID:          %s%n", info.udid()));
    b.append(String.format(Locale.ROOT, "Product type:  %s%n", info.productType()));
    b.append(String.format(Locale.ROOT, "OS version:    %s%n", info.osVersion()));
    b.append(String.format(Locale.ROOT, "Build:         %s%n", info.buildVersion()));
    b.append(String.format(Locale.ROOT, "Services:      %d%n%n", info.services().size()));
    int width = info.services().keySet().stream().mapToInt(String::length).max().orElse(7);
    width = Math.max(width, "SERVICE".length());
    b.append(String.format(Locale.ROOT, "%-" + width + "s  %5s  %s%n", "SERVICE", "PORT", "PROTOCOL"));
    for (RsdService s : info.services().values()) {
      String protocol = s.usesRemoteXpc() ? "RemoteXPC" : s.needsCheckin() ? "RSDCheckin" : "raw";
      b.append(String.format(Locale.ROOT, "%-" + width + "s  %5d  %s%n", s.name(), s.port(), protocol));
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
