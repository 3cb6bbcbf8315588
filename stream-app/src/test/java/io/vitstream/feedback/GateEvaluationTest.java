package io.vitstream.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.vitstream.adapt.AdapterRecipe;
import io.vitstream.adapt.InputSymmetry;
import io.vitstream.adapt.PatchEmbeddingWeights;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GateEvaluationTest {
  private static final Optional<LogitModel> NONE = Optional.empty();

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
          gate.evaluate(1, LogitModel.of(a), LogitModel.of(b), NONE, holdout, pre, acc -> 0.5);
      GateEvaluation.Result aa =
          gate.evaluate(1, LogitModel.of(a), LogitModel.of(a), NONE, holdout, pre, acc -> acc);

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
          gate.evaluate(1, LogitModel.of(a), LogitModel.of(b), NONE, holdout, pre, acc -> acc);
      gate.promoted(2, ab);

      // When the next run judges a candidate of version 2 (here a again)
      GateEvaluation.Result next =
          gate.evaluate(2, LogitModel.of(b), LogitModel.of(a), NONE, holdout, pre, acc -> acc);

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

  @Test
  void shouldRunOnlyTheImagesACandidateRoutesAwayFromTheChampionsOwnPath() {
    // Given a champion, and a candidate made of its weights plus an inverting input adapter and a
    // router with random weights; a regression set of original and inverted images
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    LabeledImages holdout = test.slice(0, 60);
    InputSymmetry invert = new InputSymmetry(InputSymmetry.Turn.IDENTITY, true);
    LabeledImages regression = test.slice(9600, 9800).concat(invert.apply(test.slice(9800, 10000)));
    Preprocessing pre = Preprocessing.fashionMnist();
    Evaluator evaluator = new Evaluator(64);
    try (VitModel a = untrained(1);
        VitModel other = untrained(2);
        VitModel cand = withInvertingAdapter(a, pre)) {
      Optional<LogitModel> routes = AdapterRecipe.baseRoutes(a, cand);
      assertThat(routes).isPresent();
      int[] route = evaluator.predictions(routes.get(), regression, pre);
      long own = java.util.Arrays.stream(route).filter(r -> r != 0).count();
      assertThat(own).isBetween(1L, regression.count() - 1L);

      // When the gate judges it with the routes, and by running every image
      GateEvaluation.Result routed =
          new GateEvaluation(evaluator, regression)
              .evaluate(1, LogitModel.of(a), LogitModel.of(cand), routes, holdout, pre, acc -> acc);
      GateEvaluation.Result full =
          new GateEvaluation(evaluator, regression)
              .evaluate(1, LogitModel.of(a), LogitModel.of(cand), NONE, holdout, pre, acc -> acc);

      // Then the candidate's answers are the same, image by image
      assertThat(routed.candidateAnswers().predicted())
          .containsExactly(full.candidateAnswers().predicted());
      assertThat(routed.candidateRegression().confusion())
          .isEqualTo(full.candidateRegression().confusion());
      assertThat(routed.metrics().regression()).isEqualTo(full.metrics().regression());
      // And routes are offered only where the base path is the champion's, without adapters
      assertThat(AdapterRecipe.baseRoutes(other, cand)).isEmpty();
      assertThat(AdapterRecipe.baseRoutes(cand, cand)).isEmpty();
      assertThat(AdapterRecipe.baseRoutes(a, a)).isEmpty();
    }
  }

  /** {@code base}'s weights plus one input adapter: its embedding for inverted images. */
  private static VitModel withInvertingAdapter(VitModel base, Preprocessing pre) {
    Djl.setSeed(5);
    VitModel m =
        VitModel.create(TinyModels.TINY.withInputAdapters(1), Device.cpu(), Precision.FP32);
    try (NDManager tmp = m.newBatchManager()) {
      Map<String, NDArray> weights = new HashMap<>();
      base.parameters().forEach((name, p) -> weights.put(name, p.getArray()));
      weights.putAll(
          new InputSymmetry(InputSymmetry.Turn.IDENTITY, true)
              .transform(PatchEmbeddingWeights.read(base.parameters(), ""), pre)
              .arrays("adapters.1.", tmp));
      // a random router, so that images go to both experts
      m.parameters().entrySet().stream()
          .filter(e -> e.getKey().startsWith("router.") && !e.getKey().contains("feature"))
          .forEach(
              e -> weights.put(e.getKey(), tmp.randomNormal(e.getValue().getArray().getShape())));
      m.setWeights(weights);
    }
    return m;
  }

  /** An untrained tiny ViT, its weights drawn with {@code seed}. */
  private static VitModel untrained(long seed) {
    Djl.setSeed(seed);
    return VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
  }
}
