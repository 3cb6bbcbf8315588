package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RollbackPolicyTest {
  private final RollbackPolicy policy = new RollbackPolicy(0.03, 50);

  @Test
  void shouldRollBackOnlyAfterEnoughEvidenceOfADrop() {
    LiveAccuracy before = window(100, 90);
    LiveAccuracy live = new LiveAccuracy(200);
    for (int i = 0; i < 49; i++) {
      live.record(i % 2 == 0);
    }
    assertThat(policy.shouldRollBack(before, live)).isFalse();

    live.record(false);

    assertThat(policy.shouldRollBack(before, live)).isTrue();
  }

  @Test
  void shouldKeepAVersionWithinTolerance() {
    assertThat(policy.shouldRollBack(window(100, 92), window(100, 90))).isFalse();
  }

  @Test
  void shouldKeepAVersionWhoseDropIsWithinTheNoiseOfTwoWindows() {
    // 0.580 before, 0.520 after, 100 labels each: a drop of 0.06 over the 0.03 tolerance, but its
    // 95% interval (Newcombe, independent windows) reaches about -0.08
    LiveAccuracy before = window(100, 58);
    LiveAccuracy after = window(100, 52);
    assertThat(RollbackPolicy.dropLowerBound(before, after)).isBetween(-0.09, -0.07);
    assertThat(policy.shouldRollBack(before, after)).isFalse();

    // the same drop over 2,000 labels each is significant
    assertThat(policy.shouldRollBack(window(2000, 1160), window(2000, 1040))).isTrue();
  }

  @Test
  void shouldNotJudgeAgainstAPredecessorWithoutLabels() {
    assertThat(policy.shouldRollBack(new LiveAccuracy(100), window(100, 0))).isFalse();
  }

  private static LiveAccuracy window(int n, int correct) {
    LiveAccuracy live = new LiveAccuracy(n);
    for (int i = 0; i < n; i++) {
      live.record(i < correct);
    }
    return live;
  }
}
