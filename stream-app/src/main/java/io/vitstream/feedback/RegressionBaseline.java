package io.vitstream.feedback;

import ai.djl.Device;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The gate's anchor against forgetting that adds up: the regression-set accuracy of the baseline,
 * the nearest version in the champion's lineage that was not itself fine-tuned from feedback. Each
 * baseline is evaluated once.
 */
final class RegressionBaseline {
  /** The provenance dataset of versions made by fine-tuning. */
  static final String FINE_TUNED = "feedback";

  private final ModelStore store;
  private final String name;
  private final Device device;
  private final LabeledImages regression;
  private final Evaluator evaluator;
  private final Map<Integer, Double> accuracies = new HashMap<>();

  RegressionBaseline(
      ModelStore store, String name, Device device, LabeledImages regression, Evaluator evaluator) {
    this.store = store;
    this.name = name;
    this.device = device;
    this.regression = regression;
    this.evaluator = evaluator;
  }

  /** The baseline version of {@code version}: itself unless it was fine-tuned from a parent. */
  int of(int version) {
    Set<Integer> seen = new HashSet<>();
    int v = version;
    while (seen.add(v)) {
      ModelManifest m = store.manifest(name, v);
      if (!FINE_TUNED.equals(m.provenance().dataset()) || m.parentVersion() <= 0) {
        return v;
      }
      v = m.parentVersion();
    }
    throw new IllegalStateException("the lineage of " + name + ":" + version + " has a cycle");
  }

  /**
   * The baseline's regression accuracy.
   *
   * @param champion the champion version
   * @param championAccuracy the champion's regression accuracy, used when it is its own baseline
   */
  double accuracy(int champion, double championAccuracy) {
    int baseline = of(champion);
    if (baseline == champion) {
      return championAccuracy;
    }
    return accuracies.computeIfAbsent(baseline, this::evaluate);
  }

  private double evaluate(int version) {
    return evaluator.evaluate(store, name, version, device, regression).accuracy();
  }
}
