package dtxkit.services.xctest;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.DtxTransport;
import dtxkit.runtime.lockdown.LockdownClient;
import dtxkit.runtime.lockdown.PairRecord;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.runtime.usbmux.UsbmuxClient;
import dtxkit.runtime.usbmux.UsbmuxDevice;
import dtxkit.services.Instruments;
import dtxkit.services.lockdown.AfcClient;
import dtxkit.services.lockdown.HouseArrest;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.lockdown.ServiceConnection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What an XCTest run needs from a device: its iOS version, testmanagerd connections, Instruments (processcontrol
 * launches the runner), installation_proxy (where the runner is installed) and, on iOS 13 and earlier, a file in the
 * runner's container (its {@code .xctestconfiguration}, through house_arrest). {@link #rsd(RsdClient)} reaches an
 * iOS 17+ device through its tunnel, {@link #lockdown} an iOS 16-or-earlier one through usbmuxd.
 */
public interface XcTestDevice {

  /** testmanagerd through RSD (iOS 17 and later): raw DTX, no checkin. */
  String TESTMANAGERD_REMOTE = "com.apple.dt.testmanagerd.remote";
  /** testmanagerd through lockdown on iOS 14-16 (TLS kept). */
  String TESTMANAGERD_SECURE = "com.apple.testmanagerd.lockdown.secure";
  /** testmanagerd through lockdown on iOS 13 and earlier (TLS handshake, then plaintext). */
  String TESTMANAGERD_LOCKDOWN = "com.apple.testmanagerd.lockdown";

  /** The device's iOS version, e.g. {@code 17.4} (decides the flow: see {@link XcTestRunner}). */
  String productVersion() throws IOException;

  /**
   * A new DTX connection to testmanagerd whose peer-opened channels are served by {@code registry} (in place
   * before the handshake: the runner may open its channel at once).
   *
   * @param registry the proxy channels this side accepts
   * @param name the connection's name in logs
   */
  DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException;

  /** A new DTX connection to Instruments, for processcontrol. */
  DtxConnection connectInstruments() throws IOException;

  /**
   * The installed app {@code bundleIdentifier} (installation_proxy {@code Lookup}), or null when it is not installed.
   */
  InstalledApp lookupApp(String bundleIdentifier) throws IOException;

  /**
   * Writes a file into an app's data container (house_arrest {@code VendContainer}, then AFC), making its folder.
   *
   * @param bundleIdentifier the app
   * @param path relative to the container, e.g. {@code tmp/<session>.xctestconfiguration}
   * @param content the bytes
   * @throws IOException the device refused or cannot do it (RSD devices: not needed on iOS 17)
   */
  void writeToAppContainer(String bundleIdentifier, String path, byte[] content) throws IOException;

  /**
   * An iOS 17+ device reached through RSD (a tunnel, or dtxkit's CoreDeviceProxy link): testmanagerd at
   * {@value #TESTMANAGERD_REMOTE} (raw DTX), Instruments at {@value Instruments#DTSERVICEHUB}, the runner's installed
   * path through the installation_proxy shim ({@link InstallationProxy#connect(RsdClient)}). iOS 17 takes the test
   * configuration as the reply to {@code _XCT_testRunnerReadyWithCapabilities:}, so nothing is written into the
   * runner's container. The RSD client stays the caller's to close.
   *
   * @param rsd a connected RSD client
   * @return the device
   */
  static XcTestDevice rsd(RsdClient rsd) {
    Objects.requireNonNull(rsd, "rsd");
    return new XcTestDevice() {
      @Override
      public String productVersion() {
        return rsd.peerInfo().osVersion();
      }

      @Override
      public DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException {
        return rsd.openDtx(TESTMANAGERD_REMOTE, b -> b.registry(registry).name(name + "@" + rsd.peerInfo().udid()));
      }

      @Override
      public DtxConnection connectInstruments() throws IOException {
        return rsd.openDtx(Instruments.DTSERVICEHUB);
      }

      @Override
      public InstalledApp lookupApp(String bundleIdentifier) throws IOException {
        try (InstallationProxy apps = InstallationProxy.connect(rsd)) {
          return apps.lookup(null, List.of(bundleIdentifier)).get(bundleIdentifier);
        }
      }

      @Override
      public void writeToAppContainer(String bundleIdentifier, String path, byte[] content) throws IOException {
        throw new IOException("an iOS " + productVersion() + " device reached through RSD reads no configuration"
            + " file; nothing is written into " + bundleIdentifier + "'s container");
      }
    };
  }

  /**
   * A device on usbmuxd (iOS 16 and earlier): lockdown sessions with the pair record, then {@code StartService} of
   * testmanagerd for the version ({@value #TESTMANAGERD_SECURE} on 14-16, {@value #TESTMANAGERD_LOCKDOWN} before),
   * Instruments, installation_proxy and house_arrest.
   */
  static XcTestDevice lockdown(UsbmuxClient usbmux, UsbmuxDevice device, PairRecord record,
      LockdownClient.Options options) {
    Objects.requireNonNull(usbmux, "usbmux");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    return new XcTestDevice() {
      private volatile String version;

      @Override
      public String productVersion() throws IOException {
        String v = version;
        if (v == null) {
          try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, options)) {
            v = lockdown.getString(null, "ProductVersion");
          }
          version = v;
        }
        return v;
      }

      private DtxTransport start(String service) throws IOException {
        try (LockdownClient lockdown = LockdownClient.connect(usbmux, device, options)) {
          lockdown.startSession(record);
          return lockdown.openService(usbmux, device, service, record);
        }
      }

      private ServiceConnection startService(String service) throws IOException {
        DtxTransport stream = start(service);
        try {
          return ServiceConnection.over(stream);
        } catch (IOException | RuntimeException e) {
          stream.close();
          throw e;
        }
      }

      @Override
      public DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException {
        String service = XcTestRunner.Flow.of(productVersion()).lockdownService();
        if (service == null) {
          throw new IOException("iOS " + productVersion() + " offers testmanagerd only through a tunnel (RSD)");
        }
        DtxTransport stream = start(service);
        try {
          return DtxConnection.builder(stream).registry(registry).name(name).connect();
        } catch (IOException | RuntimeException e) {
          stream.close();
          throw e;
        }
      }

      @Override
      public DtxConnection connectInstruments() throws IOException {
        return Instruments.openLockdownConnection(usbmux, device, record, options);
      }

      @Override
      public InstalledApp lookupApp(String bundleIdentifier) throws IOException {
        try (InstallationProxy apps = new InstallationProxy(startService(InstallationProxy.SERVICE))) {
          return apps.lookup(null, List.of(bundleIdentifier)).get(bundleIdentifier);
        }
      }

      @Override
      public void writeToAppContainer(String bundleIdentifier, String path, byte[] content) throws IOException {
        try (AfcClient container = HouseArrest.vendContainer(startService(HouseArrest.SERVICE), bundleIdentifier)) {
          int slash = path.lastIndexOf('/');
          if (slash > 0) {
            container.makeDirectory(path.substring(0, slash));
          }
          container.upload(path, new ByteArrayInputStream(content), content.length, sent -> {});
        }
      }
    };
  }
}
