package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitTrainerTest {
  static final ViTConfig TINY =
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

  private static LabeledImages train;
  private static LabeledImages test;

  @BeforeAll
  static void loadData() {
    train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN).limit(1024);
    test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).limit(256);
  }

  static TrainingConfig.Builder config() {
    return TrainingConfig.builder()
        .batchSize(64)
        .learningRate(3e-3f)
        .warmupEpochs(0.25f)
        .labelSmoothing(0)
        .evalLimit(256);
  }

  @Test
  void shouldReduceTheLossWithinAFewStepsOnASmallSubset() {
    Djl.setSeed(7);
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      TrainingResult result =
          new VitTrainer(config().epochs(5).batchSize(32).build(), TrainingListener.NONE)
              .fit(model, train, test, Preprocessing.fashionMnist(), Optional.empty());

      assertThat(result.history()).hasSize(5);
      double first = result.history().get(0).trainLoss();
      double last = result.history().get(4).trainLoss();
      assertThat(first).isCloseTo(Math.log(10), within(0.3));
      assertThat(last).isLessThan(first - 0.25);
      assertThat(result.finalEvaluation().accuracy()).isGreaterThan(0.3); // chance is 0.1
    }
  }

  @Test
  void shouldReduceTheLossWithSgdMomentumToo() {
    Djl.setSeed(7);
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      TrainingConfig sgd =
          config().optimizer(OptimizerKind.SGD).learningRate(0.05f).epochs(3).batchSize(32).build();
      TrainingResult result =
          new VitTrainer(sgd, TrainingListener.NONE)
              .fit(model, train, test, Preprocessing.fashionMnist(), Optional.empty());

      double first = result.history().get(0).trainLoss();
      double last = result.history().get(2).trainLoss();
      assertThat(last).isLessThan(first - 0.1);
      assertThat(result.finalEvaluation().accuracy()).isGreaterThan(0.2); // chance is 0.1
    }
  }

  @Test
  void shouldParseTheOptimizerByNameAndRefuseOthers() {
    assertThat(OptimizerKind.parse(" SGD ")).isEqualTo(OptimizerKind.SGD);
    assertThat(OptimizerKind.parse("adamw")).isEqualTo(OptimizerKind.ADAMW);
    assertThatThrownBy(() -> OptimizerKind.parse("rmsprop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown optimizer 'rmsprop': adamw or sgd");
  }

  @Test
  void shouldResumeAfterTheLastCompletedEpoch(@TempDir Path dir) {
    TrainingCheckpoint checkpoint = new TrainingCheckpoint(dir);
    TrainingConfig twoEpochs = config().epochs(2).build();
    TrainingListener crashAfterFirstEpoch =
        new TrainingListener() {
          @Override
          public void onEpoch(EpochResult result) {
            throw new IllegalStateException("simulated crash after epoch " + result.epoch());
          }
        };
    Djl.setSeed(7);
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      assertThatThrownBy(
              () ->
                  new VitTrainer(twoEpochs, crashAfterFirstEpoch)
                      .fit(
                          model,
                          train,
                          test,
                          Preprocessing.fashionMnist(),
                          Optional.of(checkpoint)))
          .hasMessageContaining("simulated crash after epoch 1");
    }
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      TrainingResult result =
          new VitTrainer(twoEpochs, TrainingListener.NONE)
              .fit(model, train, test, Preprocessing.fashionMnist(), Optional.of(checkpoint));

      assertThat(result.history()).extracting(EpochResult::epoch).containsExactly(1, 2);
      // Epoch 2 starts from epoch 1's weights: its loss is already below epoch 1's.
      assertThat(result.history().get(1).trainLoss())
          .isLessThan(result.history().get(0).trainLoss());
    }
  }

  @Test
  void shouldRefuseToResumeWithAnotherGeometry(@TempDir Path dir) {
    TrainingCheckpoint checkpoint = new TrainingCheckpoint(dir);
    TrainingConfig oneEpoch = config().epochs(1).evalLimit(0).build();
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      new VitTrainer(oneEpoch, TrainingListener.NONE)
          .fit(
              model,
              train.limit(64),
              test.limit(64),
              Preprocessing.fashionMnist(),
              Optional.of(checkpoint));
    }
    ViTConfig wider = TINY.toBuilder().width(48).heads(2).mlpSize(96).build();
    try (VitModel model = VitModel.create(wider, Device.cpu(), Precision.FP32)) {
      assertThatThrownBy(
              () ->
                  new VitTrainer(oneEpoch, TrainingListener.NONE)
                      .fit(
                          model,
                          train,
                          test,
                          Preprocessing.fashionMnist(),
                          Optional.of(checkpoint)))
          .hasMessageContaining("resume with the same geometry, batch size and seed");
    }
  }

  @Test
  void shouldStretchTheScheduleWhenResumedWithMoreEpochsButNeverShrinkIt(@TempDir Path dir) {
    TrainingCheckpoint checkpoint = new TrainingCheckpoint(dir);
    LabeledImages few = train.limit(128);
    Preprocessing pre = Preprocessing.fashionMnist();
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      new VitTrainer(config().epochs(1).evalLimit(0).build(), TrainingListener.NONE)
          .fit(model, few, test.limit(64), pre, Optional.of(checkpoint));
    }
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      TrainingResult result =
          new VitTrainer(config().epochs(2).evalLimit(0).build(), TrainingListener.NONE)
              .fit(model, few, test.limit(64), pre, Optional.of(checkpoint));

      assertThat(result.history()).extracting(EpochResult::epoch).containsExactly(1, 2);
      assertThat(result.history().get(1).steps()).isEqualTo(2); // 128 images, batch 64
    }
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
      assertThatThrownBy(
              () ->
                  new VitTrainer(config().epochs(1).build(), TrainingListener.NONE)
                      .fit(model, few, test.limit(64), pre, Optional.of(checkpoint)))
          .hasMessageContaining("has already trained 2 epochs");
    }
  }

  @Test
  void shouldLearnSoftTargetsRatherThanTheLabels() {
    // Given targets that name the next class, not the image's own label
    SoftTargets next = SoftTargets.oneHot(shifted(train), 10);
    TrainingConfig config = config().epochs(5).batchSize(32).evalLimit(0).build();
    Preprocessing pre = Preprocessing.fashionMnist();
    Djl.setSeed(7);
    try (VitModel model = VitModel.create(TINY, Device.cpu(), Precision.FP32)) {
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
  static LabeledImages shifted(LabeledImages images) {
    byte[] next = new byte[images.count()];
    for (int i = 0; i < next.length; i++) {
      next[i] = (byte) ((images.label(i) + 1) % 10);
    }
    return new LabeledImages(images.count(), images.rows(), images.cols(), images.pixels(), next);
  }
}
