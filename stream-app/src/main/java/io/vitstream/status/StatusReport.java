package io.vitstream.status;

import io.vitstream.kafka.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What {@code vitstream status} found.
 *
 * @param topics the topics read
 * @param group the inference service's consumer group (its application.id)
 * @param served the version served per model
 * @param lag the group's lag per partition of the images topic; empty when the topic is missing
 * @param deadLetters dead letters by stage (deserialize, decode, ...), {@code unreadable} for a
 *     record that is no DeadLetter
 */
public record StatusReport(
    TopicNames topics,
    String group,
    List<ServedModel> served,
    List<PartitionLag> lag,
    SortedMap<String, Long> deadLetters) {
  public StatusReport {
    served = List.copyOf(served);
    lag = List.copyOf(lag);
  }

  /** The report as printed, one fact a line. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    if (served.isEmpty()) {
      out.add("model: no PROMOTED or ROLLED_BACK event on " + topics.modelVersions());
    }
    for (ServedModel m : served) {
      out.add("model: %s v%d (%s %s)".formatted(m.model(), m.version(), m.status(), m.since()));
    }
    long total = lag.stream().mapToLong(PartitionLag::lag).sum();
    if (lag.isEmpty()) {
      out.add("lag: topic %s not found".formatted(topics.images()));
    } else {
      out.add("lag: group %s on %s, %d in all".formatted(group, topics.images(), total));
    }
    for (PartitionLag p : lag) {
      String committed =
          p.committed().isPresent() ? "committed " + p.committed().getAsLong() : "no commit";
      out.add(
          "  %s-%d: %d (%s, end %d)"
              .formatted(topics.images(), p.partition(), p.lag(), committed, p.end()));
    }
    long dead = deadLetters.values().stream().mapToLong(Long::longValue).sum();
    out.add("dead letters: %d on %s".formatted(dead, topics.deadLetters()));
    for (Map.Entry<String, Long> e : deadLetters.entrySet()) {
      out.add("  %s %d".formatted(e.getKey(), e.getValue()));
    }
    return out;
  }
}
