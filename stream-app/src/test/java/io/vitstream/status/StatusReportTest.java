package io.vitstream.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.kafka.TopicNames;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void shouldServeTheVersionOfTheLatestPromotionOrRollbackPerModel() {
    // Given promotions, a rejection, a candidate and a rollback of two models
    List<ModelVersion> events =
        List.of(
            event("a", 1, ModelStatus.PROMOTED),
            event("b", 7, ModelStatus.PROMOTED),
            event("a", 2, ModelStatus.PROMOTED),
            event("a", 3, ModelStatus.CANDIDATE),
            event("a", 3, ModelStatus.REJECTED),
            event("b", 8, ModelStatus.PROMOTED),
            event("b", 7, ModelStatus.ROLLED_BACK));

    // When the served versions are derived
    List<ServedModel> served = ServedModel.fromEvents(events);

    // Then a serves v2 (its rejection changes nothing) and b its rolled-back-to v7
    assertThat(served)
        .containsExactly(
            new ServedModel("a", 2, ModelStatus.PROMOTED, T),
            new ServedModel("b", 7, ModelStatus.ROLLED_BACK, T));
  }

  @Test
  void shouldPrintLagFromTheCommitOrElseFromTheStartAndDeadLettersByStage() {
    // Given a partition with a commit behind the end, one without a commit, and two stages
    var dead = new TreeMap<String, Long>();
    dead.put("deserialize", 2L);
    dead.put("decode", 1L);
    var report =
        new StatusReport(
            TopicNames.defaults(),
            "g",
            List.of(),
            List.of(
                new PartitionLag(0, OptionalLong.of(5), 0, 9),
                new PartitionLag(1, OptionalLong.empty(), 3, 10)),
            dead);

    // When it is printed
    List<String> lines = report.lines();

    // Then
    assertThat(lines)
        .containsExactly(
            "model: no PROMOTED or ROLLED_BACK event on model-versions",
            "lag: group g on images, 11 in all",
            "  images-0: 4 (committed 5, end 9)",
            "  images-1: 7 (no commit, end 10)",
            "dead letters: 3 on dead-letters",
            "  decode 1",
            "  deserialize 2");
  }

  private static ModelVersion event(String model, int version, ModelStatus status) {
    return ModelVersion.newBuilder()
        .setModelName(model)
        .setVersion(version)
        .setStatus(status)
        .setEventTime(T)
        .build();
  }
}
