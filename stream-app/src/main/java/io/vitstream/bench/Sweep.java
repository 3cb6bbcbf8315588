package io.vitstream.bench;

import io.vitstream.chart.LineChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  /** Writes the two charts, {@code <prefix>-throughput.png} and {@code <prefix>-latency.png}. */
  public void writeCharts(Path dir, String prefix) throws IOException {
    new LineChart("Pipeline capacity (backlog, steady state)", "batch size", "img/s")
        .add("by max.batch.size", byBatchSize, false)
        .write(dir.resolve(prefix + "-throughput.png"));
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    for (LatencyPoint l : byLoad) {
      p50.add(new double[] {l.offered(), l.p50Ms()});
      p99.add(new double[] {l.offered(), l.p99Ms()});
    }
    double maxLoad = byLoad.stream().mapToDouble(LatencyPoint::offered).max().orElse(1);
    new LineChart("Latency against offered load", "offered img/s", "ms (event to read_committed)")
        .add("p50", p50, false)
        .add("p99", p99, false)
        .add(
            "goal: delay + 2 x forward",
            List.of(new double[] {0, goalMs}, new double[] {maxLoad, goalMs}),
            true)
        .write(dir.resolve(prefix + "-latency.png"));
    new LineChart("Pipeline capacity against max.batch.delay.ms", "max.batch.delay.ms", "img/s")
        .add("by delay", byDelay, false)
        .write(dir.resolve(prefix + "-delay.png"));
  }
}
