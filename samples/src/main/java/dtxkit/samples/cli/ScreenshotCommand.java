package dtxkit.samples.cli;

import dtxkit.services.screenshot.ImageFormat;
import dtxkit.services.screenshot.Screenshot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dtxkit screenshot -o FILE}: the screen as PNG (or TIFF, as some devices send), written to a file. */
@Command(name = "screenshot", mixinStandardHelpOptions = true, description = "Save a screenshot to a file.")
final class ScreenshotCommand extends DeviceCommand {
  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the image.")
  Path file;

  @Override
  int run(DeviceSession session, PrintWriter out) throws java.io.IOException {
    byte[] image = session.instruments().open(Screenshot.class).takeScreenshot();
    ImageFormat format = ImageFormat.of(image);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, image);
    if (json()) {
      Output.printJson(out, Output.object("file", file.toAbsolutePath().toString(), "bytes", image.length,
          "format", format.name()));
    } else {
      out.println("wrote " + image.length + " bytes (" + format + ") to " + file.toAbsolutePath());
      if (format != ImageFormat.UNKNOWN && !file.toString().endsWith("." + format.extension())) {
        out.println("note: the device sent " + format + "; consider the ." + format.extension() + " extension");
      }
    }
    out.flush();
    return 0;
  }
}
