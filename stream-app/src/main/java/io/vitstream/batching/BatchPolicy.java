package io.vitstream.batching;

import java.time.Duration;

/**
 * When a buffered batch is flushed.
 *
 * @param maxBatchSize flush as soon as this many records are buffered
 * @param maxDelay flush when the oldest buffered record has waited this long (wall clock)
 * @param tick how often the wall-clock check runs; bounds the extra wait beyond {@code maxDelay}
 * @param maxInFlight batches whose handler runs off the stream thread while the next one fills; 0
 *     runs the handler on the stream thread
 */
public record BatchPolicy(int maxBatchSize, Duration maxDelay, Duration tick, int maxInFlight) {
  public BatchPolicy {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("max batch size must be >= 1, got " + maxBatchSize);
    }
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("batches in flight must be >= 0, got " + maxInFlight);
    }
    if (maxDelay.isNegative() || tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("max delay must be >= 0 and tick > 0");
    }
  }

  /**
   * A policy that checks the delay every {@code min(maxDelay, 10 ms)}, at least every 1 ms, with
   * one batch in flight.
   */
  public static BatchPolicy of(int maxBatchSize, Duration maxDelay) {
    long tickMs = Math.max(1, Math.min(maxDelay.toMillis(), 10));
    return new BatchPolicy(maxBatchSize, maxDelay, Duration.ofMillis(tickMs), 1);
  }

  /** A copy with another number of batches in flight. */
  public BatchPolicy withMaxInFlight(int batches) {
    return new BatchPolicy(maxBatchSize, maxDelay, tick, batches);
  }
}
