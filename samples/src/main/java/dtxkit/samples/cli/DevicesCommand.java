package dtxkit.samples.cli;

import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.runtime.usbmux.UsbmuxEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit devices}: what usbmuxd sees (UDID, connection type, product type and iOS version read through
 * lockdown); {@code --follow} prints attach and detach events until Ctrl-C.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"List the devices usbmuxd sees, with product type and iOS version (read through lockdown).",
        "USBMUXD_SOCKET_ADDRESS names another usbmuxd (a path, host:port, unix:///path or tcp://host:port)."})
final class DevicesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin Output output;

  @Option(names = {"-f", "--follow"}, description = "Then print attach and detach events until Ctrl-C.")
  boolean follow;

  @Mixin StreamOptions bounds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    UsbmuxClient usbmux = DeviceOptions.usbmux(spec);
    List<UsbmuxDevice> devices = UsbLink.devices(usbmux);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (UsbmuxDevice d : devices) {
      rows.add(describe(usbmux, d, "attached"));
    }
    if (follow) {
      return follow(usbmux, out);
    }
    if (output.json) {
      for (Map<String, Object> row : rows) {
        row.remove("event");
        Output.printJson(out, row);
      }
      return 0;
    }
    if (rows.isEmpty()) {
      out.println("no devices (usbmuxd at " + usbmux.address() + " lists none: plug a phone in and trust this"
          + " computer)");
      out.flush();
      return 0;
    }
    Output.Table table = new Output.Table("UDID", "CONNECTION", "PRODUCT", "IOS", "NAME");
    for (Map<String, Object> row : rows) {
      table.row(row.get("udid"), row.get("connectionType"), row.get("productType"), row.get("osVersion"),
          row.get("deviceName"));
    }
    table.print(out);
    return 0;
  }

  /** One device, with what lockdown says (or nulls when lockdown does not answer). */
  static Map<String, Object> describe(UsbmuxClient usbmux, UsbmuxDevice d, String event) {
    String product = null;
    String version = null;
    String name = null;
    try (LockdownClient lockdown = LockdownClient.connect(usbmux, d, LockdownClient.Options.DEFAULT)) {
      product = lockdown.getString(null, "ProductType");
      version = lockdown.getString(null, "ProductVersion");
      name = lockdown.getString(null, "DeviceName");
    } catch (IOException e) {
      // Locked, untrusted or gone: list it anyway, without the values.
    }
    return Output.object("event", event, "udid", d.udid(), "connectionType", d.connectionType(), "deviceId",
        d.deviceId(), "productType", product, "osVersion", version, "deviceName", name);
  }

  private int follow(UsbmuxClient usbmux, PrintWriter out) throws IOException {
    java.util.Map<Integer, String> udids = new java.util.HashMap<>();
    try (UsbmuxClient.EventStream events = usbmux.listen()) {
      Thread hook = new Thread(() -> {
        try {
          events.close();
        } catch (IOException ignored) {
          // Stopping.
        }
      }, "dtxkit-devices-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      java.time.Instant deadline = bounds.deadline();
      java.util.concurrent.ScheduledExecutorService timer = null;
      if (deadline != null) {
        timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "dtxkit-devices-deadline");
          t.setDaemon(true);
          return t;
        });
        timer.schedule(hook::run, Math.max(0, java.time.Duration.between(java.time.Instant.now(), deadline)
            .toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      long seen = 0;
      try {
        while (!bounds.countReached(seen)) {
          UsbmuxEvent event;
          try {
            event = events.next();
          } catch (IOException closed) {
            return 0; // Ctrl-C or --duration
          }
          if (event == null) {
            return 0;
          }
          Map<String, Object> row;
          if (event.type() == UsbmuxEvent.Type.ATTACHED) {
            udids.put(event.deviceId(), event.device().udid());
            row = describe(usbmux, event.device(), "attached");
          } else if (event.type() == UsbmuxEvent.Type.DETACHED) {
            row = Output.object("event", "detached", "udid", udids.remove(event.deviceId()), "deviceId",
                event.deviceId());
          } else {
            continue;
          }
          seen++;
          print(out, row);
        }
        return 0;
      } finally {
        if (timer != null) {
          timer.shutdownNow();
        }
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook closes the stream.
        }
      }
    }
  }

  private void print(PrintWriter out, Map<String, Object> row) {
    if (output.json) {
      Output.printJson(out, row);
      return;
    }
    out.println(row.get("event") + " " + row.get("udid") + (row.containsKey("connectionType")
        ? " " + row.get("connectionType") + " " + row.get("productType") + " iOS " + row.get("osVersion") : ""));
    out.flush();
  }
}
