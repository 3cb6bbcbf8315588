package io.vitstream.app;

import io.vitstream.kafka.ClientKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Refuses keys that are neither the app's nor a Kafka client's, suggesting the closest ones. */
final class UnknownKeys {
  private static final Set<String> OURS =
      ConfigKeys.ALL.stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());

  /** At most this many suggestions per key. */
  private static final int SUGGESTIONS = 3;

  private UnknownKeys() {}

  /** The error line for a key that no one reads, or empty when the app or a client reads it. */
  static Optional<String> problem(String key, String value) {
    if (OURS.contains(key) || ClientKeys.contains(key)) {
      return Optional.empty();
    }
    List<String> close = closest(key);
    String hint =
        close.isEmpty()
            ? "not a vitstream key (see README) nor a Kafka client key"
            : "did you mean " + String.join(" or ", close) + "?";
    return Optional.of("unknown key " + key + "=" + value + ": " + hint);
  }

  /** The known keys within a few edits of {@code key}, closest first. */
  static List<String> closest(String key) {
    int limit = Math.max(2, key.length() / 5);
    Map<String, Integer> near = new TreeMap<>();
    for (String name : OURS) {
      consider(key, name, limit, near);
    }
    for (String name : ClientKeys.candidates(key)) {
      consider(key, name, limit, near);
    }
    return near.entrySet().stream()
        .sorted(
            Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(SUGGESTIONS)
        .map(Map.Entry::getKey)
        .toList();
  }

  private static void consider(String key, String name, int limit, Map<String, Integer> near) {
    int d = distance(key, name);
    if (d <= limit) {
      near.merge(name, d, Math::min);
    }
  }

  /** Edits (insert, delete, substitute, swap two neighbours) that turn {@code a} into {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
