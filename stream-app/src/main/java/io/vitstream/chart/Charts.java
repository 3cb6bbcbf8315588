package io.vitstream.chart;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts drawn with XChart (headless: java.awt only) and written as PNG: white background,
 * points marked, legend inside the plot, one chart or a row of charts per image.
 */
public final class Charts {
  /** The series' colours, in the order series are added (then again from the first). */
  public static final List<Color> SERIES_COLORS =
      List.of(new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f));

  private Charts() {}

  /**
   * An empty line chart.
   *
   * @param width image width in pixels, at least 200
   * @param height image height in pixels, at least 150
   */
  public static XYChart lines(String title, String xLabel, String yLabel, int width, int height) {
    if (width < 200 || height < 150) {
      throw new IllegalArgumentException("chart too small: " + width + "x" + height);
    }
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    var s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(false);
    s.setPlotGridLinesColor(new Color(0xe0e0e0));
    s.setSeriesColors(SERIES_COLORS.toArray(Color[]::new));
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setLegendBorderColor(new Color(0xe0e0e0));
    s.setAntiAlias(true);
    s.setDecimalPattern("#,##0.###");
    s.setLocale(Locale.ROOT);
    return chart;
  }

  /** Adds a horizontal dashed reference line at {@code y} from {@code x0} to {@code x1}. */
  public static XYSeries reference(XYChart chart, String name, double x0, double x1, double y) {
    XYSeries s = chart.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
    s.setLineStyle(SeriesLines.DASH_DASH);
    s.setMarker(SeriesMarkers.NONE);
    return s;
  }

  /** Writes {@code chart} as a PNG. */
  public static void write(XYChart chart, Path file) throws IOException {
    writeRow(List.of(chart), file);
  }

  /** Writes the charts side by side, left to right, as one PNG. */
  public static void writeRow(List<XYChart> charts, Path file) throws IOException {
    if (charts.isEmpty()) {
      throw new IllegalArgumentException("no chart to write to " + file);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapFormat.PNG);
    }
  }
}
