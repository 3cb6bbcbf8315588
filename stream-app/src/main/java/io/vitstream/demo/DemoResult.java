package io.vitstream.demo;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What one demo run measured.
 *
 * @param sent images published
 * @param predicted distinct images that got a prediction
 * @param accuracy top-1 accuracy over the predicted images with a known label
 * @param throughput predictions per second, first publish to last prediction
 * @param p50Ms median end-to-end latency (publish to prediction received)
 * @param p99Ms 99th percentile of that latency
 * @param meanBatch mean batch size an image ran in
 * @param batchSizes images per batch size
 * @param deadLetters records on the dead-letter topic
 * @param brokerStartupSeconds time to a ready embedded broker
 * @param rawForwardThroughput images per second of the bare forward at the max batch size
 * @param pipelineForwardThroughput images per second of the forward passes inside the pipeline
 *     (their own time only), so the gap to {@code throughput} is the streaming overhead
 * @param maxBatchSize the configured max batch size
 */
public record DemoResult(
    int sent,
    int predicted,
    OptionalDouble accuracy,
    double throughput,
    double p50Ms,
    double p99Ms,
    double meanBatch,
    Map<Integer, Long> batchSizes,
    long deadLetters,
    double brokerStartupSeconds,
    double rawForwardThroughput,
    double pipelineForwardThroughput,
    int maxBatchSize) {

  /** The one-line summary. */
  public String summaryLine() {
    return String.format(
        Locale.ROOT,
        "summary: predicted=%d/%d accuracy=%s throughput=%.1f p50_ms=%.1f p99_ms=%.1f"
            + " mean_batch=%.2f dead_letters=%d",
        predicted,
        sent,
        accuracy.isPresent() ? String.format(Locale.ROOT, "%.4f", accuracy.getAsDouble()) : "n/a",
        throughput,
        p50Ms,
        p99Ms,
        meanBatch,
        deadLetters);
  }
}
