package io.vitstream.demo;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measurements.
 *
 * @param windows accuracy per window
 * @param arrivals every ModelVersion event, in arrival order, with the predictions seen by then
 * @param predicted predictions received
 * @param preDrift accuracy on original images
 * @param postDriftBefore accuracy on drifted images served by the first version
 * @param recovered accuracy on drifted images served by the final version (NaN if none)
 * @param championVersion the version serving when the demo started
 * @param finalVersion the version serving at the end
 * @param labelsUsed labels sent until the final version was promoted (all sent if none)
 * @param labelsSent labels sent in all
 * @param postDriftLabelsToFirstPromotion labels of drifted images sent before the first version
 *     promoted after the drift began (-1 if none)
 * @param fineTuneSeconds training seconds over all fine-tuning runs
 * @param swapPauseMs the gap in output time between the last prediction of the old version and the
 *     first of the final version (NaN if no swap): it includes the gap between two images' arrivals
 * @param slotSwapMs the longest install of a version in the serving slot (NaN if unmeasured): the
 *     time batches could have waited for a swap
 * @param championOriginal the first version's accuracy on original test images that neither the
 *     stream nor the gate used
 * @param finalOriginal the final version's accuracy on them
 */
public record DriftResult(
    List<DriftWindow> windows,
    List<Arrival> arrivals,
    int predicted,
    double preDrift,
    double postDriftBefore,
    double recovered,
    int championVersion,
    int finalVersion,
    long labelsUsed,
    long labelsSent,
    long postDriftLabelsToFirstPromotion,
    double fineTuneSeconds,
    double swapPauseMs,
    double slotSwapMs,
    double championOriginal,
    double finalOriginal) {

  /** A ModelVersion event and how many predictions the demo had seen when it arrived. */
  public record Arrival(int seen, ModelVersion version) {}

  /** The same result with the slot's swap time. */
  public DriftResult withSlotSwapMs(double ms) {
    return new DriftResult(
        windows,
        arrivals,
        predicted,
        preDrift,
        postDriftBefore,
        recovered,
        championVersion,
        finalVersion,
        labelsUsed,
        labelsSent,
        postDriftLabelsToFirstPromotion,
        fineTuneSeconds,
        swapPauseMs,
        ms,
        championOriginal,
        finalOriginal);
  }

  /** Every ModelVersion event, in arrival order. */
  public List<ModelVersion> events() {
    return arrivals.stream().map(Arrival::version).toList();
  }

  /** Whether a version other than the first one served drifted images. */
  public boolean promoted() {
    return !Double.isNaN(recovered);
  }

  /**
   * One line with the numbers the issue asks for; when no version took over it says so instead of
   * printing the recovery numbers, and a number that could not be measured reads "n/a".
   */
  public String summaryLine() {
    String head =
        String.format(
            Locale.ROOT,
            "drift summary: pre-drift accuracy %s; post-drift before recovery %s; ",
            number("%.4f", preDrift),
            number("%.4f", postDriftBefore));
    if (!promoted()) {
      boolean anyPromoted = events().stream().anyMatch(e -> e.getStatus() == ModelStatus.PROMOTED);
      return head
          + String.format(
              Locale.ROOT,
              "%s; labels sent %d; fine-tune %.1f s; original-data accuracy %s (v%d)",
              anyPromoted
                  ? "promoted versions rolled back to v" + finalVersion
                  : "no version promoted",
              labelsSent,
              fineTuneSeconds,
              number("%.4f", championOriginal),
              championVersion);
    }
    return head
        + String.format(
            Locale.ROOT,
            "recovered %.4f (v%d); labels used %d (sent %d); first promotion after %s post-drift"
                + " labels; fine-tune %.1f s; swap pause %s (slot %s); original-data accuracy %s (v%d)"
                + " -> %s (v%d)",
            recovered,
            finalVersion,
            labelsUsed,
            labelsSent,
            postDriftLabelsToFirstPromotion < 0 ? "n/a" : postDriftLabelsToFirstPromotion,
            fineTuneSeconds,
            number("%.0f ms", swapPauseMs),
            number("%.3f ms", slotSwapMs),
            number("%.4f", championOriginal),
            championVersion,
            number("%.4f", finalOriginal),
            finalVersion);
  }

  private static String number(String format, double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, format, value);
  }

  /** One line per ModelVersion event. */
  public static String describe(ModelVersion v) {
    Map<String, Double> m = v.getMetrics();
    String metrics =
        m.isEmpty()
            ? ""
            : String.format(
                Locale.ROOT,
                "; holdout %.3f -> %.3f (n=%.0f), regression %.3f -> %.3f, fine-tune %.1f s",
                m.getOrDefault("champion_holdout_accuracy", Double.NaN),
                m.getOrDefault("candidate_holdout_accuracy", Double.NaN),
                m.getOrDefault("holdout_size", Double.NaN),
                m.getOrDefault("champion_regression_accuracy", Double.NaN),
                m.getOrDefault("candidate_regression_accuracy", Double.NaN),
                m.getOrDefault("training_seconds", Double.NaN));
    return String.format(
        Locale.ROOT,
        "%s v%d (parent v%s, %s examples): %s%s",
        v.getStatus(),
        v.getVersion(),
        v.getParentVersion(),
        v.getFeedbackCount(),
        v.getReason(),
        metrics);
  }
}
