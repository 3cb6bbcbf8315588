package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GatePolicyTest {
  private final GatePolicy gate = new GatePolicy(0.01, 0.01, 100);

  @Test
  void shouldPromoteABetterCandidateThatDoesNotForget() {
    GatePolicy.Decision d = gate.decide(new GatePolicy.Metrics(400, 0.60, 0.85, 0.91, 0.905, 0.91));

    assertThat(d.promote()).isTrue();
    assertThat(d.reason()).contains("+0.2500");
  }

  @Test
  void shouldRejectAWorseCandidate() {
    GatePolicy.Decision d = gate.decide(new GatePolicy.Metrics(400, 0.80, 0.75, 0.91, 0.91, 0.91));

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).contains("holdout gain");
  }

  @Test
  void shouldRejectACandidateThatForgetsTheOriginalData() {
    GatePolicy.Decision d = gate.decide(new GatePolicy.Metrics(400, 0.60, 0.85, 0.91, 0.85, 0.91));

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).contains("regression loss");
  }

  @Test
  void shouldMeasureForgettingAgainstTheBaselineSoThatSmallLossesCannotAddUp() {
    // The champion already lost 0.006 to its baseline; the candidate loses another 0.006.
    var chain = new GatePolicy.Metrics(400, 0.60, 0.85, 0.904, 0.898, 0.91);
    // A fine-tuned champion that beat its baseline is the reference itself.
    var better = new GatePolicy.Metrics(400, 0.60, 0.85, 0.93, 0.915, 0.91);

    GatePolicy.Decision d = gate.decide(chain);

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).contains("regression loss 0.0120 > 0.0100 (against 0.9100)");
    assertThat(gate.decide(better).promote()).isFalse();
    assertThat(gate.decide(better).reason()).contains("against 0.9300");
  }

  @Test
  void shouldAcceptALossOrGainOfExactlyTheMarginDespiteRounding() {
    // 0.914 - 0.904 is 0.01000000000000001 in doubles; 10 of 1,000 images is the tolerance.
    var atTolerance = new GatePolicy.Metrics(400, 0.60, 0.61, 0.914, 0.904, 0.914);

    assertThat(gate.decide(atTolerance).promote()).isTrue();
    assertThat(gate.decide(new GatePolicy.Metrics(400, 0.60, 0.609, 0.914, 0.904, 0.914)).promote())
        .isFalse();
  }

  @Test
  void shouldRejectWhenTheHoldoutIsTooSmall() {
    assertThat(gate.decide(new GatePolicy.Metrics(20, 0.1, 0.9, 0.9, 0.9, 0.9)).promote())
        .isFalse();
  }
}
