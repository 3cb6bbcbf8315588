package io.vitstream.batching;

import java.util.List;

/**
 * Processes one batch: the model call of a micro-batch.
 *
 * @param <V> buffered value
 * @param <R> result per value
 */
@FunctionalInterface
public interface BatchHandler<V, R> {
  /**
   * @param batch 1 to {@code maxBatchSize} values, oldest first
   * @param wallClockMs the stream's wall-clock time of the flush
   * @return exactly one result per value, in the same order
   */
  List<R> handle(List<V> batch, long wallClockMs);
}
