package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitstream.dataset.LabeledImages;
import org.junit.jupiter.api.Test;

class SoftTargetsTest {
  private static LabeledImages labels(int... labels) {
    byte[] l = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      l[i] = (byte) labels[i];
    }
    return new LabeledImages(labels.length, 1, 1, new byte[labels.length], l);
  }

  @Test
  void shouldBuildOneHotRowsBlendAndJoinThem() {
    SoftTargets hot = SoftTargets.oneHot(labels(2, 0), 3);
    SoftTargets teacher = new SoftTargets(3, new float[] {0.5f, 0.5f, 0, 0, 0, 1});

    assertThat(hot.count()).isEqualTo(2);
    assertThat(hot.values()).containsExactly(0, 0, 1, 1, 0, 0);
    assertThat(hot.blend(teacher, 0.5).values()).containsExactly(0.25f, 0.25f, 0.5f, 0.5f, 0, 0.5f);
    assertThat(hot.blend(teacher, 0).values()).containsExactly(hot.values());
    assertThat(hot.concat(teacher).values())
        .containsExactly(0, 0, 1, 1, 0, 0, 0.5f, 0.5f, 0, 0, 0, 1);
  }

  @Test
  void shouldRefuseMisshapenRowsWeightsAndLabels() {
    SoftTargets hot = SoftTargets.oneHot(labels(1), 3);

    assertThatThrownBy(() -> new SoftTargets(3, new float[4])).hasMessageContaining("rows of 3");
    assertThatThrownBy(() -> hot.blend(hot, 1.5)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> hot.blend(SoftTargets.oneHot(labels(1, 1), 3), 0.5))
        .hasMessageContaining("cannot blend");
    assertThatThrownBy(() -> hot.concat(SoftTargets.oneHot(labels(1), 4)))
        .hasMessageContaining("cannot join");
    assertThatThrownBy(() -> SoftTargets.oneHot(labels(5), 3)).hasMessageContaining("label 5");
  }
}
