package io.vitstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.chart.Charts;
import io.vitstream.testing.Pngs;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench pipeline --sweep}'s three charts. */
class SweepTest {
  @Test
  void shouldDrawCapacityLatencyAndDelayChartsBesideTheJson(@TempDir Path dir) throws Exception {
    // Given a sweep of three points per axis
    Sweep sweep =
        new Sweep(
            List.of(new double[] {1, 400}, new double[] {8, 1500}, new double[] {32, 2100}),
            List.of(new double[] {1, 1200}, new double[] {5, 1900}, new double[] {20, 2100}),
            List.of(
                new LatencyPoint(500, 500, 12, 30, 2, 4),
                new LatencyPoint(1000, 990, 15, 45, 3, 8),
                new LatencyPoint(1800, 1700, 40, 160, 5, 16)),
            60);

    // When
    sweep.writeCharts(dir, "bench-pipeline");

    // Then each decodes at its size; latency shows p50 and p99 in the first two colours
    for (String chart : List.of("throughput", "delay")) {
      BufferedImage img = Pngs.read(dir.resolve("bench-pipeline-" + chart + ".png"), 800, 480);
      assertThat(Pngs.colours(img, 0, 800))
          .hasSizeGreaterThan(20)
          .contains(Pngs.rgb(Charts.SERIES_COLORS.get(0)));
    }
    BufferedImage latency = Pngs.read(dir.resolve("bench-pipeline-latency.png"), 800, 480);
    assertThat(Pngs.colours(latency, 0, 800))
        .contains(
            Pngs.rgb(Charts.SERIES_COLORS.get(0)),
            Pngs.rgb(Charts.SERIES_COLORS.get(1)),
            Pngs.rgb(Charts.SERIES_COLORS.get(2)));
  }
}
