package io.vitstream.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * One class of a classification.
 *
 * @param label the class name
 * @param index the output index
 * @param score softmax probability
 */
public record TopK(String label, int index, float score) {

  /**
   * The {@code k} best classes, highest score first (ties keep the lower index).
   *
   * @param scores one score per class
   * @param labels one name per class
   */
  public static List<TopK> of(float[] scores, List<String> labels, int k) {
    int n = Math.min(k, scores.length);
    List<TopK> best = new ArrayList<>(n);
    boolean[] taken = new boolean[scores.length];
    for (int r = 0; r < n; r++) {
      int arg = -1;
      for (int j = 0; j < scores.length; j++) {
        if (!taken[j] && (arg < 0 || scores[j] > scores[arg])) {
          arg = j;
        }
      }
      taken[arg] = true;
      best.add(new TopK(labels.get(arg), arg, scores[arg]));
    }
    return best;
  }
}
