package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import org.junit.jupiter.api.Test;

class GateEvaluationTest {
  @Test
  void shouldPairTwoModelsOnTheSameImagesOfBothSets() {
    // Given two untrained tiny ViTs (different seeds), 150 holdout and 300 regression images
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    LabeledImages holdout = test.slice(0, 150);
    LabeledImages regression = test.slice(9700, 10000);
    Preprocessing pre = Preprocessing.fashionMnist();
    Evaluator evaluator = new Evaluator(64);
    try (VitModel a = untrained(1);
        VitModel b = untrained(2)) {
      var gate = new GateEvaluation(evaluator, regression);

      // When the gate evaluates a against b, and a against itself
      GateEvaluation.Result ab =
          gate.evaluate(1, LogitModel.of(a), LogitModel.of(b), holdout, pre, acc -> 0.5);
      GateEvaluation.Result aa =
          gate.evaluate(1, LogitModel.of(a), LogitModel.of(a), holdout, pre, acc -> acc);

      // Then the pairs hold both models' accuracies on every image of each set
      Evaluation aOnHoldout = evaluator.evaluate(a, holdout, pre);
      Evaluation bOnRegression = evaluator.evaluate(b, regression, pre);
      assertThat(ab.metrics().holdout().n()).isEqualTo(150);
      assertThat(ab.metrics().regression().n()).isEqualTo(300);
      assertThat(ab.metrics().championHoldout()).isEqualTo(aOnHoldout.accuracy());
      assertThat(ab.metrics().candidateRegression()).isEqualTo(bOnRegression.accuracy());
      assertThat(ab.candidateRegression().correct()).isEqualTo(bOnRegression.correct());
      assertThat(ab.metrics().baselineRegression()).isEqualTo(0.5);
      // And a model never disagrees with itself; its baseline is what the operator says
      assertThat(aa.metrics().holdout().championOnly()).isZero();
      assertThat(aa.metrics().holdout().candidateOnly()).isZero();
      assertThat(aa.metrics().regression().mcNemarP()).isEqualTo(1.0);
      assertThat(aa.metrics().baselineRegression()).isEqualTo(aa.metrics().championRegression());
    }
  }

  @Test
  void shouldJudgeThePromotedVersionByItsAnswersAsACandidate() {
    // Given a gate that judged b as a candidate of a (version 1), and b promoted as version 2
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    LabeledImages holdout = test.slice(0, 60);
    LabeledImages regression = test.slice(9800, 10000);
    Preprocessing pre = Preprocessing.fashionMnist();
    try (VitModel a = untrained(1);
        VitModel b = untrained(2)) {
      var gate = new GateEvaluation(new Evaluator(64), regression);
      GateEvaluation.Result ab =
          gate.evaluate(1, LogitModel.of(a), LogitModel.of(b), holdout, pre, acc -> acc);
      gate.promoted(2, ab.candidateRegression());

      // When the next run judges a candidate of version 2 (here a again)
      GateEvaluation.Result next =
          gate.evaluate(2, LogitModel.of(b), LogitModel.of(a), holdout, pre, acc -> acc);

      // Then version 2's regression answers are b's as judged, and version 1's are measured again
      assertThat(gate.championRegression(2, LogitModel.of(a), pre))
          .isSameAs(ab.candidateRegression());
      assertThat(next.metrics().championRegression()).isEqualTo(ab.metrics().candidateRegression());
      assertThat(next.metrics().regression().championOnly())
          .isEqualTo(ab.metrics().regression().candidateOnly());
      assertThat(gate.championRegression(1, LogitModel.of(a), pre).correct())
          .isEqualTo(next.candidateRegression().correct());
    }
  }

  /** An untrained tiny ViT, its weights drawn with {@code seed}. */
  private static VitModel untrained(long seed) {
    Djl.setSeed(seed);
    return VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
  }
}
