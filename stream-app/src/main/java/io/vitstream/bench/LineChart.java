package io.vitstream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG line chart of a few series, drawn with java.awt only (headless): axes from 0, ticks,
 * labels, a legend, points marked.
 */
final class LineChart {
  private static final int W = 800;
  private static final int H = 480;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f)
  };

  /** One named series of (x, y) points; {@code dashed} for a reference line. */
  record Series(String name, List<double[]> points, boolean dashed) {}

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();

  LineChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  LineChart add(String name, List<double[]> points, boolean dashed) {
    series.add(new Series(name, points, dashed));
    return this;
  }

  void write(Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double xMax =
        nice(
            series.stream()
                .flatMap(s -> s.points().stream())
                .mapToDouble(p -> p[0])
                .max()
                .orElse(1));
    double yMax =
        nice(
            1.1
                * series.stream()
                    .flatMap(s -> s.points().stream())
                    .mapToDouble(p -> p[1])
                    .max()
                    .orElse(1));
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int x0 = LEFT;
    int y0 = H - BOTTOM;
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    for (int i = 0; i <= 5; i++) {
      int y = y0 - ph * i / 5;
      int x = x0 + pw * i / 5;
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(x0, y, x0 + pw, y);
      g.setColor(Color.BLACK);
      g.drawString(label(yMax * i / 5), 10, y + 4);
      g.drawString(label(xMax * i / 5), x - 10, y0 + 18);
    }
    g.drawLine(x0, y0, x0 + pw, y0);
    g.drawLine(x0, y0, x0, y0 - ph);
    g.drawString(xLabel, x0 + pw / 2 - 40, H - 15);
    g.drawString(yLabel, 10, TOP - 12);
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      g.setColor(COLORS[s % COLORS.length]);
      g.setStroke(
          ser.dashed()
              ? new BasicStroke(
                  2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0)
              : new BasicStroke(2));
      int[] px = new int[ser.points().size()];
      int[] py = new int[px.length];
      for (int i = 0; i < px.length; i++) {
        px[i] = x0 + (int) (pw * ser.points().get(i)[0] / xMax);
        py[i] = y0 - (int) (ph * ser.points().get(i)[1] / yMax);
        if (!ser.dashed()) {
          g.fillOval(px[i] - 4, py[i] - 4, 8, 8);
        }
      }
      g.drawPolyline(px, py, px.length);
      g.drawString(ser.name(), x0 + pw - 230, TOP + 18 * s + 10);
    }
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static String label(double v) {
    return v >= 10 || v == 0
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
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
