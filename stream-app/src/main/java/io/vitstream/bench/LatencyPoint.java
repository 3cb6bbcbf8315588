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
 * @param parts where the time went
 */
public record LatencyPoint(
    double offered,
    double achieved,
    double p50Ms,
    double p99Ms,
    double forwardMsPerBatch,
    double meanBatch,
    Parts parts) {

  /** The median and 99th percentile of one part of the latency, in milliseconds. */
  public record Split(double p50Ms, double p99Ms) {
    static final Split NONE = new Split(Double.NaN, Double.NaN);
  }

  /**
   * The latency in parts, as Triton splits a request into queue and compute.
   *
   * @param inApp event time to the prediction's output time (the app's wall clock when it forwarded
   *     the prediction): publishing, polling, buffering, waiting for the batch and its forward
   * @param queued {@code inApp} less the forward of the image's batch: publishing, polling,
   *     buffering, waiting for the batch to fill and for the model
   * @param forward the forward of the image's batch, per image
   * @param afterOutput output time to arrival: producing, the exactly-once commit that makes it
   *     visible to {@code read_committed} readers, and the reader's fetch
   */
  public record Parts(Split inApp, Split queued, Split forward, Split afterOutput) {
    static final Parts NONE = new Parts(Split.NONE, Split.NONE, Split.NONE, Split.NONE);
  }

  /** A point without its split. */
  public LatencyPoint(
      double offered,
      double achieved,
      double p50Ms,
      double p99Ms,
      double forwardMsPerBatch,
      double meanBatch) {
    this(offered, achieved, p50Ms, p99Ms, forwardMsPerBatch, meanBatch, Parts.NONE);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms (mean batch %.1f, forward %.2f ms/batch; in the app p50 %.1f p99"
            + " %.1f ms = queued p50 %.1f p99 %.1f ms + forward p50 %.1f p99 %.1f ms; output to"
            + " reader p50 %.1f p99 %.1f ms)",
        p50Ms,
        p99Ms,
        meanBatch,
        forwardMsPerBatch,
        parts.inApp().p50Ms(),
        parts.inApp().p99Ms(),
        parts.queued().p50Ms(),
        parts.queued().p99Ms(),
        parts.forward().p50Ms(),
        parts.forward().p99Ms(),
        parts.afterOutput().p50Ms(),
        parts.afterOutput().p99Ms());
  }
}
