package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.Instruments;
import dtxkit.services.deviceinfo.DeviceInfo;
import dtxkit.services.lockdown.ServiceConnection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command's connection to a device: the {@link DeviceLink} it was reached by (RSD or usbmuxd + lockdown), the
 * Instruments DTX connection once asked for, the lockdown service streams it opened, and the in-process mock device
 * when {@code --mock} started one. Closing it closes all of them.
 *
 * <p>{@link #closeOnShutdown()} makes Ctrl-C (SIGINT) and SIGTERM close the session, which ends a running stream
 * cleanly: the stream sees its connection close, the command prints its last line and returns.
 */
final class DeviceSession implements AutoCloseable {
  /** The Instruments service every DTX command talks to. */
  static final String DTSERVICEHUB = "com.apple.instruments.dtservicehub";

  private static final Logger log = LoggerFactory.getLogger(DeviceSession.class);

  private final DeviceLink link;
  private final AutoCloseable owned;
  private final java.util.List<ServiceConnection> services = new java.util.ArrayList<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private DtxConnection instruments;
  private Instruments facade;
  private Thread shutdownHook;
  private volatile boolean interrupted;

  /**
   * @param rsd the connected RSD client; the session owns it
   * @param rsdPort the port {@code rsd} is connected to
   * @param owned something else to close last (the in-process mock device), or null
   */
  DeviceSession(RsdClient rsd, int rsdPort, AutoCloseable owned) {
    this(new RsdLink(rsd, rsdPort, null), owned);
  }

  /**
   * @param link how the device was reached; the session owns it
   * @param owned something else to close last (the in-process mock device), or null
   */
  DeviceSession(DeviceLink link, AutoCloseable owned) {
    this.link = link;
    this.owned = owned;
  }

  /** How the device was reached. */
  DeviceLink link() {
    return link;
  }

  /**
   * The device's RSD peer info (UDID, product, OS, services).
   *
   * @throws CliException when the device was reached through usbmuxd, which has no RSD
   */
  PeerInfo peerInfo() {
    return rsd().peerInfo();
  }

  /** The RSD port this session connected to (0 through usbmuxd). */
  int rsdPort() {
    return link.rsdPort();
  }

  /**
   * The RSD client.
   *
   * @throws CliException when the device was reached through usbmuxd, which has no RSD
   */
  RsdClient rsd() {
    RsdClient rsd = link.rsd();
    if (rsd == null) {
      throw new CliException("the device " + link.udid() + " was reached through " + link.description()
          + ", which has no RemoteServiceDiscovery (RSD is for iOS 17+ through a tunnel: use --tunneld or --rsd)");
    }
    return rsd;
  }

  /**
   * Starts a lockdown service; the session closes its stream.
   *
   * @throws CliException with advice when it cannot be had
   */
  synchronized ServiceConnection startService(String service) {
    ServiceConnection connection = link.startService(service);
    services.add(connection);
    return connection;
  }

  /**
   * The DTX connection to Instruments, opened on first use.
   *
   * @throws CliException when the device does not offer the service or its port refuses the connection
   */
  synchronized DtxConnection instruments() {
    if (instruments == null) {
      instruments = link.openInstruments();
    }
    return instruments;
  }

  /** The {@code Instruments} facade over {@link #instruments()} (closing the session closes the connection). */
  synchronized Instruments facade() {
    if (facade == null) {
      facade = Instruments.over(instruments());
    }
    return facade;
  }

  /**
   * Waits until the device has received every message sent so far: a message that expects no reply (such as
   * {@code stopLocationSimulation}) would otherwise be lost if the connection closed right after it. One round trip
   * on the same connection ({@code machKernelName}) is enough, because the connection delivers in order.
   */
  void flush() {
    instruments().open(DeviceInfo.class).machKernelName();
  }

  /**
   * Closes this session when the JVM is asked to stop (Ctrl-C, SIGTERM), then gives the command up to two seconds
   * to print its last lines. {@link #close()} removes the hook.
   *
   * @return this session
   */
  DeviceSession closeOnShutdown() {
    shutdownHook = new Thread(this::shutdown, "dtxkit-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    return this;
  }

  /**
   * What Ctrl-C does: marks the session interrupted, closes the connections (which ends a running stream), then
   * waits up to two seconds for the command to finish printing. Any thread.
   */
  void shutdown() {
    interrupted = true;
    closeResources();
    try {
      finished.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True once a shutdown (Ctrl-C) closed this session: the stream ended because the user asked. */
  boolean interrupted() {
    return interrupted;
  }

  @Override
  public void close() {
    if (shutdownHook != null && !interrupted) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or about to: it closes the resources.
      }
    }
    closeResources();
    finished.countDown();
  }

  private synchronized void closeResources() {
    if (instruments != null) {
      instruments.close();
    }
    for (ServiceConnection service : services) {
      service.close();
    }
    link.close();
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        log.warn("closing the mock device failed", e);
      }
    }
  }
}
