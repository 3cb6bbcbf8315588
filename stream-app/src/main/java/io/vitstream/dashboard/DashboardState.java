package io.vitstream.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, fed by whoever watches the stream and read by the HTTP handlers. Every
 * part is bounded: series, windows, markers, thumbnails and latencies are rings of the last N,
 * reasons and labels are capped. Thread-safe.
 */
public final class DashboardState {
  /**
   * How much is kept.
   *
   * @param points points of the throughput and latency series, each {@link #BUCKET_MS}
   * @param latencies recent latencies behind the p50/p99 shown as text
   * @param windows accuracy windows
   * @param markers drift and model-version markers
   * @param thumbnails latest images
   * @param labels rows/columns of the confusion matrix
   * @param reasons distinct dead-letter reasons
   */
  public record Capacity(
      int points,
      int latencies,
      int windows,
      int markers,
      int thumbnails,
      int labels,
      int reasons) {
    /** Ten minutes of points, 10k latencies, 500 windows, 12 thumbnails. */
    public static final Capacity DEFAULT = new Capacity(2400, 10_000, 500, 200, 12, 50, 20);
  }

  /** The width of a series point: a quarter second, so that a short demo still draws a line. */
  public static final long BUCKET_MS = 250;

  static final String OTHER_REASON = "(other reasons)";

  private final Capacity capacity;
  private final TimeBuckets buckets;
  private final double[] recent;
  private final AccuracyWindows windows;
  private final ConfusionMatrix confusion;
  private final Ring<Snapshot.Marker> markers;
  private final Ring<Snapshot.Thumbnail> thumbnails;
  private final Map<Integer, Long> batchSizes = new TreeMap<>();
  private final Map<String, Long> reasons = new LinkedHashMap<>();
  private long predictions;
  private long labelled;
  private long correct;
  private long deadLetters;
  private int modelVersion;
  private long startMs;

  /**
   * @param window labelled predictions per accuracy window
   */
  public DashboardState(int window) {
    this(window, Capacity.DEFAULT);
  }

  public DashboardState(int window, Capacity capacity) {
    this.capacity = capacity;
    this.buckets = new TimeBuckets(BUCKET_MS, capacity.points());
    this.recent = new double[capacity.latencies()];
    this.windows = new AccuracyWindows(window, capacity.windows());
    this.confusion = new ConfusionMatrix(capacity.labels());
    this.markers = new Ring<>(capacity.markers());
    this.thumbnails = new Ring<>(capacity.thumbnails());
  }

  /** Counts a prediction: throughput, latency, batch size, and accuracy when its truth is known. */
  public synchronized void onPrediction(SeenPrediction p) {
    if (predictions == 0) {
      startMs = p.receivedAtMs();
    }
    recent[(int) (predictions % recent.length)] = p.latencyMs();
    predictions++;
    buckets.add(p.receivedAtMs(), p.latencyMs());
    batchSizes.merge(p.batchSize(), 1L, Long::sum);
    modelVersion = p.modelVersion();
    if (p.truth().isPresent()) {
      boolean right = confusion.add(p.truth().get(), p.topK());
      labelled++;
      correct += right ? 1 : 0;
      windows.add(right, p.modelVersion(), p.receivedAtMs());
    }
  }

  /** Adds a marker to the accuracy chart. */
  public synchronized void onMarker(Snapshot.Marker marker) {
    markers.add(marker);
  }

  /** Counts a dead letter; past the reason cap, new reasons are counted together. */
  public synchronized void onDeadLetter(String reason) {
    deadLetters++;
    String key =
        reasons.containsKey(reason) || reasons.size() < capacity.reasons() ? reason : OTHER_REASON;
    reasons.merge(key, 1L, Long::sum);
  }

  /** Shows an image among the latest. */
  public synchronized void onThumbnail(Snapshot.Thumbnail thumbnail) {
    thumbnails.add(thumbnail);
  }

  /** The view at {@code nowMs}: the buckets before it are complete. */
  public synchronized Snapshot snapshot(long nowMs) {
    buckets.closeBefore(nowMs);
    double[] l = Arrays.copyOf(recent, (int) Math.min(predictions, recent.length));
    var latest =
        new Snapshot.Latest(
            buckets.lastSecond(),
            orNull(Percentiles.nearestRank(l, 0.50)),
            orNull(Percentiles.nearestRank(l, 0.99)),
            orNull(windows.latest()));
    List<Snapshot.BatchCount> batches = new ArrayList<>();
    batchSizes.forEach((size, n) -> batches.add(new Snapshot.BatchCount(size, n)));
    List<Snapshot.ReasonCount> byReason = new ArrayList<>();
    reasons.forEach((r, n) -> byReason.add(new Snapshot.ReasonCount(r, n)));
    byReason.sort((a, b) -> Long.compare(b.count(), a.count()));
    List<Snapshot.Thumbnail> newestFirst = new ArrayList<>(thumbnails.toList());
    Collections.reverse(newestFirst);
    return new Snapshot(
        nowMs,
        startMs,
        BUCKET_MS,
        new Snapshot.Totals(predictions, labelled, correct, deadLetters, modelVersion),
        latest,
        buckets.points(),
        batches,
        windows.windows(),
        markers.toList(),
        confusion.snapshot(),
        newestFirst,
        byReason);
  }

  private static Double orNull(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
