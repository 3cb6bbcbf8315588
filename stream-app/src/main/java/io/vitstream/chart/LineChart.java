package io.vitstream.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A PNG line chart of a few series, drawn with java.awt only (headless): axes from 0, ticks,
 * labels, points marked and optionally labelled, shaded x bands, vertical event markers, and a
 * legend to the right of the plot.
 */
public final class LineChart {
  private static final int LEFT = 80;
  private static final int TOP = 64;
  private static final int BOTTOM = 60;
  private static final int LEGEND_WIDTH = 200;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f)
  };
  private static final Stroke DASHED =
      new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0);

  /** One named series of (x, y) points; {@code dashed} for a reference line. */
  record Series(String name, List<double[]> points, boolean dashed, List<String> labels) {}

  /** A kind of vertical marker, named once in the legend. */
  public record MarkerKind(String name, Color color) {}

  private record Marker(double x, MarkerKind kind, String label) {}

  private record Band(double from, double to, Color color, String label) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private int width = 800;
  private int height = 480;
  private double yMax = Double.NaN;

  public LineChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** A series; points are {x, y}. */
  public LineChart add(String name, List<double[]> points, boolean dashed) {
    return add(name, points, dashed, List.of());
  }

  /** A series whose points carry text drawn above them (an empty label draws nothing). */
  public LineChart add(String name, List<double[]> points, boolean dashed, List<String> labels) {
    if (!labels.isEmpty() && labels.size() != points.size()) {
      throw new IllegalArgumentException(
          points.size() + " points need as many labels, got " + labels.size());
    }
    series.add(new Series(name, points, dashed, labels));
    return this;
  }

  /** A vertical line at {@code x} in the kind's colour, with a short label at its top. */
  public LineChart marker(double x, MarkerKind kind, String label) {
    markers.add(new Marker(x, kind, label));
    return this;
  }

  /** A shaded x range behind the series, labelled at its top left. */
  public LineChart band(double from, double to, Color color, String label) {
    bands.add(new Band(from, to, color, label));
    return this;
  }

  /** The image size in pixels (800 x 480 unless set). */
  public LineChart size(int width, int height) {
    if (width < LEFT + LEGEND_WIDTH + 100 || height < TOP + BOTTOM + 100) {
      throw new IllegalArgumentException("chart too small: " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    return this;
  }

  /** A fixed top of the y axis (otherwise 1.1 x the largest y, rounded up). */
  public LineChart yMax(double yMax) {
    if (!(yMax > 0)) {
      throw new IllegalArgumentException("y max must be > 0, got " + yMax);
    }
    this.yMax = yMax;
    return this;
  }

  public void write(Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double xMax =
        roundUp(
            Stream.of(
                    series.stream().flatMap(s -> s.points().stream()).map(p -> p[0]),
                    markers.stream().map(Marker::x),
                    bands.stream().map(Band::to))
                .flatMap(s -> s)
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(1));
    double top =
        Double.isNaN(yMax)
            ? roundUp(
                1.1
                    * series.stream()
                        .flatMap(s -> s.points().stream())
                        .mapToDouble(p -> p[1])
                        .max()
                        .orElse(1))
            : yMax;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, 26);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    var area = new Area(LEFT, height - BOTTOM, width - LEFT - LEGEND_WIDTH, height - TOP - BOTTOM);
    var scale = new Scale(area, xMax, top);
    for (Band b : bands) {
      g.setColor(b.color());
      g.fillRect(
          scale.x(b.from()), area.y0() - area.h(), scale.x(b.to()) - scale.x(b.from()), area.h());
      g.setColor(Color.DARK_GRAY);
      g.drawString(b.label(), scale.x(b.from()) + 4, area.y0() - area.h() + 14);
    }
    drawAxes(g, area, xMax, top);
    drawMarkers(g, area, scale);
    for (int s = 0; s < series.size(); s++) {
      drawSeries(g, series.get(s), COLORS[s % COLORS.length], scale);
    }
    drawLegend(g, area);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  /** The plot area: origin (x0, y0) at the bottom left, w wide, h high. */
  private record Area(int x0, int y0, int w, int h) {}

  private record Scale(Area a, double xMax, double yMax) {
    int x(double v) {
      return a.x0() + (int) (a.w() * v / xMax);
    }

    int y(double v) {
      return a.y0() - (int) (a.h() * v / yMax);
    }
  }

  private void drawAxes(Graphics2D g, Area a, double xMax, double top) {
    var scale = new Scale(a, xMax, top);
    for (double v = 0; v <= top * (1 + 1e-9); v += step(top)) {
      int y = scale.y(v);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(a.x0(), y, a.x0() + a.w(), y);
      g.setColor(Color.BLACK);
      g.drawString(label(v), 10, y + 4);
    }
    for (double v = 0; v <= xMax * (1 + 1e-9); v += step(xMax)) {
      String text = label(v);
      g.drawString(text, scale.x(v) - g.getFontMetrics().stringWidth(text) / 2, a.y0() + 18);
    }
    g.drawLine(a.x0(), a.y0(), a.x0() + a.w(), a.y0());
    g.drawLine(a.x0(), a.y0(), a.x0(), a.y0() - a.h());
    g.drawString(xLabel, a.x0() + a.w() / 2 - 40, height - 15);
    g.drawString(yLabel, 10, TOP - 12);
  }

  private void drawMarkers(Graphics2D g, Area a, Scale scale) {
    for (Marker m : markers) {
      int x = scale.x(m.x());
      int yTop = a.y0() - a.h();
      g.setColor(m.kind().color());
      g.setStroke(DASHED);
      g.drawLine(x, a.y0(), x, yTop);
      g.setStroke(new BasicStroke(1));
      g.fillPolygon(new int[] {x - 6, x + 6, x}, new int[] {yTop - 10, yTop - 10, yTop}, 3);
      g.drawString(m.label(), x + 4, yTop - 12);
    }
  }

  private void drawSeries(Graphics2D g, Series ser, Color color, Scale scale) {
    g.setColor(color);
    g.setStroke(ser.dashed() ? DASHED : new BasicStroke(2));
    int[] px = new int[ser.points().size()];
    int[] py = new int[px.length];
    for (int i = 0; i < px.length; i++) {
      px[i] = scale.x(ser.points().get(i)[0]);
      py[i] = scale.y(ser.points().get(i)[1]);
      if (!ser.dashed()) {
        g.fillOval(px[i] - 4, py[i] - 4, 8, 8);
      }
      if (!ser.labels().isEmpty()) {
        g.drawString(ser.labels().get(i), px[i] - 8, py[i] - 8);
      }
    }
    g.drawPolyline(px, py, px.length);
    g.setStroke(new BasicStroke(1));
  }

  private void drawLegend(Graphics2D g, Area a) {
    int x = a.x0() + a.w() + 20;
    int y = TOP + 10;
    for (int s = 0; s < series.size(); s++, y += 20) {
      g.setColor(COLORS[s % COLORS.length]);
      g.fillRect(x, y - 8, 16, 4);
      g.setColor(Color.BLACK);
      g.drawString(series.get(s).name(), x + 22, y);
    }
    Set<MarkerKind> kinds = new LinkedHashSet<>();
    markers.forEach(m -> kinds.add(m.kind()));
    for (MarkerKind k : kinds) {
      g.setColor(k.color());
      g.fillPolygon(new int[] {x + 2, x + 14, x + 8}, new int[] {y - 10, y - 10, y}, 3);
      g.setColor(Color.BLACK);
      g.drawString(k.name(), x + 22, y);
      y += 20;
    }
    for (Band b : bands) {
      g.setColor(b.color());
      g.fillRect(x, y - 10, 16, 10);
      g.setColor(Color.BLACK);
      g.drawString(b.label(), x + 22, y);
      y += 20;
    }
  }

  private static String label(double v) {
    return v >= 10 || v == 0
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }

  /**
   * The tick step for an axis up to {@code max}: 1, 2 or 5 times a power of ten, 5 ticks at most.
   */
  private static double step(double max) {
    return nice(max / 5);
  }

  /** {@code v} rounded up to a multiple of its tick step. */
  private static double roundUp(double v) {
    double step = step(Math.max(v, 1e-9));
    return Math.ceil(v / step - 1e-9) * step;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  private static double nice(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
