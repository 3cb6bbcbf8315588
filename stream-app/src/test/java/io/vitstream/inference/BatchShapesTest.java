package io.vitstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BatchShapesTest {
  @Test
  void shouldUsePowersOfTwoUpToTheMaximum() {
    assertThat(new BatchShapes(32).sizes()).containsExactly(1, 2, 4, 8, 16, 32);
    assertThat(new BatchShapes(24).sizes()).containsExactly(1, 2, 4, 8, 16, 24);
    assertThat(new BatchShapes(1).sizes()).containsExactly(1);
  }

  @Test
  void shouldPadToTheSmallestShapeThatHoldsTheBatch() {
    var shapes = new BatchShapes(24);
    assertThat(shapes.padTo(1)).isEqualTo(1);
    assertThat(shapes.padTo(3)).isEqualTo(4);
    assertThat(shapes.padTo(17)).isEqualTo(24);
    assertThat(shapes.padTo(24)).isEqualTo(24);
    assertThatThrownBy(() -> shapes.padTo(25)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> shapes.padTo(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
