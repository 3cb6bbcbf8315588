package io.vitstream.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The instance counts a scaling run measures, in ascending order; the first is the baseline that
 * speedup and efficiency are relative to.
 *
 * @param counts at least one count, each at least 1, strictly ascending
 */
public record InstanceCounts(List<Integer> counts) {
  public InstanceCounts {
    counts = List.copyOf(counts);
    if (counts.isEmpty()) {
      throw new IllegalArgumentException("--instances needs at least one count");
    }
    for (int i = 0; i < counts.size(); i++) {
      if (counts.get(i) < 1) {
        throw new IllegalArgumentException("--instances must be >= 1, got " + counts.get(i));
      }
      if (i > 0 && counts.get(i) <= counts.get(i - 1)) {
        throw new IllegalArgumentException(
            "--instances must be ascending without repeats, got " + counts);
      }
    }
  }

  /**
   * Parses {@code 1,2,3}.
   *
   * @throws IllegalArgumentException on anything else, with a one-line message
   */
  public static InstanceCounts parse(String text) {
    List<Integer> counts = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      try {
        counts.add(Integer.parseInt(part.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--instances takes counts like 1,2,3, not '" + text + "'", e);
      }
    }
    return new InstanceCounts(counts);
  }

  /** The baseline count. */
  public int baseline() {
    return counts.get(0);
  }
}
