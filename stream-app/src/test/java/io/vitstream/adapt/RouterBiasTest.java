package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterBiasTest {
  @Test
  void shouldAllowOneLossIn800HeldOutOriginalsButNotTwo() {
    // Wilson's upper 95% bound: 1 of 800 is 0.71 %, 2 of 800 is 0.91 %; the limit is 0.75 %
    assertThat(RouterTrainer.allowedLosses(800, RouterTrainer.MAX_ORIGINAL_LOSS_BOUND))
        .isEqualTo(1);
    assertThat(RouterTrainer.allowedLosses(4000, RouterTrainer.MAX_ORIGINAL_LOSS_BOUND))
        .isBetween(17, 20);
    // too few to bound anything: none may be lost
    assertThat(RouterTrainer.allowedLosses(100, RouterTrainer.MAX_ORIGINAL_LOSS_BOUND)).isZero();
    assertThat(RouterTrainer.allowedLosses(0, RouterTrainer.MAX_ORIGINAL_LOSS_BOUND)).isZero();
  }

  @Test
  void shouldRaiseTheBaseExpertUntilTheHeldOutOriginalsItCostsAreWithinTheBound() {
    // Given 800 held-out originals the base expert gets right, three of which the router scores
    // for the adapter (which gets them wrong) by margins of 0.3, 0.6 and 0.9
    Rows rows = new Rows(800);
    for (int i = 0; i < 800; i++) {
      rows.scores[2 * i] = 1;
      rows.correct[0][i] = true;
      rows.correct[1][i] = i >= 3;
    }
    for (int i = 0; i < 3; i++) {
      rows.scores[2 * i + 1] = 1 + 0.3f * (i + 1);
    }

    // When the bias is chosen
    RouterTrainer.Bias bias = rows.bias(800);

    // Then it lifts the base expert over all but one of them: 0.75 clears 0.3 and 0.6, not 0.9
    assertThat(bias.value()).isEqualTo(0.75f);
    assertThat(bias.lost()).isEqualTo(1);
    assertThat(bias.originals()).isEqualTo(800);
  }

  @Test
  void shouldNotCountImagesTheBaseExpertGetsWrongOrThatAreNotOriginals() {
    // Given 10 held-out rows routed to the adapter: 5 the base gets wrong, 5 outside the originals
    Rows rows = new Rows(10);
    for (int i = 0; i < 10; i++) {
      rows.scores[2 * i + 1] = 5;
      rows.correct[0][i] = i >= 5;
    }

    // When the bias is chosen over the originals, rows 0 to 7
    RouterTrainer.Bias bias = rows.bias(8);

    // Then rows 5 to 7 are lost (base right, adapter wrong), so the base must be raised to 5 (a tie
    // stays on the base)
    assertThat(bias.value()).isEqualTo(5f);
    assertThat(bias.lost()).isZero();
    assertThat(bias.originals()).isEqualTo(8);
  }

  /** Held-out rows 0..n-1 of two experts, all best on the base; rows below originalsTo original. */
  private static final class Rows {
    final float[] scores;
    final int[] idx;
    final int[] target;
    final boolean[][] correct;

    Rows(int n) {
      scores = new float[2 * n];
      idx = java.util.stream.IntStream.range(0, n).toArray();
      target = new int[n];
      correct = new boolean[][] {new boolean[n], new boolean[n]};
    }

    RouterTrainer.Bias bias(int originalsTo) {
      return RouterTrainer.baseBias(scores, idx, target, correct, 2, 0, originalsTo);
    }
  }
}
