package io.vitstream.dashboard;

import java.util.List;

/**
 * What {@code /api/state} returns: the dashboard's bounded view at one moment. Times are epoch
 * milliseconds; a null number means not measured yet.
 *
 * @param nowMs when the snapshot was taken
 * @param startMs the first prediction's arrival, 0 before it
 * @param bucketMs the width of a series point
 * @param totals counts since the start
 * @param latest the most recent second and window
 * @param series throughput and latency per bucket, oldest first
 * @param batchSizes images per batch size
 * @param windows accuracy per window of labelled predictions, oldest first (the last may be open)
 * @param markers drift and model-version events, oldest first
 * @param confusion true label (rows) by predicted label (columns)
 * @param thumbnails the latest images, newest first
 * @param deadLetters dead letters by reason, most frequent first
 */
public record Snapshot(
    long nowMs,
    long startMs,
    long bucketMs,
    Totals totals,
    Latest latest,
    List<Point> series,
    List<BatchCount> batchSizes,
    List<Window> windows,
    List<Marker> markers,
    Confusion confusion,
    List<Thumbnail> thumbnails,
    List<ReasonCount> deadLetters) {

  /** Counts since the start. */
  public record Totals(
      long predictions, long labelled, long correct, long deadLetters, int modelVersion) {}

  /**
   * The numbers shown as text.
   *
   * @param throughput predictions in the second up to the last complete bucket
   * @param p50Ms median latency over the recent predictions
   * @param p99Ms 99th percentile over the same
   * @param accuracy the last complete window's accuracy (the open one's before any is complete)
   */
  public record Latest(Double throughput, Double p50Ms, Double p99Ms, Double accuracy) {}

  /**
   * One bucket of {@code bucketMs}: predictions read in it, as a count and a rate, and their
   * latency percentiles.
   */
  public record Point(long tMs, long count, double perSecond, double p50Ms, double p99Ms) {}

  /** Images that ran in batches of {@code size}. */
  public record BatchCount(int size, long images) {}

  /**
   * A window of labelled predictions.
   *
   * @param endMs when its last prediction arrived
   * @param first index of its first labelled prediction
   * @param complete false for the window still filling
   * @param versions the model versions that served it
   */
  public record Window(
      long endMs,
      long first,
      int count,
      int correct,
      double accuracy,
      boolean complete,
      String versions) {}

  /**
   * An event drawn on the accuracy chart.
   *
   * @param kind drift, candidate, promoted, rejected or rolled_back
   * @param version the model version, 0 for drift
   * @param text what hovering shows: status, reason and gate metrics
   */
  public record Marker(long tMs, String kind, int version, String text) {}

  /** Counts per true label (rows) and predicted label (columns), in {@code labels} order. */
  public record Confusion(List<String> labels, List<List<Long>> counts) {}

  /**
   * A recent image.
   *
   * @param png a {@code data:image/png;base64,...} URL
   * @param truth its true label, or null
   */
  public record Thumbnail(String imageId, String png, String truth, List<Score> topK) {}

  /** Dead letters with one reason. */
  public record ReasonCount(String reason, long count) {}
}
