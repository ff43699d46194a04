package dtxkit.samples.cli;

import dtxkit.services.lockdown.AfcClient;
import dtxkit.services.lockdown.InstallProgress;
import dtxkit.services.lockdown.InstallationProxy;
import dtxkit.services.lockdown.LockdownServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dtxkit install APP.ipa}: uploads the package to {@code PublicStaging} (AFC) and installs it
 * (installation_proxy {@code Install}), printing the progress, as every installer does.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Install an .ipa: upload it to PublicStaging (AFC), then installation_proxy Install, with progress.",
        "Needs a device reached through usbmuxd (--usb), or --mock."})
final class InstallCommand extends DeviceCommand {
  @Parameters(index = "0", paramLabel = "APP.ipa", description = "The signed package.")
  Path ipa;

  @Override
  void validate() {
    if (!Files.isRegularFile(ipa)) {
      throw usage(ipa + " is not a file");
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws IOException {
    String staged = "PublicStaging/" + ipa.getFileName();
    long size = Files.size(ipa);
    try (AfcClient afc = new AfcClient(session.startService(AfcClient.SERVICE));
        InputStream in = Files.newInputStream(ipa)) {
      afc.makeDirectory("PublicStaging");
      if (json()) {
        long[] shown = {-1};
        afc.upload(staged, in, size, sent -> {
          long percent = size == 0 ? 100 : sent * 100 / size;
          if (percent / 10 != shown[0] / 10) {
            progress(out, true, new InstallProgress("Uploading", (int) percent));
            shown[0] = percent;
          }
        });
      } else {
        // A bar redrawn in place on a terminal, a line per tenth when piped; on standard error either way.
        try (Progress progress = new Progress(spec.commandLine().getErr(), "uploading " + ipa.getFileName(), size,
            Progress.onTerminal())) {
          afc.upload(staged, in, size, progress::update);
        }
        out.println("uploaded " + ipa.getFileName() + " (" + Progress.size(size) + ") to " + staged);
      }
    }
    InstallationProxy proxy = new InstallationProxy(session.startService(InstallationProxy.SERVICE));
    try {
      proxy.install(staged, p -> progress(out, json(), p));
    } catch (LockdownServiceException e) {
      throw new CliException("the device did not install " + ipa.getFileName() + ": " + e.error()
          + (e.detail() == null ? "" : " (" + e.detail() + ")"), e);
    }
    return 0;
  }

  static void progress(PrintWriter out, boolean json, InstallProgress p) {
    if (json) {
      Output.printJson(out, Output.object("status", p.status(), "percent", p.percent() < 0 ? null : p.percent()));
      return;
    }
    out.println(p.percent() < 0 ? p.status() : String.format(Locale.ROOT, "%3d%%  %s", p.percent(), p.status()));
    out.flush();
  }
}
