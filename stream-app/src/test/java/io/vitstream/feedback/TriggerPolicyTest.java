package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TriggerPolicyTest {
  private final TriggerPolicy policy = new TriggerPolicy(500, Duration.ofMinutes(10), 0.05, 50);

  @Test
  void shouldFireOnEnoughNewLabels() {
    assertThat(policy.reason(500, Duration.ZERO, 0.9, 0.9, 0)).contains("500 new labels");
  }

  @Test
  void shouldFireWhenTheIntervalElapsedWithSomeLabels() {
    assertThat(policy.reason(60, Duration.ofMinutes(11), 0.9, 0.9, 0)).isPresent();
    assertThat(policy.reason(10, Duration.ofMinutes(11), 0.9, 0.9, 0)).isEmpty();
  }

  @Test
  void shouldFireWhenLiveAccuracyDrops() {
    assertThat(policy.reason(60, Duration.ofMinutes(1), 0.90, 0.84, 0)).isPresent();
    assertThat(policy.reason(60, Duration.ofMinutes(1), 0.90, 0.88, 0)).isEmpty();
    assertThat(policy.reason(60, Duration.ofMinutes(1), 0.90, Double.NaN, 0)).isEmpty();
  }

  @Test
  void shouldWaitWithAnAccuracyRunUntilTheHoldoutCanJudgeIt() {
    // Given a policy whose accuracy trigger needs 12 new holdout misses
    var evidence = new TriggerPolicy(500, Duration.ofMinutes(10), 0.05, 50, 12);

    // When live accuracy dropped, with enough labels but 11 misses, then 12
    var early = evidence.reason(60, Duration.ofMinutes(1), 0.90, 0.15, 11);
    var ready = evidence.reason(60, Duration.ofMinutes(1), 0.90, 0.15, 12);

    // Then it waits, then fires and says on how many misses; while accuracy is down even the
    // label count waits for the evidence, and without a drop it does not
    assertThat(early).isEmpty();
    assertThat(ready).hasValueSatisfying(r -> assertThat(r).contains("12 new holdout misses"));
    assertThat(evidence.reason(500, Duration.ZERO, 0.90, 0.15, 0)).isEmpty();
    assertThat(evidence.reason(500, Duration.ZERO, 0.90, 0.89, 0)).contains("500 new labels");
  }
}
