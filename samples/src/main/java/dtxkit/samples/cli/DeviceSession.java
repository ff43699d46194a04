package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxException;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.rsd.PeerInfo;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.Instruments;
import dtxkit.services.deviceinfo.DeviceInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command's connection to a device: the RSD client, the Instruments DTX connection once asked for, and the
 * in-process mock device when {@code --mock} started one. Closing it closes all of them.
 *
 * <p>{@link #closeOnShutdown()} makes Ctrl-C (SIGINT) and SIGTERM close the session, which ends a running stream
 * cleanly: the stream sees its connection close, the command prints its last line and returns.
 */
final class DeviceSession implements AutoCloseable {
  /** The Instruments service every DTX command talks to. */
  static final String DTSERVICEHUB = "com.apple.instruments.dtservicehub";

  private static final Logger log = LoggerFactory.getLogger(DeviceSession.class);

  private final RsdClient rsd;
  private final int rsdPort;
  private final AutoCloseable owned;
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
    this.rsd = rsd;
    this.rsdPort = rsdPort;
    this.owned = owned;
  }

  /** The device's RSD peer info (UDID, product, OS, services). */
  PeerInfo peerInfo() {
    return rsd.peerInfo();
  }

  /** The RSD port this session connected to. */
  int rsdPort() {
    return rsdPort;
  }

  /** The RSD client. */
  RsdClient rsd() {
    return rsd;
  }

  /**
   * The DTX connection to {@value #DTSERVICEHUB}, opened on first use.
   *
   * @throws CliException when the device does not advertise the service or its port refuses the connection
   */
  synchronized DtxConnection instruments() {
    if (instruments == null) {
      instruments = connect(DTSERVICEHUB);
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

  private DtxConnection connect(String service) {
    PeerInfo info = rsd.peerInfo();
    if (info.service(service) == null) {
      throw new CliException("the device " + info.udid() + " does not advertise " + service
          + ": the developer disk image is not mounted, or Developer Mode is off. Enable Developer Mode"
          + " (Settings > Privacy & Security), mount the image (sudo pymobiledevice3 mounter auto-mount),"
          + " then try again");
    }
    String where = rsd.address().getHostAddress() + ":" + info.service(service).port();
    Socket socket;
    try {
      socket = rsd.openService(service);
    } catch (IOException e) {
      if (DeviceOptions.hasCause(e, ConnectException.class)) {
        throw new CliException("connection refused by " + where + " (" + service + "): the device advertises it"
            + " but nothing listens; reconnect the device or restart the tunnel", e);
      }
      throw new CliException("cannot open " + service + " at " + where + ": " + DeviceOptions.rootMessage(e), e);
    }
    try {
      log.debug("connected to {} at {}", service, where);
      return DtxConnection.builder(DtxTransport.of(socket)).name(service).connect();
    } catch (IOException | DtxException e) {
      throw new CliException("the DTX handshake with " + service + " at " + where + " failed: "
          + DeviceOptions.rootMessage(e), e);
    }
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
    rsd.close();
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        log.warn("closing the mock device failed", e);
      }
    }
  }
}
