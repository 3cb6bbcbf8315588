package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RollbackPolicyTest {
  private final RollbackPolicy policy = new RollbackPolicy(0.03, 50);

  @Test
  void shouldRollBackOnlyAfterEnoughEvidenceOfADrop() {
    LiveAccuracy live = new LiveAccuracy(200);
    for (int i = 0; i < 49; i++) {
      live.record(i % 2 == 0);
    }
    assertThat(policy.shouldRollBack(0.9, live)).isFalse();

    live.record(false);

    assertThat(policy.shouldRollBack(0.9, live)).isTrue();
  }

  @Test
  void shouldKeepAVersionWithinTolerance() {
    LiveAccuracy live = new LiveAccuracy(100);
    for (int i = 0; i < 100; i++) {
      live.record(i % 10 != 0);
    }
    assertThat(policy.shouldRollBack(0.92, live)).isFalse();
  }
}
