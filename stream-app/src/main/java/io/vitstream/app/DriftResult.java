package io.vitstream.app;

import io.vitstream.avro.ModelVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measurements.
 *
 * @param windows accuracy per window
 * @param events every ModelVersion event, in arrival order
 * @param predicted predictions received
 * @param preDrift accuracy on original images
 * @param postDriftBefore accuracy on drifted images served by the first version
 * @param recovered accuracy on drifted images served by the final version (NaN if none)
 * @param championVersion the version serving when the demo started
 * @param finalVersion the version serving at the end
 * @param labelsUsed labels sent until the final version was promoted (all sent if none)
 * @param labelsSent labels sent in all
 * @param fineTuneSeconds training seconds over all fine-tuning runs
 * @param swapPauseMs the gap in output time between the last prediction of the old version and the
 *     first of the final version (NaN if no swap)
 * @param championOriginal the first version's accuracy on original test images that neither the
 *     stream nor the gate used
 * @param finalOriginal the final version's accuracy on them
 */
public record DriftResult(
    List<DriftWindow> windows,
    List<ModelVersion> events,
    int predicted,
    double preDrift,
    double postDriftBefore,
    double recovered,
    int championVersion,
    int finalVersion,
    long labelsUsed,
    long labelsSent,
    double fineTuneSeconds,
    double swapPauseMs,
    double championOriginal,
    double finalOriginal) {

  /** Whether a version other than the first one served drifted images. */
  public boolean promoted() {
    return !Double.isNaN(recovered);
  }

  /** One line with the numbers the issue asks for. */
  public String summaryLine() {
    return String.format(
        Locale.ROOT,
        "drift summary: pre-drift accuracy %.4f; post-drift before recovery %.4f; recovered"
            + " %.4f (v%d); labels used %d (sent %d); fine-tune %.1f s; swap pause %.0f ms;"
            + " original-data accuracy %.4f (v%d) -> %.4f (v%d)",
        preDrift,
        postDriftBefore,
        recovered,
        finalVersion,
        labelsUsed,
        labelsSent,
        fineTuneSeconds,
        swapPauseMs,
        championOriginal,
        championVersion,
        finalOriginal,
        finalVersion);
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
