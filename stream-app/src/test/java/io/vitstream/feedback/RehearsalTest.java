package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.dataset.LabeledImages;
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
    Rehearsal rehearsal = new Rehearsal(pool(), 20, 3);

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

    assertThatThrownBy(() -> new Rehearsal(pool(), -1, 0))
        .hasMessageContaining("rehearsal examples must be >= 0");
    assertThatThrownBy(() -> new Rehearsal(empty, 10, 0)).hasMessageContaining("non-empty pool");
  }
}
