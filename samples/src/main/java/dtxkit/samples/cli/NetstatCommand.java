package dtxkit.samples.cli;

import dtxkit.services.networking.NetworkEvent;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dtxkit netstat}: network interfaces, new connections and their traffic counters as the device reports them
 * (the networking service, through the {@code Instruments} facade's stream), until Ctrl-C or a bound.
 */
@Command(name = "netstat", mixinStandardHelpOptions = true,
    description = "Stream network interfaces, connections and traffic counters.")
final class NetstatCommand extends DeviceCommand {
  @Mixin StreamOptions bounds;

  @Override
  int run(DeviceSession session, PrintWriter out) throws InterruptedException {
    EventPump<NetworkEvent> pump = new EventPump<NetworkEvent>().until(session.instruments());
    Runnable stop = pump.subscribe(session.facade().network());
    EventPump.Stop why;
    try {
      why = pump.drain(bounds, e -> true, e -> print(out, e));
    } finally {
      stop.run();
    }
    if (session.interrupted()) {
      return 0; // Ctrl-C: the stream ended because the user asked
    }
    if (why == EventPump.Stop.CLOSED || !session.instruments().isOpen()) {
      throw new CliException("the device closed the connection during netstat"
          + (pump.closeCause() == null ? "" : ": " + pump.closeCause().getMessage()));
    }
    if (why == EventPump.Stop.ENDED) {
      throw new CliException("the device ended the netstat stream (it closed the channel)");
    }
    session.flush(); // the stop went out before the connection closes
    return 0;
  }

  private void print(PrintWriter out, NetworkEvent e) {
    if (e instanceof NetworkEvent.InterfaceDetection i) {
      if (json()) {
        Output.printJson(out, Output.object("event", "interface", "interfaceIndex", i.interfaceIndex(),
            "name", i.name()));
      } else {
        out.println(String.format(Locale.ROOT, "interface   %-8s index %d", i.name(), i.interfaceIndex()));
      }
    } else if (e instanceof NetworkEvent.ConnectionDetection c) {
      String kind = c.kind() == 1 ? "tcp" : c.kind() == 2 ? "udp" : "kind" + c.kind();
      if (json()) {
        Output.printJson(out, Output.object("event", "connection", "kind", kind, "local", address(c.local()),
            "remote", address(c.remote()), "interfaceIndex", c.interfaceIndex(), "pid", c.pid(),
            "recvBufferSize", c.recvBufferSize(), "recvBufferUsed", c.recvBufferUsed(),
            "serialNumber", c.serialNumber()));
      } else {
        out.println(String.format(Locale.ROOT, "connection  #%-6d %s %s -> %s  pid %d  if %d", c.serialNumber(), kind,
            address(c.local()), address(c.remote()), c.pid(), c.interfaceIndex()));
      }
    } else if (e instanceof NetworkEvent.ConnectionUpdate u) {
      if (json()) {
        Output.printJson(out, Output.object("event", "update", "connectionSerial", u.connectionSerial(),
            "rxPackets", u.rxPackets(), "rxBytes", u.rxBytes(), "txPackets", u.txPackets(), "txBytes", u.txBytes(),
            "rxDuplicates", u.rxDuplicates(), "rxOutOfOrder", u.rxOutOfOrder(), "txRetransmits",
            u.txRetransmits(), "minRtt", u.minRtt(), "avgRtt", u.avgRtt(), "time", u.time()));
      } else {
        out.println(String.format(Locale.ROOT, "update      #%-6d rx %d pkt %d B  tx %d pkt %d B  rtt avg %d min %d",
            u.connectionSerial(), u.rxPackets(), u.rxBytes(), u.txPackets(), u.txBytes(), u.avgRtt(), u.minRtt()));
      }
    }
    out.flush();
  }

  static String address(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
