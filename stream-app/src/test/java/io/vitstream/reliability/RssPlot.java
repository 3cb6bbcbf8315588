package io.vitstream.reliability;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * An RSS series as CSV and as a PNG line chart (RSS in MiB against images processed), drawn with
 * java.awt only. The y axis starts at 0, so a flat line looks flat at its true scale.
 */
final class RssPlot {
  private static final int WIDTH = 960;
  private static final int HEIGHT = 540;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;

  private RssPlot() {}

  /** {@code seconds,images,rss_mib}, one sample a line. */
  static void writeCsv(List<RssSample> samples, Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("seconds,images,rss_mib");
    for (RssSample s : samples) {
      lines.add(String.format(Locale.ROOT, "%.1f,%d,%.1f", s.seconds(), s.images(), s.rssMib()));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /**
   * Draws the series.
   *
   * @param images the images of the whole run: its first quarter is shaded as warm-up, and the leak
   *     bound drawn over its last quarter
   * @param limitMib the leak bound for the last quarter's median RSS
   */
  static void writePng(
      List<RssSample> samples, String title, int images, double limitMib, Path file)
      throws IOException {
    double maxRss = samples.stream().mapToDouble(RssSample::rssMib).max().orElse(1);
    double xMax = niceCeil(images);
    double yMax = niceCeil(Math.max(maxRss, limitMib) * 1.1);
    var frame = new Frame(xMax, yMax);

    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));

      // warm-up: shaded, not measured
      g.setColor(new Color(236, 236, 236));
      int warm = frame.x(images / 4.0);
      g.fillRect(LEFT, TOP, warm - LEFT, HEIGHT - TOP - BOTTOM);
      g.setColor(Color.GRAY);
      g.drawString("warm-up", LEFT + 8, TOP + 18);

      grid(g, frame);

      // the leak bound
      g.setColor(new Color(200, 40, 40));
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
      int limitY = frame.y(limitMib);
      int lastQuarter = frame.x(images * 0.75);
      g.drawLine(lastQuarter, limitY, frame.x(images), limitY);
      String bound = "leak bound (last quarter's median)";
      g.drawString(bound, frame.x(images) - g.getFontMetrics().stringWidth(bound), limitY - 6);

      // the series
      g.setColor(new Color(31, 90, 180));
      g.setStroke(new BasicStroke(2f));
      Path2D line = new Path2D.Double();
      for (int i = 0; i < samples.size(); i++) {
        RssSample s = samples.get(i);
        if (i == 0) {
          line.moveTo(frame.x(s.images()), frame.y(s.rssMib()));
        } else {
          line.lineTo(frame.x(s.images()), frame.y(s.rssMib()));
        }
      }
      g.draw(line);

      labels(g, title);
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  /** Axes, grid lines and tick labels. */
  private static void grid(Graphics2D g, Frame frame) {
    FontMetrics fm = g.getFontMetrics();
    g.setStroke(new BasicStroke(1f));
    double xStep = step(frame.xMax());
    for (double v = 0; v <= frame.xMax() + 1e-9; v += xStep) {
      int x = frame.x(v);
      g.setColor(new Color(215, 215, 215));
      g.drawLine(x, TOP, x, HEIGHT - BOTTOM);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%,d", Math.round(v));
      g.drawString(label, x - fm.stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
    }
    double yStep = step(frame.yMax());
    for (double v = 0; v <= frame.yMax() + 1e-9; v += yStep) {
      int y = frame.y(v);
      g.setColor(new Color(215, 215, 215));
      g.drawLine(LEFT, y, WIDTH - RIGHT, y);
      g.setColor(Color.DARK_GRAY);
      String label = String.format(Locale.ROOT, "%d", Math.round(v));
      g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.BLACK);
    g.drawLine(LEFT, TOP, LEFT, HEIGHT - BOTTOM);
    g.drawLine(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM);
  }

  private static void labels(Graphics2D g, String title) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
    FontMetrics tm = g.getFontMetrics();
    g.drawString(title, (WIDTH - tm.stringWidth(title)) / 2, TOP - 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    FontMetrics fm = g.getFontMetrics();
    String xLabel = "images processed";
    int plotMid = LEFT + (WIDTH - LEFT - RIGHT) / 2;
    g.drawString(xLabel, plotMid - fm.stringWidth(xLabel) / 2, HEIGHT - 22);
    String yLabel = "RSS of the app process (MiB)";
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    int yMid = TOP + (HEIGHT - TOP - BOTTOM) / 2;
    g.drawString(yLabel, -yMid - fm.stringWidth(yLabel) / 2, 28);
    g.setTransform(saved);
  }

  /** A tick step of 1, 2 or 5 times a power of ten, giving 4 to 10 ticks over [0, max]. */
  static double step(double max) {
    double raw = max / 6;
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * pow >= raw) {
        return m * pow;
      }
    }
    return 10 * pow;
  }

  /** The smallest multiple of {@link #step} at or above {@code v}. */
  static double niceCeil(double v) {
    double s = step(Math.max(v, 1));
    return Math.ceil(v / s) * s;
  }

  /** Data to pixel coordinates inside the plot area. */
  private record Frame(double xMax, double yMax) {
    int x(double images) {
      return LEFT + (int) Math.round(images / xMax * (WIDTH - LEFT - RIGHT));
    }

    int y(double mib) {
      return HEIGHT - BOTTOM - (int) Math.round(mib / yMax * (HEIGHT - TOP - BOTTOM));
    }
  }
}
