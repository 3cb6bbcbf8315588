package io.vitstream.bench;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import io.vitstream.chart.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;

/**
 * What {@code vitstream bench forward} measured, for its JSON file and its chart of throughput
 * against batch size, one line per thread count.
 *
 * @param model the model's name ({@code tiny}, a variant, or {@code custom})
 * @param geometry the model's geometry
 * @param device where it ran
 * @param precision fp32 or fp16
 * @param cells one per (threads, batch), in the order measured
 */
public record ForwardReport(
    String model, String geometry, String device, String precision, List<Cell> cells) {
  static final int WIDTH = 800;
  static final int HEIGHT = 480;

  /**
   * One (threads, batch) cell.
   *
   * @param passes timed forward passes
   * @param msPerBatchMean mean wall time per pass
   * @param msPerBatchBest the fastest pass
   * @param imagesPerSecond images over the summed pass time
   */
  public record Cell(
      int threads,
      int batch,
      long passes,
      double msPerBatchMean,
      double msPerBatchBest,
      double imagesPerSecond) {}

  public ForwardReport {
    cells = List.copyOf(cells);
  }

  /**
   * Writes the report to {@code json} and its chart beside it, as the same name with {@code .png}.
   *
   * @return the chart's file
   */
  public Path write(Path json) throws IOException {
    Files.writeString(
        json,
        new GsonBuilder()
                .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .setPrettyPrinting()
                .create()
                .toJson(this)
            + "\n");
    Path png =
        json.resolveSibling(json.getFileName().toString().replaceFirst("(\\.json)?$", ".png"));
    XYChart chart =
        Charts.lines(
            "Forward throughput: " + model + ", " + precision + " on " + device,
            "batch size",
            "img/s",
            WIDTH,
            HEIGHT);
    for (int threads : new TreeSet<>(cells.stream().map(Cell::threads).toList())) {
      List<Cell> line =
          cells.stream()
              .filter(c -> c.threads() == threads)
              .sorted((a, b) -> Integer.compare(a.batch(), b.batch()))
              .toList();
      chart.addSeries(
          threads + (threads == 1 ? " thread" : " threads"),
          line.stream().mapToDouble(Cell::batch).toArray(),
          line.stream().mapToDouble(Cell::imagesPerSecond).toArray());
    }
    Charts.write(chart, png);
    return png;
  }
}
