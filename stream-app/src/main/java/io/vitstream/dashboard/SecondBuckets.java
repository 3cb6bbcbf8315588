package io.vitstream.dashboard;

import java.util.Arrays;

/**
 * Predictions per wall-clock second with their latency percentiles; a second becomes a point once
 * a later one starts. Not thread-safe.
 */
final class SecondBuckets {
  private final Ring<Snapshot.Point> points;
  private long openSecond = Long.MIN_VALUE;
  private double[] latencies = new double[64];
  private int count;

  SecondBuckets(int capacity) {
    this.points = new Ring<>(capacity);
  }

  void add(long tMs, double latencyMs) {
    long second = Math.floorDiv(tMs, 1000L);
    if (second > openSecond) {
      close();
      openSecond = second;
    }
    if (count == latencies.length) {
      latencies = Arrays.copyOf(latencies, 2 * count);
    }
    latencies[count++] = latencyMs;
  }

  /** Closes the open second when {@code nowMs} is past it. */
  void closeBefore(long nowMs) {
    if (count > 0 && Math.floorDiv(nowMs, 1000L) > openSecond) {
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
            openSecond * 1000L,
            count,
            Percentiles.nearestRank(l, 0.50),
            Percentiles.nearestRank(l, 0.99)));
    count = 0;
    if (latencies.length > 4096) {
      latencies = new double[64]; // a burst does not pin its buffer
    }
  }

  Ring<Snapshot.Point> points() {
    return points;
  }
}
