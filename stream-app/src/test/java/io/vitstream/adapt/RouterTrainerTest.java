package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.TinyModels;
import io.vitstream.training.Cancellation;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterTrainerTest {
  private static final Preprocessing PRE = Preprocessing.fashionMnist();

  @ParameterizedTest
  @ValueSource(strings = {"IDENTITY", "ROTATE_90"})
  void shouldFitTheSameRouterWhenASymmetricExpertsLossesAreReadAcross(String turn) {
    // Given a tiny ViT whose one adapter is the base embedding under a symmetry (inverted, and
    // turned or not), and examples: 30 others, 120 originals, then the 120 transformed
    InputSymmetry s = new InputSymmetry(InputSymmetry.Turn.valueOf(turn), true);
    LabeledImages others = InputSymmetryTest.randomImages(30, 28, 5);
    LabeledImages originals = InputSymmetryTest.randomImages(120, 28, 6);
    LabeledImages examples = others.concat(originals).concat(s.apply(originals));
    var mirror = new MirroredExpert(1, 30, 150, 120, s.isInvolution());
    try (VitModel base = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        VitModel read = adapted(base, s);
        VitModel measured = adapted(base, s)) {
      var router = new RouterTrainer(new Cancellation());

      // When the router is fitted with the adapter's losses read across, and all measured
      var fast = router.fit(read, examples, PRE, 3, Optional.of(mirror), 30, 150);
      var slow = router.fit(measured, examples, PRE, 3, Optional.empty(), 30, 150);

      // Then both fits saw the same best experts, and chose the same bias
      assertThat(fast.targetCounts()).containsExactly(slow.targetCounts());
      assertThat(fast.baseBias()).isEqualTo(slow.baseBias());
      assertThat(fast.steps())
          .isEqualTo(slow.steps())
          .isBetween(RouterTraining.MIN_STEPS, RouterTraining.STEPS);
      assertThat(fast.agreement())
          .isCloseTo(slow.agreement(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(s.isInvolution()).isEqualTo(turn.equals("IDENTITY"));
    }
  }

  @Test
  void shouldFitTheSameRouterWhenAQuarterTurnsAnswersOnTheOriginalsAreReadFromTheOtherTurn() {
    // Given an adapter that is the base embedding under a quarter turn, and the base expert's
    // answers on the originals turned back (what the adapter answers on the originals), measured
    // ahead
    InputSymmetry s = new InputSymmetry(InputSymmetry.Turn.ROTATE_90, false);
    LabeledImages others = InputSymmetryTest.randomImages(30, 28, 5);
    LabeledImages originals = InputSymmetryTest.randomImages(120, 28, 6);
    LabeledImages examples = others.concat(originals).concat(s.apply(originals));
    try (VitModel base = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        VitModel read = adapted(base, s);
        VitModel measured = adapted(base, s)) {
      var ahead = new BaseLossCache();
      ahead.warm(base, originals, s.inverse(), PRE, 64, () -> false);
      var inverse = ahead.get(BaseLossCache.basePathDigest(base), originals, s.inverse());
      var mirror = new MirroredExpert(1, 30, 150, 120, false, inverse, false);
      var router = new RouterTrainer(new Cancellation());

      // When the router is fitted with the adapter's answers on both copies read across, and all
      // measured
      var fast = router.fit(read, examples, PRE, 3, Optional.of(mirror), 30, 150);
      var slow = router.fit(measured, examples, PRE, 3, Optional.empty(), 30, 150);

      // Then the pass ran the adapter on none of the originals, and both fits are the same
      boolean[] skipped = mirror.rows(examples.count());
      assertThat(skipped[30]).isTrue();
      assertThat(skipped[149]).isTrue();
      assertThat(skipped[29]).isFalse();
      assertThat(s.inverse().turn()).isEqualTo(InputSymmetry.Turn.ROTATE_270);
      assertThat(fast.targetCounts()).containsExactly(slow.targetCounts());
      assertThat(fast.baseBias()).isEqualTo(slow.baseBias());
      assertThat(fast.steps()).isEqualTo(slow.steps());
      assertThat(fast.agreement())
          .isCloseTo(slow.agreement(), org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void shouldWeighTheHeldOutCrossEntropyByEachExamplesWeight() {
    // two held-out rows of three experts: scores (0, ln 2, 0) with target 1, (0, 0, 0) with target
    // 0
    float ln2 = (float) Math.log(2);
    float[] scores = {0, ln2, 0, 0, 0, 0};
    int[] idx = {4, 7};
    int[] target = new int[8];
    target[4] = 1;
    float[] weight = new float[8];
    weight[4] = 3;
    weight[7] = 1;

    double loss = RouterTraining.heldOutLoss(scores, idx, target, weight, 3);

    // -ln(2/4) = ln 2 for the first, -ln(1/3) = ln 3 for the second, weighted 3 : 1
    assertThat(loss).isCloseTo((3 * Math.log(2) + Math.log(3)) / 4, within(1e-6));
  }

  private static VitModel adapted(VitModel base, InputSymmetry s) {
    Seeded.weights(base, 3);
    VitModel m =
        VitModel.create(TinyModels.TINY.withInputAdapters(1), Device.cpu(), Precision.FP32);
    try (NDManager tmp = m.newBatchManager()) {
      var weights = AdapterTrainer.basePath(base);
      weights.putAll(
          s.transform(PatchEmbeddingWeights.read(base.parameters(), ""), PRE)
              .arrays("adapters.1.", tmp));
      m.setWeights(weights);
    }
    return m;
  }
}
