package dtxkit.samples.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A chart of a streaming command's run (drawn with JFreeChart): one or more panels stacked over a shared time axis
 * in seconds, each with named line series. Commands add points as samples arrive and write a PNG when the run ends.
 * Not thread-safe: fed and written by the command's thread.
 */
final class TimeChart {
  /** Default image size. */
  static final int WIDTH = 1200;
  static final int HEIGHT = 800;

  private final String title;
  private final Map<String, Panel> panels = new LinkedHashMap<>();
  private int points;

  private record Panel(String axisLabel, Map<String, XYSeries> series) {}

  TimeChart(String title) {
    this.title = title;
  }

  /** Declares a panel (in display order, top first) with its y-axis label. */
  TimeChart panel(String name, String axisLabel) {
    panels.putIfAbsent(name, new Panel(axisLabel, new LinkedHashMap<>()));
    return this;
  }

  /** Adds one point; NaN values are skipped (the device did not measure them). */
  void add(String panel, String series, double seconds, double value) {
    if (Double.isNaN(value)) {
      return;
    }
    Panel p = panels.get(panel);
    if (p == null) {
      throw new IllegalArgumentException("no panel " + panel);
    }
    p.series().computeIfAbsent(series, s -> new XYSeries(s, false, true)).add(seconds, value);
    points++;
  }

  /** How many points were added. */
  int points() {
    return points;
  }

  /** The series names of a panel, in the order they were first added. */
  List<String> series(String panel) {
    return new ArrayList<>(panels.get(panel).series().keySet());
  }

  /** Removes all but {@code keep} series from a panel (those not kept are dropped). */
  void retain(String panel, java.util.Collection<String> keep) {
    panels.get(panel).series().keySet().retainAll(keep);
  }

  /**
   * Draws the chart to {@code file} as PNG, creating its directory.
   *
   * @throws IOException when the file cannot be written
   */
  void writePng(Path file, int width, int height) throws IOException {
    NumberAxis time = new NumberAxis("seconds since start");
    time.setAutoRangeIncludesZero(true);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
    plot.setGap(12);
    for (Panel p : panels.values()) {
      XYSeriesCollection data = new XYSeriesCollection();
      p.series().values().forEach(data::addSeries);
      NumberAxis axis = new NumberAxis(p.axisLabel());
      axis.setAutoRangeIncludesZero(true);
      XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
      for (int i = 0; i < data.getSeriesCount(); i++) {
        renderer.setSeriesStroke(i, new BasicStroke(i == 0 ? 2.5f : 1.5f));
      }
      XYPlot sub = new XYPlot(data, null, axis, renderer);
      sub.setBackgroundPaint(Color.WHITE);
      sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
      sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
      plot.add(sub, 1);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
  }
}
