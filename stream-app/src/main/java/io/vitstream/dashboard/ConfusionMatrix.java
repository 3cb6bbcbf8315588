package io.vitstream.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Labelled predictions by true and predicted label, in the model's class order. At most {@code
 * maxLabels} labels get a row and column; later ones are counted under {@link #OTHER}. Not
 * thread-safe.
 */
final class ConfusionMatrix {
  static final String OTHER = "(other)";

  private final int maxLabels;
  private final Set<String> labels = new LinkedHashSet<>();
  private final Map<String, Integer> classIndex = new HashMap<>();
  private final Map<String, Map<String, Long>> counts = new HashMap<>();

  ConfusionMatrix(int maxLabels) {
    this.maxLabels = maxLabels;
  }

  /**
   * Counts one labelled prediction.
   *
   * @param truth the true label, as a class name or its index as text
   * @return whether the top class is the true one
   */
  boolean add(String truth, List<Score> topK) {
    topK.forEach(s -> classIndex.putIfAbsent(s.label(), s.index()));
    Score top = topK.get(0);
    boolean right = truth.equals(top.label()) || truth.equals(Integer.toString(top.index()));
    String row = known(right ? top.label() : truth);
    String column = known(top.label());
    counts.computeIfAbsent(row, r -> new HashMap<>()).merge(column, 1L, Long::sum);
    return right;
  }

  private String known(String label) {
    if (labels.contains(label)) {
      return label;
    }
    if (labels.size() < maxLabels) {
      labels.add(label);
      return label;
    }
    labels.add(OTHER);
    return OTHER;
  }

  Snapshot.Confusion snapshot() {
    List<String> order = new ArrayList<>(labels);
    order.sort(
        Comparator.comparing((String l) -> classIndex.getOrDefault(l, Integer.MAX_VALUE))
            .thenComparing(Comparator.naturalOrder()));
    List<List<Long>> rows = new ArrayList<>();
    for (String truth : order) {
      Map<String, Long> row = counts.getOrDefault(truth, Map.of());
      rows.add(order.stream().map(p -> row.getOrDefault(p, 0L)).toList());
    }
    return new Snapshot.Confusion(List.copyOf(order), rows);
  }
}
