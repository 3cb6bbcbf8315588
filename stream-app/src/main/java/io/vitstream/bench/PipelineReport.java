package io.vitstream.bench;

import java.util.Map;

/**
 * One {@code bench pipeline} run: three rates measured side by side on the same records, batch size
 * and threads, and where the pipeline's CPU went.
 *
 * @param images records per phase
 * @param maxBatchSize the batch size of every phase and of the raw forward
 * @param maxBatchDelayMs the batch delay of every phase
 * @param threads the thread budget: stream threads, intra-op threads, batches in flight
 * @param rawBefore the raw batched forward (img/s) before the two pipeline phases
 * @param rawAfter and after them (the machine is shared: both are reported)
 * @param ceiling the same topology with a no-op forward: what Kafka and the rest of the path allow
 * @param pipeline the real pipeline end to end
 * @param meanBatch the pipeline's mean batch size
 * @param forwardMsPerBatch the pipeline's mean forward time per batch, in milliseconds
 * @param cpuMicrosPerImage the pipeline's CPU per image by stage (JFR samples, steady window)
 * @param halfLoad latency at half the pipeline's measured capacity
 */
public record PipelineReport(
    int images,
    int maxBatchSize,
    long maxBatchDelayMs,
    Map<String, Integer> threads,
    double rawBefore,
    double rawAfter,
    SteadyRate ceiling,
    SteadyRate pipeline,
    double meanBatch,
    double forwardMsPerBatch,
    Map<String, Double> cpuMicrosPerImage,
    LatencyPoint halfLoad) {

  /** The raw forward, as the mean of its two measurements. */
  public double raw() {
    return (rawBefore + rawAfter) / 2;
  }

  /** The latency goal at half load: the batch delay plus twice that load's batch forward time. */
  public double latencyGoalMs() {
    return maxBatchDelayMs + 2 * halfLoad.forwardMsPerBatch();
  }

  /** The pipeline's share of the smaller of raw forward and Kafka ceiling. */
  public double ratio() {
    return pipeline.perSecond() / Math.min(raw(), ceiling.perSecond());
  }
}
