package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** When an adapter keeps its starting point, with or without training it. */
class AdapterStartRulesTest {
  private static final InputSymmetry INVERT = new InputSymmetry(InputSymmetry.Turn.IDENTITY, true);

  @Test
  void shouldKeepASymmetryStartUnlessTrainingBeatsItByTheMargin() {
    assertThat(AdapterTrainer.keepsTrained(INVERT, 0.37, 0.40)).isFalse(); // 7.5 % better
    assertThat(AdapterTrainer.keepsTrained(INVERT, 0.35, 0.40)).isTrue(); // 12.5 % better
    assertThat(AdapterTrainer.keepsTrained(InputSymmetry.IDENTITY, 0.399, 0.40)).isTrue();
    assertThat(AdapterTrainer.keepsTrained(InputSymmetry.IDENTITY, 0.41, 0.40)).isFalse();
  }

  @Test
  void shouldSkipTrainingOnlyForASymmetryAsGoodAsTheServedVersionOnItsOwnDomain() {
    assertThat(AdapterTrainer.fitsAlready(INVERT, 0.21, 0.20)).isTrue();
    assertThat(AdapterTrainer.fitsAlready(INVERT, 0.23, 0.20)).isFalse();
    assertThat(AdapterTrainer.fitsAlready(InputSymmetry.IDENTITY, 0.10, 0.20)).isFalse();
    assertThat(AdapterTrainer.fitsAlready(INVERT, 0.10, Double.NaN)).isFalse();
  }

  @Test
  void shouldMeasureTheServedVersionOnTheImagesItExplainsBetter() {
    int n = 2 * AdapterTrainer.MIN_DOMAIN;
    double[] served = new double[n + 10];
    double[] start = new double[n + 10];
    for (int i = 0; i < n; i++) {
      served[i] = i % 2 == 0 ? 0.1 : 0.3; // its own domain: mean 0.2
      start[i] = 3;
    }
    for (int i = n; i < n + 10; i++) {
      served[i] = 2.5; // the drifted images, which the start explains better
      start[i] = 0.2;
    }

    assertThat(AdapterTrainer.servedOwnLoss(served, start)).isCloseTo(0.2, within(1e-12));
    assertThat(
            AdapterTrainer.servedOwnLoss(
                java.util.Arrays.copyOfRange(served, 1, n + 10),
                java.util.Arrays.copyOfRange(start, 1, n + 10)))
        .as("fewer than 2 * MIN_DOMAIN images of its own")
        .isNaN();
  }
}
