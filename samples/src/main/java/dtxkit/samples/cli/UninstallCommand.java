package dtxkit.samples.cli;

import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.LockdownServiceException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dtxkit uninstall BUNDLE}: removes an app (installation_proxy {@code Uninstall}), with progress. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
    description = {"Uninstall an app (installation_proxy), printing its progress.",
        "Needs a device reached through usbmuxd (--usb), or --mock."})
final class UninstallCommand extends DeviceCommand {
  @Parameters(index = "0", paramLabel = "BUNDLE", description = "The app's bundle identifier.")
  String bundle;

  @Override
  int run(DeviceSession session, PrintWriter out) throws IOException {
    InstallationProxy proxy = new InstallationProxy(session.startService(InstallationProxy.SERVICE));
    try {
      proxy.uninstall(bundle, p -> InstallCommand.progress(out, json(), p));
    } catch (LockdownServiceException e) {
      throw new CliException("the device did not uninstall " + bundle + ": " + e.error()
          + (e.detail() == null ? "" : " (" + e.detail() + ")"), e);
    }
    return 0;
  }
}
