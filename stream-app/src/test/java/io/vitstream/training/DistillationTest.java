package io.vitstream.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationTest {
  private static final Preprocessing PRE = Preprocessing.fashionMnist();

  private static LabeledImages train;
  private static LabeledImages test;

  @BeforeAll
  static void loadData() {
    train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN).limit(1024);
    test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).limit(256);
  }

  private static TrainingConfig teacherConfig(int epochs) {
    return TeacherTrainer.recipe(
        TrainingConfig.builder().batchSize(32).seed(3).evalLimit(256).build(), epochs);
  }

  @Test
  void shouldTrainATeacherWhoseLossFallsAndWhichSurvivesSaveAndLoad(@TempDir Path dir) {
    List<EpochResult> epochs = new ArrayList<>();
    TrainingListener record =
        new TrainingListener() {
          @Override
          public void onEpoch(EpochResult result) {
            epochs.add(result);
          }
        };
    try (ConvTeacher teacher = ConvTeacher.create(Device.cpu(), 1, 28, 10);
        ConvTeacher reloaded = ConvTeacher.create(Device.cpu(), 1, 28, 10);
        NDManager manager = NDManager.newBaseManager()) {
      // When a teacher trains for three epochs on 1,024 real images
      double accuracy = new TeacherTrainer(teacherConfig(3), record).fit(teacher, train, test, PRE);

      // Then its loss falls and it beats chance (0.1) by far on unseen images
      assertThat(epochs).hasSize(3);
      assertThat(epochs.get(2).trainLoss()).isLessThan(epochs.get(0).trainLoss());
      assertThat(accuracy).isGreaterThan(0.6);
      // And a saved teacher loads into a fresh network with the same outputs, BatchNorm included
      teacher.save(dir);
      assertThat(ConvTeacher.savedIn(dir)).isTrue();
      reloaded.load(dir);
      NDArray x = manager.randomNormal(new Shape(4, 1, 28, 28));
      float[] expected = teacher.logits(x).toFloatArray();
      assertThat(reloaded.logits(x).toFloatArray()).containsExactly(expected, within(1e-5f));
      assertThat(new Evaluator(64).evaluate(reloaded, test, PRE).accuracy()).isEqualTo(accuracy);
    }
  }

  @Test
  void shouldBlendTheTeachersProbabilitiesIntoTheTargets() {
    try (ConvTeacher teacher = ConvTeacher.create(Device.cpu(), 1, 28, 10);
        NDManager manager = NDManager.newBaseManager()) {
      NDArray x = manager.randomNormal(new Shape(2, 1, 28, 28));
      float[] p = teacher.logits(x).softmax(1).toFloatArray();
      float[] targets = new float[20];
      SmoothedCrossEntropy.writeTarget(targets, 0, 3, 10, 0);
      SmoothedCrossEntropy.writeTarget(targets, 1, 7, 10, 0);

      new Distillation(teacher, 0.25f).blendInto(x, targets);

      for (int i = 0; i < 20; i++) {
        float label = (i == 3 || i == 17) ? 1 : 0;
        assertThat(targets[i]).isCloseTo(0.75f * label + 0.25f * p[i], within(1e-6f));
      }
      float row0 = 0;
      for (int k = 0; k < 10; k++) {
        row0 += targets[k];
      }
      assertThat(row0).isCloseTo(1f, within(1e-5f));
      assertThatThrownBy(() -> new Distillation(teacher, 0))
          .hasMessage("distillation weight must be in (0, 1], got 0.0");
      assertThatThrownBy(() -> new Distillation(teacher, 1.5f))
          .hasMessage("distillation weight must be in (0, 1], got 1.5");
    }
  }

  @Test
  void shouldTeachTheStudentWhatTheTeacherBelievesNotTheLabels() {
    // Given a teacher trained to name the next class, not the image's own
    Djl.setSeed(7);
    try (ConvTeacher teacher = ConvTeacher.create(Device.cpu(), 1, 28, 10);
        VitModel student = VitModel.create(VitTrainerTest.TINY, Device.cpu(), Precision.FP32)) {
      new TeacherTrainer(teacherConfig(3), TrainingListener.NONE)
          .fit(teacher, VitTrainerTest.shifted(train), test, PRE);

      // When the student trains on the true labels, distilled with weight 1
      TrainingConfig config = VitTrainerTest.config().epochs(5).batchSize(32).evalLimit(0).build();
      new VitTrainer(config, TrainingListener.NONE)
          .distilledFrom(new Distillation(teacher, 1f))
          .fit(student, train, test, PRE, Optional.empty());

      // Then it learns the teacher's belief, the next class, rather than the labels
      Evaluator evaluator = new Evaluator(64);
      double nextClass = evaluator.evaluate(student, VitTrainerTest.shifted(test), PRE).accuracy();
      double trueClass = evaluator.evaluate(student, test, PRE).accuracy();
      assertThat(nextClass).isGreaterThan(0.3);
      assertThat(trueClass).isLessThan(nextClass - 0.2);
    }
  }
}
