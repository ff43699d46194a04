package dtxkit.samples.cli;

import dtxkit.services.lockdown.ImageMounter;
import dtxkit.services.lockdown.LockdownServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dtxkit mount IMAGE SIGNATURE}: mounts the developer disk image of iOS 16 and earlier
 * ({@code DeveloperDiskImage.dmg} and its {@code .signature} from Xcode's {@code DeviceSupport} folder for the
 * device's iOS version), which Instruments needs.
 */
@Command(name = "mount", mixinStandardHelpOptions = true,
    description = {"Mount the developer disk image (iOS 16 and earlier): DeveloperDiskImage.dmg and its .signature,",
        "from Xcode's DeviceSupport/<iOS version>/ folder. Needs a device reached through usbmuxd (--usb)."})
final class MountCommand extends DeviceCommand {
  @Parameters(index = "0", paramLabel = "IMAGE", description = "DeveloperDiskImage.dmg")
  Path image;

  @Parameters(index = "1", paramLabel = "SIGNATURE", description = "DeveloperDiskImage.dmg.signature")
  Path signature;

  @Override
  void validate() {
    for (Path p : new Path[] {image, signature}) {
      if (!Files.isRegularFile(p)) {
        throw usage(p + " is not a file");
      }
    }
  }

  @Override
  int run(DeviceSession session, PrintWriter out) throws IOException {
    byte[] sig;
    long size;
    try {
      sig = Files.readAllBytes(signature);
      size = Files.size(image);
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read " + e.getFile() + ": no such file", e, 2);
    }
    ImageMounter mounter = new ImageMounter(session.startService(ImageMounter.SERVICE));
    boolean mounted;
    // A bar redrawn in place on a terminal, a line per tenth when piped; on standard error, none with --json.
    try (InputStream in = Files.newInputStream(image);
        Progress progress = new Progress(json() ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getErr(),
            "uploading " + image.getFileName(), size, Progress.onTerminal())) {
      mounted = mounter.mount(ImageMounter.DEVELOPER, in, size, sig, progress::update);
      mounter.hangup();
    } catch (LockdownServiceException e) {
      throw new CliException("the device did not mount " + image + ": " + e.error()
          + (e.detail() == null ? "" : " (" + e.detail() + ")")
          + "; check that the image is the one for the device's iOS version (" + session.link().osVersion() + ")",
          e);
    }
    if (json()) {
      Output.printJson(out, Output.object("mounted", true, "alreadyMounted", !mounted));
    } else {
      out.println(mounted ? "mounted the developer disk image" : "a developer disk image is already mounted");
    }
    return 0;
  }
}
