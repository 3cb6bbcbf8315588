package io.vitstream.demo;

import io.vitstream.avro.ModelStatus;
import io.vitstream.chart.LineChart;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The drift demo as a PNG: accuracy per window against predictions seen, the drifted stretch
 * shaded, and a marker for each promoted, rejected or rolled-back version where its event arrived.
 */
public final class DriftPlot {
  static final LineChart.MarkerKind PROMOTED =
      new LineChart.MarkerKind("promoted", new Color(0x2ca02c));
  static final LineChart.MarkerKind REJECTED =
      new LineChart.MarkerKind("rejected", new Color(0x7f7f7f));
  static final LineChart.MarkerKind ROLLED_BACK =
      new LineChart.MarkerKind("rolled back", new Color(0xd62728));
  private static final Map<ModelStatus, LineChart.MarkerKind> KINDS =
      Map.of(
          ModelStatus.PROMOTED,
          PROMOTED,
          ModelStatus.REJECTED,
          REJECTED,
          ModelStatus.ROLLED_BACK,
          ROLLED_BACK);
  private static final Color DRIFTED = new Color(0xfde8cf);

  private DriftPlot() {}

  /** The default file name, {@code drift-<name>-seed<seed>.png}. */
  public static String defaultFileName(DriftDemo.Options o) {
    return "drift-" + o.drift().cliName() + "-seed" + o.seed() + ".png";
  }

  /** Writes the plot of {@code r}, a run of {@code o}, as a {@code width} x {@code height} PNG. */
  public static void write(DriftResult r, DriftDemo.Options o, Path file, int width, int height)
      throws IOException {
    List<double[]> points = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    String previous = "";
    for (DriftWindow w : r.windows()) {
      points.add(new double[] {w.first() + w.count(), w.accuracy()});
      // the serving version where it changes
      labels.add(w.versions().equals(previous) ? "" : w.versions());
      previous = w.versions();
    }
    var chart =
        new LineChart(
                String.format(
                    "Drift demo: %s, seed %d (accuracy per %d predictions)",
                    o.drift().cliName(), o.seed(), o.window()),
                "predictions seen",
                "accuracy")
            .size(width, height)
            .yMax(1)
            .band(
                o.driftAfter(),
                o.images(),
                DRIFTED,
                o.drift().cliName() + " from " + o.driftAfter())
            .add("accuracy (vN: serving)", points, false, labels);
    for (DriftResult.Arrival a : r.arrivals()) {
      LineChart.MarkerKind kind = KINDS.get(a.version().getStatus());
      if (kind != null) {
        chart.marker(a.seen(), kind, "v" + a.version().getVersion());
      }
    }
    chart.write(file);
  }
}
