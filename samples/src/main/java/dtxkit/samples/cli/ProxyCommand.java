package dtxkit.samples.cli;

import dtxkit.runtime.usbmux.UsbmuxAddress;
import dtxkit.samples.proxy.RecordingDecoder;
import dtxkit.samples.proxy.RecordingProxy;
import dtxkit.samples.proxy.RecordingWriter;
import dtxkit.services.mock.MockDevice;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit proxy}: a recording man-in-the-middle ({@link RecordingProxy}) until Ctrl-C or {@code --duration}.
 * The first line on standard output is a JSON object saying where clients connect; with {@code --decode} the
 * messages follow live, as {@code dtxkit decode RECORDING} prints them.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
    description = {"Record the traffic between a client and a device: listen where the client expects the device,"
        + " forward every byte both ways unchanged, and write a recording (both directions, timestamps, connection"
        + " boundaries) that dtxkit decode and dtxkit stubs read.",
        "RSD face (--rsd, --mock): an RSD port serving the device's peer info with the proxy's own service ports."
            + " usbmuxd face (--usbmuxd, --mock): a usbmuxd socket forwarding to the real usbmuxd.",
        "The first line on standard output is a JSON object: recording, rsdHost, rsdPort, udid, services (name to"
            + " the proxy's port), usbmuxd; the same shape as dtxkit mock-device's, so tools that take one take both."})
final class ProxyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--rsd", arity = "2", paramLabel = "HOST PORT",
      description = "the device's RSD address (its tunnel address and RSD port)")
  String[] rsd;

  @Option(names = "--usbmuxd", arity = "0..1", paramLabel = "ADDR", fallbackValue = "",
      description = "proxy a usbmuxd: ADDR (a socket path or host:port), else USBMUXD_SOCKET_ADDRESS or the"
          + " platform's")
  String usbmuxd;

  @Option(names = "--mock", description = "proxy an in-process mock device (both faces)")
  boolean mock;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
      description = "the recording to write (replaced if it exists)")
  Path output;

  @Option(names = "--decode", description = "print the decoded messages live, as JSON lines")
  boolean decode;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "the address the proxy listens on (default ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--rsd-port", paramLabel = "N", defaultValue = "0",
      description = "the RSD port to listen on (default ${DEFAULT-VALUE}: any free port)")
  int rsdPort;

  @Option(names = "--usbmuxd-listen", paramLabel = "PATH",
      description = "a Unix socket path for the usbmuxd face (default: TCP on a free port of --host)")
  Path usbmuxdListen;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds")
  Double duration;

  @Override
  public Integer call() throws Exception {
    if ((rsd != null ? 1 : 0) + (usbmuxd != null ? 1 : 0) + (mock ? 1 : 0) == 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "give what to proxy: --rsd HOST PORT, --usbmuxd [ADDR] or --mock");
    }
    if (mock && (rsd != null || usbmuxd != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--mock proxies the mock's RSD and usbmuxd:"
          + " it does not go with --rsd or --usbmuxd");
    }
    if (rsdPort < 0 || rsdPort > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rsd-port must be 0 to 65535, not " + rsdPort);
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
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MockDevice device = mock ? MockSessions.startDevice(InetAddress.getLoopbackAddress(), 0) : null;
    RecordingWriter writer;
    try {
      writer = new RecordingWriter(new BufferedOutputStream(Files.newOutputStream(output)));
    } catch (IOException e) {
      if (device != null) {
        device.close();
      }
      throw new CliException("cannot write the recording " + output + ": " + ScreenshotCommand.reason(e), e, 1);
    }
    RecordingDecoder live = decode ? new RecordingDecoder(new RecordingLines(out)) : null;
    // Records written before the first line is out (the peer info note) wait for it.
    java.util.List<dtxkit.samples.proxy.Recording.Entry> early = new java.util.ArrayList<>();
    boolean[] firstLineOut = {false};
    if (live != null) {
      writer.addListener(entry -> {
        synchronized (live) {
          if (firstLineOut[0]) {
            live.accept(entry);
          } else {
            early.add(entry);
          }
        }
      });
    }
    RecordingProxy.Builder builder = RecordingProxy.builder(writer).bindAddress(address).listenRsdPort(rsdPort);
    if (device != null) {
      builder.rsd(device.rsdHost(), device.rsdPort());
      builder.usbmuxd(UsbmuxAddress.unix(device.usbmuxdSocket()), 0);
    }
    if (rsd != null) {
      builder.rsd(rsd[0], parsePort(rsd[1]));
    }
    if (usbmuxd != null) {
      builder.usbmuxd(usbmuxd.isEmpty() ? UsbmuxAddress.fromEnvironment(DtxkitCli.environment(spec), System.getProperty("os.name")) : UsbmuxAddress.parse(usbmuxd), 0);
    }
    if (usbmuxdListen != null && (usbmuxd != null || device != null)) {
      builder.usbmuxd(device != null ? UsbmuxAddress.unix(device.usbmuxdSocket())
          : usbmuxd.isEmpty() ? UsbmuxAddress.fromEnvironment(DtxkitCli.environment(spec), System.getProperty("os.name")) : UsbmuxAddress.parse(usbmuxd), usbmuxdListen);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    RecordingProxy proxy;
    try {
      proxy = builder.start();
    } catch (IOException e) {
      writer.close();
      if (device != null) {
        device.close();
      }
      throw new CliException("cannot start the proxy: " + DeviceOptions.rootMessage(e), e, 1);
    }
    Thread hook = new Thread(() -> {
      shutdown(proxy, writer, live, device);
      stopped.countDown();
    }, "dtxkit-proxy-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      StringBuilder first = new StringBuilder("{\"recording\":").append(json(output.toString()));
      if (proxy.rsdPort() >= 0) {
        first.append(",\"rsdHost\":").append(json(proxy.rsdAddress().getHostAddress()))
            .append(",\"rsdPort\":").append(proxy.rsdPort())
            .append(",\"udid\":").append(json(String.valueOf(proxy.served().udid())))
            .append(",\"services\":{");
        boolean firstService = true;
        for (dtxkit.runtime.rsd.RsdService service : proxy.served().services().values()) {
          first.append(firstService ? "" : ",").append(json(service.name())).append(':').append(service.port());
          firstService = false;
        }
        first.append('}');
      }
      if (proxy.usbmuxd() != null) {
        UsbmuxAddress u = proxy.usbmuxd();
        first.append(",\"usbmuxd\":").append(json(u.isUnix() ? u.unixPath().toString() : u.host() + ":" + u.port()));
      }
      synchronized (out) {
        out.println(first.append('}'));
        out.flush();
      }
      if (live != null) {
        synchronized (live) {
          firstLineOut[0] = true;
          early.forEach(live::accept);
          early.clear();
        }
      }
      err.println("dtxkit proxy: recording to " + output + "; stop with Ctrl-C");
      err.flush();
      if (duration != null) {
        stopped.await((long) (duration * 1000), TimeUnit.MILLISECONDS);
      } else {
        stopped.await();
      }
      return 0;
    } catch (InterruptedException e) {
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        shutdown(proxy, writer, live, device);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook does the work.
        stopped.await(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void shutdown(RecordingProxy proxy, RecordingWriter writer, RecordingDecoder live,
      MockDevice device) {
    proxy.close();
    if (live != null) {
      synchronized (live) {
        live.close();
      }
    }
    try {
      writer.close();
    } catch (java.io.UncheckedIOException e) {
      System.err.println("dtxkit proxy: " + e.getMessage() + ": " + e.getCause().getMessage());
    }
    if (device != null) {
      device.close();
    }
  }

  private int parsePort(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new CommandLine.ParameterException(spec.commandLine(), "--rsd: the port must be 1 to 65535, not " + text);
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
