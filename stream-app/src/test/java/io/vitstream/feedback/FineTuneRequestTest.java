package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.dataset.LabeledImages;
import org.junit.jupiter.api.Test;

class FineTuneRequestTest {
  private static final LabeledImages NONE = new LabeledImages(0, 2, 2, new byte[0], new byte[0]);

  /** {@code n} 2x2 images labelled {@code first}, {@code first + 1}, ... */
  private static LabeledImages labelled(int n, int first, int side) {
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (first + i);
    }
    return new LabeledImages(n, side, side, new byte[n * side * side], labels);
  }

  @Test
  void shouldKeepTheNewestFreshLabelsOfBothAndTheUrgencyWhenItReplacesAWaitingRequest() {
    // Given an urgent request with labels 0..2 waiting, and a routine one with labels 3..6
    var waiting = new FineTuneRequest(labelled(3, 0, 2), NONE, NONE, "drop", true);
    var newer = new FineTuneRequest(labelled(4, 3, 2), NONE, labelled(1, 9, 2), "200 labels");

    // When the newer replaces it, keeping at most 5 fresh labels
    var merged = newer.replacing(waiting, 5);

    // Then the 5 newest labels stay, in order, with the newer holdout, and it is urgent
    assertThat(merged.fresh().labels()).containsExactly(2, 3, 4, 5, 6);
    assertThat(merged.holdout().labels()).containsExactly(9);
    assertThat(merged.urgent()).isTrue();
    assertThat(merged.feedback()).isEqualTo("200 labels; with 3 labels of a request it replaced");
  }

  @Test
  void shouldDropTheWaitingLabelsWhenTheyHaveAnotherSize() {
    var waiting = new FineTuneRequest(labelled(3, 0, 4), labelled(0, 0, 4), NONE, "old size");
    var newer = new FineTuneRequest(labelled(2, 3, 2), NONE, NONE, "new size");

    assertThat(newer.replacing(waiting, 100)).isSameAs(newer);
  }
}
