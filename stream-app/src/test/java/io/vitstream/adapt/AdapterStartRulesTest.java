package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** When an adapter keeps its starting point, with or without training it. */
class AdapterStartRulesTest {
  private static final InputSymmetry INVERT = new InputSymmetry(InputSymmetry.Turn.IDENTITY, true);

  @Test
  void shouldKeepASymmetryStartUnlessTrainingBeatsItSignificantly() {
    // 40 held-out images: training gains 0.05 on average, with a spread of +-1 (noise) or +-0.1
    double[] start = new double[40];
    double[] noisy = new double[40];
    double[] steady = new double[40];
    for (int i = 0; i < 40; i++) {
      start[i] = 1.0;
      noisy[i] = 0.95 + (i % 2 == 0 ? 1 : -1);
      steady[i] = 0.95 + (i % 2 == 0 ? 0.1 : -0.1);
    }

    assertThat(AdapterTrainer.keepsTrained(INVERT, noisy, start)).as("t = 0.31").isFalse();
    assertThat(AdapterTrainer.keepsTrained(INVERT, steady, start)).as("t = 3.1").isTrue();
    assertThat(AdapterTrainer.keepsTrained(INVERT, start, steady)).as("a loss").isFalse();
    assertThat(AdapterTrainer.keepsTrained(InputSymmetry.IDENTITY, noisy, start))
        .as("from the identity any gain counts")
        .isTrue();
    assertThat(AdapterTrainer.keepsTrained(InputSymmetry.IDENTITY, start, steady)).isFalse();
  }

  @Test
  void shouldSkipTrainingOnlyForASymmetryNotSignificantlyWorseThanTheServedVersion() {
    // the served version on its own domain: 200 losses of mean 0.2 (0.1 and 0.3 alternating)
    double[] served = alternating(200, 0.2, 0.1);
    // 40 held-out losses with a spread of +-0.5: a mean 0.1 above is t = 1.24, 0.2 above t = 2.5
    double[] littleWorse = alternating(40, 0.3, 0.5);
    double[] worse = alternating(40, 0.4, 0.5);

    assertThat(AdapterTrainer.fitsAlready(INVERT, littleWorse, served)).as("t = 1.24").isTrue();
    assertThat(AdapterTrainer.fitsAlready(INVERT, worse, served)).as("t = 2.5").isFalse();
    assertThat(AdapterTrainer.fitsAlready(INVERT, alternating(40, 0.1, 0.05), served))
        .as("better")
        .isTrue();
    assertThat(AdapterTrainer.fitsAlready(InputSymmetry.IDENTITY, littleWorse, served))
        .as("the identity is what training starts from")
        .isFalse();
    assertThat(AdapterTrainer.fitsAlready(INVERT, littleWorse, new double[0]))
        .as("served version unknown")
        .isFalse();
  }

  private static double[] alternating(int n, double mean, double spread) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = mean + (i % 2 == 0 ? spread : -spread);
    }
    return v;
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

    double[] own = AdapterTrainer.servedOwnLosses(served, start);
    assertThat(own).hasSize(n);
    assertThat(AdapterTrainer.mean(own)).isCloseTo(0.2, within(1e-12));
    assertThat(
            AdapterTrainer.servedOwnLosses(
                java.util.Arrays.copyOfRange(served, 1, n + 10),
                java.util.Arrays.copyOfRange(start, 1, n + 10)))
        .as("fewer than 2 * MIN_DOMAIN images of its own")
        .isEmpty();
  }
}
