package io.vitstream.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabeledImagesTest {
  private static LabeledImages images(int from, int count) {
    byte[] pixels = new byte[count * 2];
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (from + i);
      pixels[2 * i] = (byte) (from + i);
      pixels[2 * i + 1] = (byte) (100 + from + i);
    }
    return new LabeledImages(count, 1, 2, pixels, labels);
  }

  @Test
  void shouldJoinTwoSetsInOrder() {
    LabeledImages joined = images(0, 3).concat(images(3, 2));

    assertThat(joined.count()).isEqualTo(5);
    assertThat(joined.labels()).containsExactly(0, 1, 2, 3, 4);
    assertThat(joined.pixel(4, 0, 1)).isEqualTo(104);
  }

  @Test
  void shouldSelectByIndexWithRepeats() {
    LabeledImages picked = images(0, 5).select(new int[] {4, 0, 4});

    assertThat(picked.labels()).containsExactly(4, 0, 4);
    assertThat(picked.pixel(1, 0, 1)).isEqualTo(100);
  }

  @Test
  void shouldRefuseMismatchedSizesAndBadIndices() {
    LabeledImages square = new LabeledImages(1, 2, 2, new byte[4], new byte[1]);

    assertThatThrownBy(() -> images(0, 1).concat(square)).hasMessageContaining("cannot join");
    assertThatThrownBy(() -> images(0, 2).select(new int[] {2}))
        .hasMessage("index 2 out of 2 images");
  }
}
