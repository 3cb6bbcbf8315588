package io.vitstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromotionsTest {
  private static ModelVersion event(ModelStatus status, int version, Integer parent) {
    return ModelVersion.newBuilder()
        .setModelName("fm")
        .setVersion(version)
        .setStatus(status)
        .setParentVersion(parent)
        .setEventTime(Instant.EPOCH)
        .build();
  }

  @Test
  void shouldLearnTheHistoryFromPromotionsAndApplyEachEventOnce() {
    // Given nothing known, When 2 (from 1) and 3 (from 2) are promoted, each event seen twice
    Promotions p = Promotions.fromBytes(null);
    for (ModelVersion e :
        List.of(
            event(ModelStatus.PROMOTED, 2, 1),
            event(ModelStatus.PROMOTED, 2, 1),
            event(ModelStatus.PROMOTED, 3, 2),
            event(ModelStatus.PROMOTED, 3, 2))) {
      p = p.apply(e);
    }

    // Then the history is 1, 2, 3; a rollback to 2, seen twice, returns one step only
    assertThat(p.history()).containsExactly(1, 2, 3);
    ModelVersion back = event(ModelStatus.ROLLED_BACK, 2, null);
    Promotions rolled = p.apply(back).apply(back);
    assertThat(rolled.history()).containsExactly(1, 2);
    assertThat(rolled.current()).isEqualTo(2);
    assertThat(rolled.predecessor()).isEqualTo(1);
    assertThat(Promotions.fromBytes(rolled.toBytes())).isEqualTo(rolled);
  }

  @Test
  void shouldKeepAtMostSixteenPromotions() {
    Promotions p = Promotions.fromBytes(null);
    for (int v = 1; v <= 40; v++) {
      p = p.apply(event(ModelStatus.PROMOTED, v, v - 1));
    }
    assertThat(p.history()).hasSize(Promotions.MAX).endsWith(40);
  }
}
