package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.xctest.XcTestDevice;
import java.io.IOException;
import java.util.List;

/**
 * An iOS 17+ device found through RSD, as an XCTest run needs it: testmanagerd ({@value
 * XcTestDevice#TESTMANAGERD_REMOTE}, raw DTX), Instruments through the link, and installation_proxy through the RSD
 * lockdown shim ({@link InstallationProxy#connect(RsdClient)}). iOS 17 reads no configuration file, so nothing is
 * written into the runner's container.
 */
final class RsdXcTestDevice implements XcTestDevice {
  private final RsdClient rsd;
  private final DeviceLink link;

  RsdXcTestDevice(RsdClient rsd, DeviceLink link) {
    this.rsd = rsd;
    this.link = link;
  }

  @Override
  public String productVersion() {
    return rsd.peerInfo().osVersion();
  }

  @Override
  public DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException {
    return rsd.openDtx(TESTMANAGERD_REMOTE, b -> b.registry(registry).name(name + "@" + rsd.peerInfo().udid()));
  }

  @Override
  public DtxConnection connectInstruments() {
    return link.openInstruments();
  }

  @Override
  public InstalledApp lookupApp(String bundleIdentifier) throws IOException {
    try (InstallationProxy apps = InstallationProxy.connect(rsd)) {
      return apps.lookup(null, List.of(bundleIdentifier)).get(bundleIdentifier);
    }
  }

  @Override
  public void writeToAppContainer(String bundleIdentifier, String path, byte[] content) throws IOException {
    throw new IOException("an iOS " + productVersion() + " device reached through RSD reads no configuration file;"
        + " nothing is written into " + bundleIdentifier + "'s container");
  }
}
