package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.Precision;
import io.vitstream.vit.ViTConfig;
import io.vitstream.vit.VitModel;
import java.util.Optional;
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

  @Test
  void shouldLearnTheTargetsRatherThanTheLabels() {
    // Given targets that name the next class, not the image's own label
    ViTConfig tiny =
        ViTConfig.builder()
            .imageSize(28)
            .channels(1)
            .patchSize(7)
            .width(32)
            .depth(2)
            .heads(2)
            .mlpSize(64)
            .numClasses(10)
            .build();
    LabeledImages train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN).limit(1024);
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).limit(256);
    SoftTargets next = SoftTargets.oneHot(shifted(train), 10);
    TrainingConfig config =
        TrainingConfig.builder()
            .epochs(5)
            .batchSize(32)
            .learningRate(3e-3f)
            .warmupEpochs(0.25f)
            .evalLimit(0)
            .build();
    Preprocessing pre = Preprocessing.fashionMnist();
    Djl.setSeed(7);
    try (VitModel model = VitModel.create(tiny, Device.cpu(), Precision.FP32)) {
      // When the model trains on them
      new VitTrainer(config, TrainingListener.NONE)
          .fit(model, train, Optional.of(next), test, pre, Optional.empty());

      // Then it predicts the next class, and seldom the true one
      Evaluator evaluator = new Evaluator(64);
      double nextClass = evaluator.evaluate(model, shifted(test), pre).accuracy();
      double trueClass = evaluator.evaluate(model, test, pre).accuracy();
      assertThat(nextClass).isGreaterThan(0.3); // chance is 0.1
      assertThat(trueClass).isLessThan(nextClass - 0.2);
      assertThatThrownBy(
              () ->
                  new VitTrainer(config, TrainingListener.NONE)
                      .fit(model, train.limit(64), Optional.of(next), test, pre, Optional.empty()))
          .hasMessageContaining("1024 target rows of 10 classes for 64 images");
    }
  }

  /** The same images, each labelled with the next class. */
  private static LabeledImages shifted(LabeledImages images) {
    byte[] next = new byte[images.count()];
    for (int i = 0; i < next.length; i++) {
      next[i] = (byte) ((images.label(i) + 1) % 10);
    }
    return new LabeledImages(images.count(), images.rows(), images.cols(), images.pixels(), next);
  }
}
