package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GradientClipperTest {

  @Test
  void shouldLeaveGradientsAtOrBelowTheMaximumAlone() {
    GradientClipper clipper = new GradientClipper(1);

    assertThat(clipper.scale(0.25f)).isEqualTo(1);
    assertThat(clipper.scale(1)).isEqualTo(1);
  }

  @Test
  void shouldScaleGradientsAboveTheMaximumDownToIt() {
    // Given a norm of 4 and a maximum of 0.5, When scaled, Then the norm becomes 0.5
    float scale = new GradientClipper(0.5f).scale(4);

    assertThat((double) scale * 4).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void shouldRefuseANormThatIsNotFinite() {
    GradientClipper clipper = new GradientClipper(1);

    assertThatThrownBy(() -> clipper.scale(Float.NaN))
        .isInstanceOf(NonFiniteGradientException.class);
    assertThatThrownBy(() -> clipper.scale(Float.POSITIVE_INFINITY))
        .isInstanceOf(NonFiniteGradientException.class);
  }
}
