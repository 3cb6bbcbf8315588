package io.vitstream.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Formats the k most probable labels as {@code label score, ...}. */
final class TopK {
  private TopK() {}

  static String format(float[] probs, List<String> labels, int k) {
    return IntStream.range(0, probs.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> probs[i]).reversed())
        .limit(k)
        .map(i -> String.format(Locale.ROOT, "%s %.4f", labels.get(i), probs[i]))
        .collect(Collectors.joining(", "));
  }
}
