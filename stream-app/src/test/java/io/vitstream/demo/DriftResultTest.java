package io.vitstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drift demo's summary line. */
class DriftResultTest {
  static ModelVersion event(int version, ModelStatus status) {
    return ModelVersion.newBuilder()
        .setModelName("fashion-mnist")
        .setVersion(version)
        .setStatus(status)
        .setParentVersion(1)
        .setReason("test")
        .setEventTime(Instant.ofEpochMilli(1000L * version))
        .build();
  }

  static DriftResult result(int finalVersion, List<DriftResult.Arrival> arrivals) {
    boolean promoted = finalVersion != 1;
    return new DriftResult(
        List.of(
            new DriftWindow(0, 500, 460, "v1", false),
            new DriftWindow(500, 500, 80, "v1", true),
            new DriftWindow(1000, 500, 400, promoted ? "v1+v2" : "v1", true)),
        arrivals,
        1500,
        0.92,
        0.16,
        promoted ? 0.8 : Double.NaN,
        1,
        finalVersion,
        promoted ? 300 : 375,
        375,
        promoted ? 120 : -1,
        12.5,
        promoted ? 40 : Double.NaN,
        promoted ? 0.012 : Double.NaN,
        0.91,
        promoted ? 0.9 : 0.91);
  }

  @Test
  void shouldSayNoVersionWasPromotedInsteadOfPrintingNaN() {
    // Given a run whose only candidate was rejected
    DriftResult r =
        result(1, List.of(new DriftResult.Arrival(700, event(2, ModelStatus.REJECTED))));

    // When
    String line = r.summaryLine();

    // Then
    assertThat(line)
        .doesNotContain("NaN")
        .contains("no version promoted")
        .contains("pre-drift accuracy 0.9200")
        .contains("post-drift before recovery 0.1600")
        .contains("labels sent 375")
        .contains("fine-tune 12.5 s")
        .contains("original-data accuracy 0.9100 (v1)");
  }

  @Test
  void shouldSayPromotionsWereRolledBackWhenTheFirstVersionServesAtTheEnd() {
    DriftResult r =
        result(
            1,
            List.of(
                new DriftResult.Arrival(700, event(2, ModelStatus.PROMOTED)),
                new DriftResult.Arrival(900, event(2, ModelStatus.ROLLED_BACK))));
    assertThat(r.summaryLine()).doesNotContain("NaN").contains("rolled back to v1");
  }

  @Test
  void shouldKeepEveryNumberWhenAVersionWasPromoted() {
    DriftResult r =
        result(2, List.of(new DriftResult.Arrival(900, event(2, ModelStatus.PROMOTED))));
    assertThat(r.summaryLine())
        .isEqualTo(
            "drift summary: pre-drift accuracy 0.9200; post-drift before recovery 0.1600;"
                + " recovered 0.8000 (v2); labels used 300 (sent 375); first promotion after 120"
                + " post-drift labels; fine-tune 12.5 s; swap pause 40 ms (slot 0.012 ms); original-data"
                + " accuracy 0.9100 (v1) -> 0.9000 (v2)");
    assertThat(r.events()).extracting(ModelVersion::getVersion).containsExactly(2);
  }
}
