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
    // The directory first: a screenshot is not taken only to be lost for want of a place to put it.
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      try {
        Files.createDirectories(parent);
      } catch (java.io.IOException e) {
        throw new CliException("cannot create the directory " + parent + " for the screenshot: " + reason(e), e);
      }
      if (spec != null) {
        spec.commandLine().getErr().println("dtxkit: created the directory " + parent);
      }
    }
    if (Files.isDirectory(file)) {
      throw new CliException("cannot write the screenshot to " + file.toAbsolutePath() + ": it is a directory;"
          + " give a file name, e.g. " + file.resolve("screenshot.png"));
    }
    byte[] image;
    // The device sends the whole image in one reply: on a terminal, show that something is happening meanwhile.
    try (Progress progress = new Progress(spec != null ? spec.commandLine().getErr() : new PrintWriter(
        java.io.Writer.nullWriter()), "screenshot", -1, Progress.onTerminal()).tickWhileWaiting()) {
      image = session.instruments().open(Screenshot.class).takeScreenshot();
    }
    ImageFormat format = ImageFormat.of(image);
    try {
      Files.write(file, image);
    } catch (java.io.IOException e) {
      // Keep what the device sent: write it where it can be written, and say so.
      Path kept = Files.createTempFile("dtxkit-screenshot-", "." + format.extension());
      Files.write(kept, image);
      throw new CliException("cannot write the screenshot to " + file.toAbsolutePath() + ": " + reason(e)
          + "; it is saved in " + kept + " instead", e);
    }
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

  /** Why a file operation failed, in words (Java's own messages are often only the path). */
  static String reason(java.io.IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file is in the way (" + ((java.nio.file.FileSystemException) e).getFile() + " is not a directory)";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
