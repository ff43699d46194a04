package dtxkit.samples.cli;

import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.mock.MockDevice;
import dtxkit.services.mock.MockTestPlan;
import java.io.IOException;
import java.net.InetAddress;

/** Starts dtxkit's mock device in this process, for {@code --mock}, {@code mock-device} and {@code demo}. */
final class MockSessions {
  private MockSessions() {}

  /**
   * Starts a mock device on {@code address}:{@code rsdPort}.
   *
   * @param rsdPort the RSD port, 0 for any free port
   * @throws CliException when a server cannot bind (the port is taken)
   */
  static MockDevice startDevice(InetAddress address, int rsdPort) {
    return startDevice(address, rsdPort, (String) null);
  }

  /**
   * Starts a mock device playing an iOS version.
   *
   * @param ios e.g. {@code 15.8}, or null for the default (an iOS 17 device)
   * @throws CliException when a server cannot bind
   */
  static MockDevice startDevice(InetAddress address, int rsdPort, String ios) {
    return startDevice(address, rsdPort, ios, null);
  }

  /**
   * Starts a mock device configured by {@code options} (iOS version, test plan, budgets, timeouts).
   *
   * @throws CliException when a server cannot bind
   */
  static MockDevice startDevice(InetAddress address, int rsdPort,
      java.util.function.Consumer<MockDevice.Builder> options) {
    try {
      MockDevice.Builder builder = MockDevice.builder().host(address).rsdPort(rsdPort);
      options.accept(builder);
      return builder.start();
    } catch (IOException e) {
      throw new CliException("cannot start the mock device on " + address.getHostAddress() + " port " + rsdPort
          + ": " + DeviceOptions.rootMessage(e) + (rsdPort == 0 ? "" : " (try another --rsd-port, or 0 for any)"), e);
    }
  }

  /**
   * Starts a mock device playing an iOS version, its UI-test runner playing a plan.
   *
   * @param ios e.g. {@code 15.8}, or null for the default (an iOS 17 device)
   * @param xcTestPlan what {@link MockDevice#UI_TESTS_RUNNER} runs, or null for {@link MockTestPlan#passing()}
   * @throws CliException when a server cannot bind
   */
  static MockDevice startDevice(InetAddress address, int rsdPort, String ios, MockTestPlan xcTestPlan) {
    try {
      MockDevice.Builder builder = MockDevice.builder().host(address).rsdPort(rsdPort);
      if (ios != null) {
        builder.ios(ios);
      }
      if (xcTestPlan != null) {
        builder.testPlan(MockDevice.UI_TESTS_RUNNER, xcTestPlan);
      }
      return builder.start();
    } catch (IOException e) {
      throw new CliException("cannot start the mock device on " + address.getHostAddress() + " port " + rsdPort
          + ": " + DeviceOptions.rootMessage(e) + (rsdPort == 0 ? "" : " (try another --rsd-port, or 0 for any)"), e);
    }
  }

  /** Starts a mock device on loopback and connects to it through RSD, as to a real device. */
  static DeviceSession start() {
    MockDevice mock = startDevice(InetAddress.getLoopbackAddress(), 0);
    try {
      RsdClient client = DeviceOptions.connectRsd(mock.rsdHost(), mock.rsdPort());
      return new DeviceSession(new RsdLink(client, mock.rsdPort(), service -> {
        try {
          return mock.openLockdownService(service);
        } catch (IOException | IllegalArgumentException e) {
          throw new CliException("the mock device cannot start " + service + ": " + e.getMessage(), e);
        }
      }), mock);
    } catch (RuntimeException e) {
      mock.close();
      throw e;
    }
  }
}
