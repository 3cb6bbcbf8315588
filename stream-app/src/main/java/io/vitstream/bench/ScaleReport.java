package io.vitstream.bench;

import java.util.List;

/**
 * A scaling run: the same backlog through 1, 2, ... instances of {@code vitstream run}.
 *
 * @param cluster where the brokers ran: in this JVM (and how many), or external
 * @param cores processors the machine offers
 * @param images images per count, published as a backlog
 * @param partitions partitions of the images and predictions topics
 * @param skip share of the first predictions left out as warm-up (the last 5 % too)
 * @param rows one per instance count, the baseline first
 */
public record ScaleReport(
    String cluster, int cores, int images, int partitions, double skip, List<ScaleRow> rows) {
  public ScaleReport {
    rows = List.copyOf(rows);
  }
}
