package dtxkit.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --chart} images (size, not blank) and the progress display (in place on a terminal, lines when piped). */
class ChartsAndProgressTest {
  @TempDir Path dir;

  @BeforeEach
  void hostUuid() {
    System.setProperty("dtxkit.hostUuidFile", dir.resolve("host-uuid").toString());
  }

  @AfterEach
  void clear() {
    System.clearProperty("dtxkit.hostUuidFile");
  }

  /** The image's size, and how many distinct colours its plot area holds (a blank chart has one or two). */
  static void assertAChart(Path png) throws IOException {
    assertTrue(Files.size(png) > 10_000, "a PNG of some substance: " + Files.size(png) + " bytes");
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(TimeChart.WIDTH, image.getWidth());
    assertEquals(TimeChart.HEIGHT, image.getHeight());
    Set<Integer> colours = new HashSet<>();
    int nonWhite = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        if (rgb != 0xFFFFFF) {
          nonWhite++;
        }
      }
    }
    assertTrue(colours.size() > 20, "lines in several colours, not a blank image: " + colours.size() + " colours");
    assertTrue(nonWhite > 2_000, "drawn pixels: " + nonWhite);
  }

  @Test
  void sysmonChart() throws IOException {
    Path png = dir.resolve("charts/sysmon.png");
    CliRunner.Result r = CliRunner.run("sysmon", "--mock", "--interval", "50", "--count", "6", "--chart",
        png.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("wrote the chart of the run to " + png.toAbsolutePath()), r.err());
    assertAChart(png);
  }

  @Test
  void energyChart() throws IOException {
    Path png = dir.resolve("energy.png");
    CliRunner.Result r = CliRunner.run("energy", "1", "--mock", "--interval", "50", "--count", "4", "--chart",
        png.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertAChart(png);
  }

  @Test
  void graphicsChart() throws IOException {
    Path png = dir.resolve("fps.png");
    CliRunner.Result r = CliRunner.run("graphics", "--mock", "--interval", "50", "--count", "5", "--chart",
        png.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(5, r.lines().size(), r.out());
    assertTrue(r.lines().get(0).matches("fps +[\\d.]+  gpu device +[\\d.]+%  renderer +[\\d.]+%  tiler +[\\d.]+%"),
        r.out());
    assertAChart(png);
  }

  @Test
  void demoWritesAChartAndSaysWhere() throws IOException {
    Path shot = dir.resolve("shot.png");
    CliRunner.Result r = CliRunner.run("demo", "-o", shot.toString(), "--sysmon-seconds", "1");
    assertEquals(0, r.exitCode(), r.err());
    Path chart = dir.resolve("dtxkit-demo-sysmon.png");
    assertTrue(r.out().contains("A chart of this run (system CPU, the busiest processes' CPU and memory): "
        + chart.toAbsolutePath()), r.out());
    assertAChart(chart);
  }

  @Test
  void progressRedrawsInPlaceOnATerminal() {
    StringWriter text = new StringWriter();
    try (Progress p = new Progress(new PrintWriter(text), "upload", 4 * 1024 * 1024, true)) {
      p.update(0);
      p.update(4 * 1024 * 1024);
    }
    String drawn = text.toString();
    assertTrue(drawn.contains("\r\033[Kupload [" + ".".repeat(30) + "]   0% 0 B of 4.0 MiB"), drawn);
    assertTrue(drawn.contains("upload [" + "#".repeat(30) + "] 100% 4.0 MiB of 4.0 MiB"), drawn);
    assertTrue(drawn.endsWith("\r\033[K"), "the line is cleared for the command's own result");
    assertFalse(drawn.contains("\n"), "one line, redrawn");
  }

  @Test
  void progressPrintsPlainLinesWhenPiped() {
    StringWriter text = new StringWriter();
    try (Progress p = new Progress(new PrintWriter(text), "upload", 1000, false)) {
      for (int done = 0; done <= 1000; done += 10) {
        p.update(done);
      }
    }
    String[] lines = text.toString().split("\\R");
    assertEquals(11, lines.length, text.toString());
    assertEquals("upload: 0 B of 1000 B (0%)", lines[0]);
    assertEquals("upload: 500 B of 1000 B (50%)", lines[5]);
    assertEquals("upload: 1000 B of 1000 B (100%)", lines[10]);
    assertFalse(text.toString().contains("\033"), "no escape sequences in a pipe");
    StringWriter unknown = new StringWriter();
    try (Progress p = new Progress(new PrintWriter(unknown), "screenshot", -1, false).tickWhileWaiting()) {
      p.update(-1);
    }
    assertEquals("", unknown.toString(), "nothing to say in a pipe while the size is unknown");
  }
}
