package io.vitstream.bench;

import java.util.Locale;

/**
 * Latency at one offered load: event time (set when published) to the prediction's arrival at a
 * {@code read_committed} consumer, steady part of the run.
 *
 * @param offered images per second published
 * @param achieved images per second predicted
 * @param p50Ms median latency
 * @param p99Ms 99th percentile latency
 * @param forwardMsPerBatch the mean forward time per batch at this load
 * @param meanBatch the mean batch size at this load
 */
public record LatencyPoint(
    double offered,
    double achieved,
    double p50Ms,
    double p99Ms,
    double forwardMsPerBatch,
    double meanBatch) {
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms (mean batch %.1f, forward %.2f ms/batch)",
        p50Ms,
        p99Ms,
        meanBatch,
        forwardMsPerBatch);
  }
}
