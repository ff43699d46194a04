package dtxkit.samples.cli;

import dtxkit.services.lockdown.InstallProgress;
import java.io.PrintWriter;
import java.util.Locale;

/** How install and uninstall print their progress. */
final class InstallCommand {
  private InstallCommand() {}

  static void progress(PrintWriter out, boolean json, InstallProgress p) {
    if (json) {
      Output.printJson(out, Output.object("status", p.status(), "percent", p.percent() < 0 ? null : p.percent()));
      return;
    }
    out.println(p.percent() < 0 ? p.status() : String.format(Locale.ROOT, "%3d%%  %s", p.percent(), p.status()));
    out.flush();
  }
}
