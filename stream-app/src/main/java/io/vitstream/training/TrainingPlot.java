package io.vitstream.training;

import io.vitstream.chart.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * A training run as a PNG: the training loss per epoch on the left, train and test accuracy per
 * epoch on the right.
 */
public final class TrainingPlot {
  /** The file name in the checkpoint folder, beside {@code state.json}. */
  public static final String FILE_NAME = "training.png";

  private TrainingPlot() {}

  /**
   * Writes the plot of {@code history}.
   *
   * @param history at least one epoch, in order
   * @param title the model, as the plot names it
   * @param width the whole image's width in pixels (each chart takes half)
   * @param height the image's height in pixels
   */
  public static void write(
      List<EpochResult> history, String title, Path file, int width, int height)
      throws IOException {
    if (history.isEmpty()) {
      throw new IllegalArgumentException("no epoch to plot");
    }
    double[] epochs = history.stream().mapToDouble(EpochResult::epoch).toArray();
    XYChart loss = Charts.lines(title + ": loss", "epoch", "training loss", width / 2, height);
    loss.addSeries(
        "train loss", epochs, history.stream().mapToDouble(EpochResult::trainLoss).toArray());
    XYChart accuracy =
        Charts.lines(title + ": accuracy", "epoch", "accuracy", width - width / 2, height);
    accuracy.addSeries(
        "train (augmented)",
        epochs,
        history.stream().mapToDouble(EpochResult::trainAccuracy).toArray());
    accuracy.addSeries(
        "test", epochs, history.stream().mapToDouble(EpochResult::testAccuracy).toArray());
    accuracy.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    Charts.writeRow(List.of(loss, accuracy), file);
  }
}
