package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.training.SoftTargets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RehearsalTest {
  /** 50 2x2 images; image i has every pixel and its label equal to i. */
  private static LabeledImages pool() {
    int n = 50;
    byte[] pixels = new byte[n * 4];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) i;
      for (int p = 0; p < 4; p++) {
        pixels[i * 4 + p] = (byte) i;
      }
    }
    return new LabeledImages(n, 2, 2, pixels, labels);
  }

  @Test
  void shouldDrawWholeExamplesFromThePoolTheSameWayForTheSameRun() {
    Rehearsal rehearsal = new Rehearsal(pool(), 20, 3, 0);

    LabeledImages first = rehearsal.draw(0);
    LabeledImages again = rehearsal.draw(0);
    LabeledImages next = rehearsal.draw(1);

    assertThat(first.count()).isEqualTo(20);
    for (int i = 0; i < first.count(); i++) {
      assertThat(first.pixel(i, 1, 1)).isEqualTo(first.label(i)); // pixels travel with labels
    }
    assertThat(again.labels()).isEqualTo(first.labels());
    assertThat(next.labels()).isNotEqualTo(first.labels());
  }

  @Test
  void shouldDrawNothingWhenOff() {
    LabeledImages none = Rehearsal.none(28, 28).draw(5);

    assertThat(none.count()).isZero();
    assertThat(none.rows()).isEqualTo(28);
  }

  @Test
  void shouldRefuseANegativeSizeOrAnEmptyPool() {
    LabeledImages empty = new LabeledImages(0, 2, 2, new byte[0], new byte[0]);

    assertThatThrownBy(() -> new Rehearsal(pool(), -1, 0, 0))
        .hasMessageContaining("rehearsal examples must be >= 0");
    assertThatThrownBy(() -> new Rehearsal(empty, 10, 0, 0)).hasMessageContaining("non-empty pool");
    assertThatThrownBy(() -> new Rehearsal(pool(), 10, 0, 1.5))
        .hasMessageContaining("distill must be in [0, 1]");
  }

  @Test
  void shouldTargetLabelsForFeedbackAndBlendTheChampionIntoRehearsedImages() {
    Rehearsal rehearsal = new Rehearsal(pool(), 2, 3, 0.25);
    LabeledImages feedback = pool().select(new int[] {1});
    LabeledImages drawn = pool().select(new int[] {2, 7});
    float[] champion = new float[2 * 10];
    champion[0] = 1; // the champion says class 0 for the first drawn image (label 2)
    champion[10 + 7] = 1; // and the label, 7, for the second

    SoftTargets targets = rehearsal.targets(feedback, drawn, 10, () -> champion).orElseThrow();

    assertThat(targets.count()).isEqualTo(3);
    assertThat(row(targets, 0)).containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(row(targets, 1)).containsExactly(0.25f, 0, 0.75f, 0, 0, 0, 0, 0, 0, 0);
    assertThat(row(targets, 2)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 0, 0);
  }

  @Test
  void shouldTrainOnLabelsWithoutAskingTheChampionWhenNothingIsDistilled() {
    Supplier<float[]> never =
        () -> {
          throw new AssertionError("champion asked");
        };
    LabeledImages drawn = pool().select(new int[] {2});

    assertThat(new Rehearsal(pool(), 1, 3, 0).targets(drawn, drawn, 50, never)).isEmpty();
    assertThat(new Rehearsal(pool(), 1, 3, 1).targets(drawn, drawn.limit(0), 50, never)).isEmpty();
  }

  private static float[] row(SoftTargets t, int row) {
    return java.util.Arrays.copyOfRange(t.values(), row * t.classes(), (row + 1) * t.classes());
  }
}
