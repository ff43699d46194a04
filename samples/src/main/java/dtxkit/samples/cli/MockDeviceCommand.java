package dtxkit.samples.cli;

import dtxkit.services.mock.MockDevice;
import dtxkit.services.mock.MockTestPlan;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dtxkit mock-device}: runs dtxkit's mock device until SIGINT or SIGTERM (or, in-process, until the thread is
 * interrupted).
 *
 * <p>Its first and only line on standard output is one JSON object other tools read to connect:
 * {@code {"rsdHost": "127.0.0.1", "rsdPort": 49152, "udid": "...", "osVersion": "17.4", "usbmuxd": "/tmp/.../usbmuxd",
 * "usbmuxdTcp": "127.0.0.1:49155", "services": {"com.apple.instruments.dtservicehub": 49153, ...}}}. Everything else
 * (logs, the "running" note) goes to standard error.
 */
@Command(name = "mock-device", mixinStandardHelpOptions = true,
    description = {"Run dtxkit's mock device until stopped (Ctrl-C, SIGTERM).",
        "The first line on standard output is a JSON object with rsdHost, rsdPort, udid, osVersion, usbmuxd (a Unix"
            + " socket path), usbmuxdTcp (host:port) and services (name to port); nothing else is printed there."})
final class MockDeviceCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--rsd-port", paramLabel = "N", defaultValue = "0",
      description = "The RSD port (default ${DEFAULT-VALUE}: any free port; the first line says which).")
  int rsdPort;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--ios", paramLabel = "VERSION",
      description = {"The iOS version the mock plays (default: an iOS 17 device, Instruments through RSD).",
          "14-16 (e.g. 15.8): Instruments through lockdown's DVTSecureSocketProxy, TLS kept;"
              + " 13 and earlier (e.g. 13.7): remoteserver, TLS handshake then plain DTX."})
  String ios;

  @Option(names = "--memory-budget", paramLabel = "SIZE",
      description = {"The memory all DTX connections together may hold (messages being reassembled, decompressed"
          + " payloads, replies to clients that do not read), e.g. 64m, 1g or bytes (default: 256m or half the"
          + " heap, whichever is less). A client that would pass it loses its connection; the others go on."})
  String memoryBudget;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Close a DTX connection after this many seconds without traffic either way (default"
          + " ${DEFAULT-VALUE}; 0: never). A client that only listens to a stream is not idle.")
  long idleTimeoutSeconds;

  /** Parses {@code 64m}, {@code 1g}, {@code 512k} or a number of bytes. */
  static long parseSize(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
      unit = switch (t.charAt(t.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        default -> 1L << 30;
      };
      t = t.substring(0, t.length() - 1);
    }
    long n = Long.parseLong(t);
    if (n <= 0 || n > Long.MAX_VALUE / unit) {
      throw new NumberFormatException("out of range");
    }
    return n * unit;
  }

  @Option(names = "--xctest-plan", paramLabel = "PLAN",
      description = {"What the installed UI-test runner com.example.UITests.xctrunner runs under 'dtxkit xctest run':",
          "passing (default: three passing tests) or failing (and one that fails at LoginTests.swift:42)."})
  String xctestPlan;

  /** The plan {@code --xctest-plan} names, or null for the default. */
  static MockTestPlan plan(CommandLine.Model.CommandSpec spec, String name) {
    if (name == null) {
      return null;
    }
    return switch (name) {
      case "passing" -> MockTestPlan.passing();
      case "failing" -> MockTestPlan.failing();
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--xctest-plan is passing or failing, not '" + name + "'");
    };
  }

  /**
   * An address other machines can use to reach this one: the first non-loopback address of an interface that is up
   * (IPv4 preferred unless {@code ipv6}), or null when there is none.
   */
  static InetAddress networkAddress(boolean ipv6) {
    InetAddress fallback = null;
    try {
      for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress()) {
            continue;
          }
          if ((a instanceof java.net.Inet6Address) == ipv6) {
            return a;
          }
          if (fallback == null) {
            fallback = a;
          }
        }
      }
    } catch (java.net.SocketException e) {
      return null;
    }
    return fallback;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (rsdPort < 0 || rsdPort > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rsd-port must be 0 to 65535, not " + rsdPort);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--host: unknown address " + host);
    }
    if (ios != null) {
      try {
        MockDevice.builder().ios(ios);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--ios: " + e.getMessage());
      }
    }
    long budget = 0;
    if (memoryBudget != null) {
      try {
        budget = parseSize(memoryBudget);
      } catch (NumberFormatException e) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--memory-budget: expected a size such as 64m, 1g or a number of bytes, not " + memoryBudget);
      }
    }
    if (idleTimeoutSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--idle-timeout must be 0 (never) or a number of seconds, not " + idleTimeoutSeconds);
    }
    long memory = budget;
    java.time.Duration idle = java.time.Duration.ofSeconds(idleTimeoutSeconds);
    MockTestPlan plan = plan(spec, xctestPlan);
    CountDownLatch stopped = new CountDownLatch(1);
    MockDevice mock = MockSessions.startDevice(address, rsdPort, b -> {
      if (ios != null) {
        b.ios(ios);
      }
      if (plan != null) {
        b.testPlan(MockDevice.UI_TESTS_RUNNER, plan);
      }
      if (memory > 0) {
        b.memoryBudget(memory);
      }
      b.idleTimeout(idle);
    });
    Thread hook = new Thread(() -> {
      mock.close();
      stopped.countDown();
    }, "dtxkit-mock-device-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      PrintWriter out = spec.commandLine().getOut();
      out.println(mock.toJson());
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      String reachable = mock.rsdHost() + ":" + mock.rsdPort();
      if (address.isAnyLocalAddress()) {
        InetAddress usable = networkAddress(address instanceof java.net.Inet6Address);
        reachable = (usable == null ? "127.0.0.1" : usable.getHostAddress()) + ":" + mock.rsdPort();
        err.println("dtxkit mock-device: warning: --host " + host + " listens on every network interface: anyone"
            + " who can reach this machine can talk to the mock device");
      }
      err.println("dtxkit mock-device: " + mock.peerInfo().productType() + " (iOS " + mock.identity().osVersion()
          + ") " + mock.peerInfo().udid() + " answers RSD at " + reachable + " (dtxkit ps --rsd "
          + reachable.substring(0, reachable.lastIndexOf(':')) + " " + mock.rsdPort() + ") and usbmuxd at "
          + mock.usbmuxdSocket() + " (USBMUXD_SOCKET_ADDRESS=" + mock.usbmuxdSocket() + "); stop it with Ctrl-C");
      err.flush();
      stopped.await();
      return 0;
    } catch (InterruptedException e) {
      // Stopped in-process (tests, embedding): close and report a clean stop.
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook closes the device.
      }
      mock.close();
    }
  }
}
