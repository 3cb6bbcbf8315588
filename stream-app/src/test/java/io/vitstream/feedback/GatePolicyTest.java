package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class GatePolicyTest {
  private final GatePolicy gate = new GatePolicy(0.01, 0.01, 30, 0.05);

  /** A clear, significant holdout gain: 412 images, b=3, c=292. */
  private static final PairedComparison BETTER = new PairedComparison(100, 3, 292, 17);

  /** A regression set of 5,000 on which the candidate loses 0.12 points: b=20, c=14. */
  private static final PairedComparison KEEPS = new PairedComparison(4500, 20, 14, 466);

  /** Metrics whose baseline is the champion itself. */
  private static GatePolicy.Metrics metrics(PairedComparison holdout, PairedComparison regression) {
    return new GatePolicy.Metrics(holdout, regression, regression.championAccuracy());
  }

  /**
   * Correctness vectors of n images: the first a both right, then b the champion only, then c the
   * candidate only, the rest neither.
   */
  private static PairedComparison paired(int n, int a, int b, int c) {
    BitSet champion = new BitSet(n);
    BitSet candidate = new BitSet(n);
    champion.set(0, a + b);
    candidate.set(0, a);
    candidate.set(a + b, a + b + c);
    return PairedComparison.of(champion, candidate, n);
  }

  @Test
  void shouldPromoteAClearlyBetterCandidateThatKeepsTheOriginalData() {
    // When the candidate wins 292 holdout images and loses 3, and is level on 5,000 originals
    GatePolicy.Decision d = gate.decide(metrics(BETTER, KEEPS));

    // Then it is promoted, and the line names the tests, the sizes and the intervals
    assertThat(d.promote()).isTrue();
    assertThat(d.reason())
        .startsWith("promote; holdout n=412: gain +0.701 95% CI [+0.")
        .contains("exact McNemar b=3 c=292 p=1e-82")
        .contains("regression n=5000: loss +0.0012 95% CI [-0.00")
        .contains("] <= 0.0100, vs baseline +0.0012");
    assertThat(d.reason().lines()).hasSize(1);
  }

  @Test
  void shouldRejectACandidateWithTheSameAccuracyButOtherErrors() {
    // Given a candidate that wins 60 holdout images and loses 60 others
    var swapped = paired(400, 200, 60, 60);

    // Then McNemar sees no difference
    GatePolicy.Decision d = gate.decide(metrics(swapped, KEEPS));

    assertThat(swapped.candidateAccuracy()).isEqualTo(swapped.championAccuracy());
    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).startsWith("reject: holdout gain +0.0000 < 0.0100, McNemar p=1.00");
  }

  @Test
  void shouldRejectAGainAboveTheMarginThatMcNemarCannotTellFromChance() {
    // Given a gain of 2.5 points on 400 images from 50 wins against 40 losses
    var noisy = paired(400, 250, 40, 50);

    // When the gate decides
    GatePolicy.Decision d = gate.decide(metrics(noisy, KEEPS));

    // Then the margin is met but the exact test is not
    assertThat(noisy.difference()).isEqualTo(0.025);
    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).startsWith("reject: McNemar p=0.343 >= 0.05;");
  }

  @Test
  void shouldRejectACandidateThatLosesOneAndAHalfPointsOfFiveThousand() {
    // Given 125 originals lost and 50 won back: a loss of 0.015
    var forgets = paired(5000, 4400, 125, 50);

    // When the gate decides
    GatePolicy.Decision d = gate.decide(metrics(BETTER, forgets));

    // Then the regression test rejects it
    assertThat(d.promote()).isFalse();
    assertThat(d.reason())
        .startsWith("reject: regression loss bound +0.0")
        .contains("regression n=5000: loss +0.0150 95% CI [+0.0");
  }

  @Test
  void shouldRejectASmallLossOnASmallSetButAcceptTheSameLossOnFiveThousand() {
    // Given a loss of 0.33 points: 6 lost and 4 won on 600 images, or 50 and 35 on 5,000
    var small = paired(600, 540, 6, 4);
    var large = paired(5000, 4500, 50, 35);

    // When the gate decides
    GatePolicy.Decision onSmall = gate.decide(metrics(BETTER, small));
    GatePolicy.Decision onLarge = gate.decide(metrics(BETTER, large));

    // Then 600 images cannot rule out a loss above the tolerance, and 5,000 can
    assertThat(-small.difference()).isLessThan(0.004);
    assertThat(-small.differenceInterval().low()).isGreaterThan(0.01);
    assertThat(onSmall.promote()).isFalse();
    assertThat(onSmall.reason()).startsWith("reject: regression loss bound");
    assertThat(-large.differenceInterval().low()).isLessThan(0.01);
    assertThat(onLarge.promote()).isTrue();
  }

  @Test
  void shouldMeasureForgettingAgainstTheBaselineSoThatSmallLossesCannotAddUp() {
    // Given a champion that already lost 0.6 points to its baseline (0.910 -> 0.904), and a
    // candidate that loses another 0.6 (30 images of 5,000), well inside the paired bound
    var another = paired(5000, 4490, 30, 0);
    var chain = new GatePolicy.Metrics(BETTER, another, 0.910);

    // When the gate decides
    GatePolicy.Decision d = gate.decide(chain);

    // Then the loss of 1.2 points against the baseline rejects it
    assertThat(chain.regressionLoss().high()).isLessThan(0.01);
    assertThat(d.promote()).isFalse();
    assertThat(d.reason())
        .startsWith("reject: regression loss vs baseline +0.0120 > 0.0100 (baseline 0.9100);");
  }

  @Test
  void shouldAcceptALossOrGainOfExactlyTheMarginDespiteRounding() {
    // Given a gain of exactly 10 of 1,000 holdout images, and a candidate level with the champion
    // whose loss against the baseline is exactly the tolerance (0.914 - 0.904 is
    // 0.01000000000000001)
    var tenMore = paired(1000, 600, 0, 10);
    var nineMore = paired(1000, 600, 0, 9);
    var level = paired(5000, 4520, 0, 0);

    // Then the gate accepts the margin and the tolerance, and rejects a hair less
    assertThat(gate.decide(new GatePolicy.Metrics(tenMore, level, 0.914)).promote()).isTrue();
    assertThat(gate.decide(new GatePolicy.Metrics(nineMore, level, 0.914)).reason())
        .startsWith("reject: holdout gain +0.0090 < 0.0100;");
  }

  @Test
  void shouldRejectWhenTheHoldoutIsTooSmall() {
    var tiny = paired(20, 2, 0, 16);

    GatePolicy.Decision d = gate.decide(metrics(tiny, KEEPS));

    assertThat(d.promote()).isFalse();
    assertThat(d.reason()).startsWith("reject: holdout n=20 < 30;");
  }

  @Test
  void shouldPutTheTestsNumbersInTheEventMetrics() {
    var m = metrics(BETTER, KEEPS).asMap();

    assertThat(m)
        .containsEntry("holdout_size", 412.0)
        .containsEntry("holdout_n", 412.0)
        .containsEntry("holdout_b", 3.0)
        .containsEntry("holdout_c", 292.0)
        .containsEntry("regression_n", 5000.0)
        .containsEntry("regression_b", 20.0)
        .containsEntry("regression_c", 14.0)
        .containsKeys(
            "champion_holdout_accuracy",
            "candidate_holdout_accuracy",
            "champion_regression_accuracy",
            "candidate_regression_accuracy",
            "baseline_regression_accuracy",
            "holdout_gain_low",
            "holdout_gain_high",
            "regression_loss_high");
    assertThat(m.get("holdout_log10_p")).isCloseTo(-81.871, within(1e-3));
    assertThat(m.get("regression_loss")).isCloseTo(0.0012, within(1e-12));
    assertThat(m.get("holdout_gain_low")).isLessThan(m.get("holdout_gain"));
    assertThat(m.get("regression_loss_high")).isGreaterThan(m.get("regression_loss"));
  }

  @Test
  void shouldRefuseAnAlphaOutsideZeroToOne() {
    assertThatThrownBy(() -> new GatePolicy(0.01, 0.01, 30, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alpha");
  }
}
