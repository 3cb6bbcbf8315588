package io.vitstream.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.runtime.ParallelBatches;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  @Test
  void shouldGiveProbabilityRowsWhoseArgmaxIsTheEvaluatedPredictionImageByImage() {
    LabeledImages images = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).limit(100);
    Preprocessing pre = Preprocessing.fashionMnist();
    Evaluator evaluator = new Evaluator(32); // 100 images: the last batch is partial
    Djl.setSeed(3);
    try (VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      float[] p = evaluator.probabilities(model, images, pre);
      Evaluation e = evaluator.evaluate(model, images, pre);

      assertThat(p).hasSize(100 * 10);
      int correct = 0;
      for (int i = 0; i < 100; i++) {
        double sum = 0;
        int best = 0;
        for (int k = 0; k < 10; k++) {
          sum += p[i * 10 + k];
          best = p[i * 10 + k] > p[i * 10 + best] ? k : best;
        }
        assertThat(sum).isCloseTo(1, within(1e-5));
        correct += best == images.label(i) ? 1 : 0;
        assertThat(e.correct(i)).as("image %d", i).isEqualTo(best == images.label(i));
      }
      assertThat(correct / 100.0).isEqualTo(e.accuracy());
      assertThat(e.correct().cardinality()).isEqualTo(correct);
    }
  }

  @Test
  void shouldGiveOnTwoThreadsImageByImageWhatOneThreadGives() {
    LabeledImages images = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).limit(300);
    Preprocessing pre = Preprocessing.fashionMnist();
    Djl.setSeed(5);
    try (VitModel model = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      // 300 images in batches of 32: ten batches, the last partial, taken by two threads at once
      Evaluator two = new Evaluator(32, new ParallelBatches(2));
      Evaluator one = new Evaluator(32, new ParallelBatches(1));

      assertThat(two.probabilities(model, images, pre))
          .containsExactly(one.probabilities(model, images, pre), within(1e-6f));
      assertThat(two.predictions(LogitModel.of(model), images, pre))
          .containsExactly(one.predictions(LogitModel.of(model), images, pre));
    }
  }
}
