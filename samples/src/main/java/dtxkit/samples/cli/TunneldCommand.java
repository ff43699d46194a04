package dtxkit.samples.cli;

import dtxkit.runtime.tunnel.TunDevice;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit tunneld}: pymobiledevice3's tunneld HTTP API over dtxkit's own CoreDeviceProxy tunnels, each joined
 * to a kernel TUN device, so that other programs (pymobiledevice3, appium, dtxkit {@code --tunneld}) reach iOS 17.4+
 * devices on the cable. Needs Linux with a TUN device and root (or CAP_NET_ADMIN); says so otherwise.
 */
@Command(name = "tunneld", mixinStandardHelpOptions = true,
    description = {"Serve pymobiledevice3's tunneld API (GET / on 127.0.0.1:49151) with a tunnel to every iOS 17.4+"
        + " device on usbmuxd, through its CoreDeviceProxy and a TUN device, until stopped (Ctrl-C, SIGTERM).",
        "Needs Linux, /dev/net/tun, iproute2 and root (or CAP_NET_ADMIN). The first line on standard output is a"
            + " JSON object whose tunneld field is the API's URL; a JSON line per tunnel made or ended follows."})
final class TunneldCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The HTTP address (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "49151",
      description = "The HTTP port (default ${DEFAULT-VALUE}, tunneld's; 0: any free port).")
  int port;

  @Option(names = "--interval", paramLabel = "MS", defaultValue = "2000",
      description = "Between looks at usbmuxd's device list (default ${DEFAULT-VALUE} ms).")
  long interval;

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "Stop after this long (default: until Ctrl-C).")
  Double duration;

  @Override
  public Integer call() throws IOException {
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0 to 65535, not " + port);
    }
    if (interval < 100) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--interval must be at least 100 ms");
    }
    if (duration != null && !(duration > 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be more than 0");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--host: unknown address " + host);
    }
    String reason = TunDevice.unavailableReason();
    if (reason != null) {
      throw new CliException("dtxkit tunneld needs a TUN device, and cannot make one here: " + reason
          + ". Without one, dtxkit itself still reaches iOS 17.4+ devices with --usb (its userspace TCP)");
    }
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (Tunneld tunneld = new Tunneld(DeviceOptions.usbmux(spec), new InetSocketAddress(address, port),
        Duration.ofMillis(interval), line -> {
          synchronized (out) {
            out.println("{\"event\": \"" + line.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
            out.flush();
          }
        })) {
      Thread hook = new Thread(stopped::countDown, "dtxkit-tunneld-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      synchronized (out) {
        InetSocketAddress bound = tunneld.address();
        String h = bound.getAddress().getHostAddress();
        out.println("{\"tunneld\": \"http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + bound.getPort()
            + "/\"}");
        out.flush();
      }
      try {
        if (duration == null) {
          stopped.await();
        } else {
          stopped.await((long) (duration * 1000), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Closing anyway.
        }
      }
    }
    return 0;
  }
}
