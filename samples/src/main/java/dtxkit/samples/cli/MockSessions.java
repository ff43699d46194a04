package dtxkit.samples.cli;

import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.RsdClient;
import java.net.InetAddress;

/** Starts dtxkit's mock device in this process, for {@code --mock}, {@code mock-device} and {@code demo}. */
final class MockSessions {
  private MockSessions() {}

  /** A started mock device and where it answers RSD. */
  interface Running extends AutoCloseable {
    String host();

    int rsdPort();

    PeerInfo peerInfo();

    /** Stops the device; idempotent. */
    @Override
    void close();
  }

  /** Starts a mock device on {@code address}:{@code rsdPort} (0: any free port). */
  static Running startDevice(InetAddress address, int rsdPort) {
    throw new CliException("the mock device is not available in this build yet");
  }

  /** Starts a mock device on loopback and connects to it through RSD, as to a real device. */
  static DeviceSession start() {
    Running mock = startDevice(InetAddress.getLoopbackAddress(), 0);
    try {
      RsdClient client = DeviceOptions.connectRsd(mock.host(), mock.rsdPort());
      return new DeviceSession(client, mock.rsdPort(), mock);
    } catch (RuntimeException e) {
      mock.close();
      throw e;
    }
  }
}
