package io.vitstream.dashboard;

import java.util.Arrays;
import java.util.List;

/**
 * Predictions per wall-clock bucket of {@code bucketMs} with their latency percentiles; a bucket
 * becomes a point once a later one starts or the clock passes it. Not thread-safe.
 */
final class TimeBuckets {
  private final long bucketMs;
  private final Ring<Snapshot.Point> points;
  private long open = Long.MIN_VALUE;
  private double[] latencies = new double[64];
  private int count;

  TimeBuckets(long bucketMs, int capacity) {
    if (bucketMs < 1 || 1000 % bucketMs != 0) {
      throw new IllegalArgumentException("bucket must divide a second, got " + bucketMs + " ms");
    }
    this.bucketMs = bucketMs;
    this.points = new Ring<>(capacity);
  }

  void add(long tMs, double latencyMs) {
    long bucket = Math.floorDiv(tMs, bucketMs);
    if (bucket > open) {
      close();
      open = bucket;
    }
    if (count == latencies.length) {
      latencies = Arrays.copyOf(latencies, 2 * count);
    }
    latencies[count++] = latencyMs;
  }

  /** Closes the open bucket when {@code nowMs} is past it. */
  void closeBefore(long nowMs) {
    if (count > 0 && Math.floorDiv(nowMs, bucketMs) > open) {
      close();
    }
  }

  private void close() {
    if (count == 0) {
      return;
    }
    double[] l = Arrays.copyOf(latencies, count);
    points.add(
        new Snapshot.Point(
            open * bucketMs,
            count,
            count * 1000.0 / bucketMs,
            Percentiles.nearestRank(l, 0.50),
            Percentiles.nearestRank(l, 0.99)));
    count = 0;
    if (latencies.length > 4096) {
      latencies = new double[64]; // a burst does not pin its buffer
    }
  }

  /** Closed buckets, oldest first. */
  List<Snapshot.Point> points() {
    return points.toList();
  }

  /**
   * Predictions per second over the second before the end of the last closed bucket; null before
   * any bucket closed.
   */
  Double lastSecond() {
    Snapshot.Point last = points.last();
    if (last == null) {
      return null;
    }
    long from = last.tMs() + bucketMs - 1000;
    return (double)
        points().stream().filter(p -> p.tMs() >= from).mapToLong(Snapshot.Point::count).sum();
  }
}
