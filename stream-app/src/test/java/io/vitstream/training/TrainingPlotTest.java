package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.chart.Charts;
import io.vitstream.testing.Pngs;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training run's PNG: loss on the left, train and test accuracy on the right. */
class TrainingPlotTest {
  private static final int BLUE = Pngs.rgb(Charts.SERIES_COLORS.get(0));
  private static final int RED = Pngs.rgb(Charts.SERIES_COLORS.get(1));

  private static List<EpochResult> history() {
    return List.of(
        new EpochResult(1, 10, 1.2, 0.55, 0.70, 1e-3, 4),
        new EpochResult(2, 10, 0.7, 0.74, 0.80, 2e-3, 4),
        new EpochResult(3, 10, 0.5, 0.82, 0.85, 1e-3, 4));
  }

  @Test
  void shouldDrawLossLeftAndBothAccuraciesRightAtTheRequestedSize(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve(TrainingPlot.FILE_NAME);

    TrainingPlot.write(history(), "tiny", file, 1000, 400);

    BufferedImage img = Pngs.read(file, 1000, 400);
    // the loss chart has one series (the first colour); the accuracy chart two (first and second)
    assertThat(Pngs.colours(img, 0, 500)).contains(BLUE).doesNotContain(RED).hasSizeGreaterThan(20);
    assertThat(Pngs.colours(img, 500, 1000)).contains(BLUE, RED);
  }

  @Test
  void shouldRefuseAnEmptyHistory(@TempDir Path dir) {
    assertThatThrownBy(() -> TrainingPlot.write(List.of(), "tiny", dir.resolve("x.png"), 800, 400))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no epoch to plot");
    assertThat(dir.resolve("x.png")).doesNotExist();
  }
}
