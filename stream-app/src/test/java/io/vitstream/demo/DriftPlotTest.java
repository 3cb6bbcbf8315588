package io.vitstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drift demo's PNG. */
class DriftPlotTest {
  @Test
  void shouldDrawAPngOfTheRequestedSizeWithAMarkerColourPerEventKind(@TempDir Path dir)
      throws Exception {
    // Given a run with a rejected, a promoted and a rolled-back version
    DriftResult r =
        DriftResultTest.result(
            2,
            List.of(
                new DriftResult.Arrival(600, DriftResultTest.event(2, ModelStatus.REJECTED)),
                new DriftResult.Arrival(900, DriftResultTest.event(3, ModelStatus.PROMOTED)),
                new DriftResult.Arrival(1200, DriftResultTest.event(3, ModelStatus.ROLLED_BACK))));
    var o =
        new DriftDemo.Options(Drift.SHEAR, 1500, 500, 0.25, 500, 40, 100, Duration.ofSeconds(1), 3);
    Path file = dir.resolve(DriftPlot.defaultFileName(o));

    // When
    DriftPlot.write(r, o, file, 900, 500);

    // Then
    assertThat(file.getFileName().toString()).isEqualTo("drift-shear-seed3.png");
    BufferedImage img = ImageIO.read(file.toFile());
    assertThat(img).isNotNull();
    assertThat(img.getWidth()).isEqualTo(900);
    assertThat(img.getHeight()).isEqualTo(500);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        colours.add(img.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertThat(colours.size()).isGreaterThan(20);
    assertThat(colours)
        .contains(
            DriftPlot.PROMOTED.color().getRGB() & 0xFFFFFF,
            DriftPlot.REJECTED.color().getRGB() & 0xFFFFFF,
            DriftPlot.ROLLED_BACK.color().getRGB() & 0xFFFFFF);
  }

  @Test
  void shouldDrawNoMarkerForAnEventKindThatDidNotHappen(@TempDir Path dir) throws Exception {
    // Given a run with a rejected version only
    DriftResult r =
        DriftResultTest.result(
            1,
            List.of(new DriftResult.Arrival(600, DriftResultTest.event(2, ModelStatus.REJECTED))));
    var o =
        new DriftDemo.Options(Drift.INVERT, 1500, 500, 0.25, 500, 40, 100, Duration.ofSeconds(1));
    Path file = dir.resolve("plot.png");

    // When
    DriftPlot.write(r, o, file, 800, 480);

    // Then grey is there, green and red are not
    BufferedImage img = ImageIO.read(file.toFile());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        colours.add(img.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertThat(colours)
        .contains(DriftPlot.REJECTED.color().getRGB() & 0xFFFFFF)
        .doesNotContain(
            DriftPlot.PROMOTED.color().getRGB() & 0xFFFFFF,
            DriftPlot.ROLLED_BACK.color().getRGB() & 0xFFFFFF);
  }
}
