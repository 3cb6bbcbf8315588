package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TriggerPolicyTest {
  private final TriggerPolicy policy = new TriggerPolicy(500, Duration.ofMinutes(10), 0.05, 50);

  @Test
  void shouldFireOnEnoughNewLabels() {
    assertThat(policy.reason(500, Duration.ZERO, 0.9, 0.9)).contains("500 new labels");
  }

  @Test
  void shouldFireWhenTheIntervalElapsedWithSomeLabels() {
    assertThat(policy.reason(60, Duration.ofMinutes(11), 0.9, 0.9)).isPresent();
    assertThat(policy.reason(10, Duration.ofMinutes(11), 0.9, 0.9)).isEmpty();
  }

  @Test
  void shouldFireWhenLiveAccuracyDrops() {
    assertThat(policy.reason(60, Duration.ofMinutes(1), 0.90, 0.84)).isPresent();
    assertThat(policy.reason(60, Duration.ofMinutes(1), 0.90, 0.88)).isEmpty();
    assertThat(policy.reason(60, Duration.ofMinutes(1), 0.90, Double.NaN)).isEmpty();
  }
}
