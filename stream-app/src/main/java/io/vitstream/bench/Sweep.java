package io.vitstream.bench;

import io.vitstream.chart.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * The pipeline's capacity against batch size and against {@code max.batch.delay.ms}, and its
 * latency against offered load, each point a phase of its own run.
 *
 * @param byBatchSize (batch size, img/s) at the configured delay
 * @param byDelay (delay ms, img/s) at the configured batch size
 * @param byLoad latency at shares of the measured capacity
 * @param goalMs the latency goal at half load (delay + 2 x forward per batch)
 */
public record Sweep(
    List<double[]> byBatchSize, List<double[]> byDelay, List<LatencyPoint> byLoad, double goalMs) {

  static final int WIDTH = 800;
  static final int HEIGHT = 480;

  /**
   * Writes the three charts: {@code <prefix>-throughput.png}, {@code <prefix>-latency.png} and
   * {@code <prefix>-delay.png}.
   */
  public void writeCharts(Path dir, String prefix) throws IOException {
    XYChart capacity =
        Charts.lines(
            "Pipeline capacity (backlog, steady state)", "batch size", "img/s", WIDTH, HEIGHT);
    capacity.addSeries("by max.batch.size", xs(byBatchSize), ys(byBatchSize));
    Charts.write(capacity, dir.resolve(prefix + "-throughput.png"));
    XYChart latency =
        Charts.lines(
            "Latency against offered load",
            "offered img/s",
            "ms (event to read_committed)",
            WIDTH,
            HEIGHT);
    double[] offered = byLoad.stream().mapToDouble(LatencyPoint::offered).toArray();
    latency.addSeries("p50", offered, byLoad.stream().mapToDouble(LatencyPoint::p50Ms).toArray());
    latency.addSeries("p99", offered, byLoad.stream().mapToDouble(LatencyPoint::p99Ms).toArray());
    double maxLoad = Arrays.stream(offered).max().orElse(1);
    Charts.reference(latency, "goal: delay + 2 x forward", 0, maxLoad, goalMs);
    Charts.write(latency, dir.resolve(prefix + "-latency.png"));
    XYChart delay =
        Charts.lines(
            "Pipeline capacity against max.batch.delay.ms",
            "max.batch.delay.ms",
            "img/s",
            WIDTH,
            HEIGHT);
    delay.addSeries("by delay", xs(byDelay), ys(byDelay));
    Charts.write(delay, dir.resolve(prefix + "-delay.png"));
  }

  private static double[] xs(List<double[]> points) {
    return points.stream().mapToDouble(p -> p[0]).toArray();
  }

  private static double[] ys(List<double[]> points) {
    return points.stream().mapToDouble(p -> p[1]).toArray();
  }
}
