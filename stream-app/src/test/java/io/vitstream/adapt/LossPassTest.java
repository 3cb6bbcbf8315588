package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.VitModel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LossPassTest {
  private static final Preprocessing PRE = Preprocessing.fashionMnist();

  @Test
  void shouldTakeKnownLossesAndMeasureTheOtherRowsAsAFullPassWould() {
    // Given 300 examples (a full batch of 256 and a partial one) and losses known for rows 0-199
    LabeledImages data = InputSymmetryTest.randomImages(300, 28, 7);
    int known = 200;
    try (VitModel model = BaseLossCacheTest.adapted(3, 4)) {
      LossPass pass = new LossPass(new BaseLossCache(), new Cancellation());
      LossPass.Measured plain =
          pass.measure(model, data, PRE, 2, Optional.empty(), LossPass.Prior.NONE);
      double[][] given = new double[2][known];
      for (int e = 0; e < 2; e++) {
        for (int i = 0; i < known; i++) {
          given[e][i] = plain.loss()[e][i] + 1 + e; // told apart from what a pass would measure
        }
      }

      // When the pass is told them
      LossPass.Measured reused =
          pass.measure(
              model,
              data,
              PRE,
              2,
              Optional.empty(),
              new LossPass.Prior(
                  List.of(),
                  List.of(new LossPass.Known(0, 0, given[0]), new LossPass.Known(1, 0, given[1]))));

      // Then the known rows carry them, and the rest (a batch's remainder among them) the measured
      for (int e = 0; e < 2; e++) {
        for (int i = 0; i < data.count(); i++) {
          double expected = i < known ? given[e][i] : plain.loss()[e][i];
          assertThat((double) reused.loss()[e][i])
              .as("expert %d, row %d", e, i)
              .isCloseTo(expected, within(1e-4));
          if (i >= known) {
            assertThat(reused.correct()[e][i]).isEqualTo(plain.correct()[e][i]);
          }
        }
      }
      assertThat(reused.features()).containsExactly(plain.features());
    }
  }
}
