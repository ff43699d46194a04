package dtxkit.samples.cli;

import dtxkit.runtime.DtxConnection;
import dtxkit.runtime.DtxServiceRegistry;
import dtxkit.runtime.rsd.client.RsdClient;
import dtxkit.services.lockdown.InstalledApp;
import dtxkit.services.xctest.XcTestDevice;
import java.io.IOException;

/**
 * The library's iOS 17+ device ({@link XcTestDevice#rsd(RsdClient)}), with Instruments opened through the CLI's link
 * so that a missing developer image or a dead tunnel is said in the CLI's words.
 */
final class RsdXcTestDevice implements XcTestDevice {
  private final XcTestDevice rsd;
  private final DeviceLink link;

  RsdXcTestDevice(RsdClient rsd, DeviceLink link) {
    this.rsd = XcTestDevice.rsd(rsd);
    this.link = link;
  }

  @Override
  public String productVersion() throws IOException {
    return rsd.productVersion();
  }

  @Override
  public DtxConnection connectTestManager(DtxServiceRegistry registry, String name) throws IOException {
    return rsd.connectTestManager(registry, name);
  }

  @Override
  public DtxConnection connectInstruments() {
    return link.openInstruments();
  }

  @Override
  public InstalledApp lookupApp(String bundleIdentifier) throws IOException {
    return rsd.lookupApp(bundleIdentifier);
  }

  @Override
  public void writeToAppContainer(String bundleIdentifier, String path, byte[] content) throws IOException {
    rsd.writeToAppContainer(bundleIdentifier, path, content);
  }
}
