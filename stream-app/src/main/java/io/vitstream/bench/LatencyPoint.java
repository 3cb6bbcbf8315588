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
 * @param inApp the part from event time to the prediction's output time (the app's wall clock when
 *     it forwarded the prediction): publishing, polling, buffering, waiting for the batch and its
 *     forward
 * @param afterOutput the part from output time to arrival: producing, the exactly-once commit that
 *     makes it visible to {@code read_committed} readers, and the reader's fetch
 */
public record LatencyPoint(
    double offered,
    double achieved,
    double p50Ms,
    double p99Ms,
    double forwardMsPerBatch,
    double meanBatch,
    Split inApp,
    Split afterOutput) {

  /** The median and 99th percentile of one part of the latency, in milliseconds. */
  public record Split(double p50Ms, double p99Ms) {}

  /** A point without its split. */
  public LatencyPoint(
      double offered,
      double achieved,
      double p50Ms,
      double p99Ms,
      double forwardMsPerBatch,
      double meanBatch) {
    this(
        offered,
        achieved,
        p50Ms,
        p99Ms,
        forwardMsPerBatch,
        meanBatch,
        new Split(Double.NaN, Double.NaN),
        new Split(Double.NaN, Double.NaN));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms (mean batch %.1f, forward %.2f ms/batch; in the app p50 %.1f p99"
            + " %.1f ms, output to reader p50 %.1f p99 %.1f ms)",
        p50Ms,
        p99Ms,
        meanBatch,
        forwardMsPerBatch,
        inApp.p50Ms(),
        inApp.p99Ms(),
        afterOutput.p50Ms(),
        afterOutput.p99Ms());
  }
}
