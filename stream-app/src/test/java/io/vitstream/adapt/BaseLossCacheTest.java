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
import io.vitstream.training.TrainingConfig;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BaseLossCacheTest {
  private static final Preprocessing PRE = Preprocessing.fashionMnist();
  private static final InputSymmetry TURN = new InputSymmetry(InputSymmetry.Turn.ROTATE_90, false);
  private static final LabeledImages OTHERS = InputSymmetryTest.randomImages(30, 28, 5);
  private static final LabeledImages ORIGINALS = InputSymmetryTest.randomImages(120, 28, 6);
  private static final LabeledImages EXAMPLES =
      OTHERS.concat(ORIGINALS).concat(TURN.apply(ORIGINALS));
  private static final List<BaseLossCache.Segment> SEGMENTS =
      List.of(
          new BaseLossCache.Segment(ORIGINALS, InputSymmetry.IDENTITY, 30),
          new BaseLossCache.Segment(ORIGINALS, TURN, 150));

  @Test
  void shouldFitAsWithoutItWhenTheBaseAnswersComeFromAnEarlierFit() {
    try (VitModel model = adapted(3, 4)) {
      var cached = new RouterTrainer(new Cancellation());
      var fresh = new RouterTrainer(new Cancellation());
      String basePath = BaseLossCache.basePathDigest(model);

      var first = cachedFit(cached, model);
      var second = cachedFit(cached, model);
      var plain = fresh.fit(model, EXAMPLES, PRE, 3, Optional.empty(), 30, 150);

      assertThat(cached.baseLosses.get(basePath, ORIGINALS, InputSymmetry.IDENTITY)).isPresent();
      assertThat(cached.baseLosses.get(basePath, ORIGINALS, TURN)).isPresent();
      for (var fit : List.of(first, second)) {
        assertThat(fit.targetCounts()).containsExactly(plain.targetCounts());
        assertThat(fit.baseBias()).isEqualTo(plain.baseBias());
      }
    }
  }

  @Test
  void shouldUseKeptAnswersForTheSameBasePathOnly() {
    try (VitModel model = adapted(3, 4);
        VitModel other = adapted(8, 4)) {
      var trainer = new RouterTrainer(new Cancellation());
      // answers kept for model's base path that say the base expert gets every original exactly
      boolean[] all = new boolean[ORIGINALS.count()];
      Arrays.fill(all, true);
      var poisoned = new BaseLossCache.Block(new float[ORIGINALS.count()], all);
      String basePath = BaseLossCache.basePathDigest(model);
      trainer.baseLosses.put(basePath, ORIGINALS, InputSymmetry.IDENTITY, poisoned);
      trainer.baseLosses.put(basePath, ORIGINALS, TURN, poisoned);

      var onModel = cachedFit(trainer, model);
      var onOther = cachedFit(trainer, other);
      var otherPlain =
          new RouterTrainer(new Cancellation())
              .fit(other, EXAMPLES, PRE, 3, Optional.empty(), 30, 150);

      var modelPlain =
          new RouterTrainer(new Cancellation())
              .fit(model, EXAMPLES, PRE, 3, Optional.empty(), 30, 150);

      // the kept answers were used: every original and turned copy is best served by the base
      // expert, which measured serves fewer of them best
      int copies = 2 * ORIGINALS.count();
      assertThat(onModel.targetCounts()[0]).isGreaterThanOrEqualTo(copies);
      assertThat(modelPlain.targetCounts()[0]).isLessThan(copies);
      // another base path measures its own (and replaces what was kept)
      assertThat(onOther.targetCounts()).containsExactly(otherPlain.targetCounts());
      assertThat(trainer.baseLosses.get(basePath, ORIGINALS, TURN)).isEmpty();
    }
  }

  @Test
  void shouldWarmFromTheChampionTheAnswersAFitWouldMeasure() {
    try (VitModel model = adapted(3, 4);
        VitModel champion = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      Seeded.weights(champion, 3); // the base path of model, without its adapter
      var warmed = new RouterTrainer(new Cancellation());
      var measured = new RouterTrainer(new Cancellation());
      String basePath = BaseLossCache.basePathDigest(model);

      // When the originals as they are, and turned, are measured ahead from the champion
      boolean identity =
          warmed.baseLosses.warm(champion, ORIGINALS, InputSymmetry.IDENTITY, PRE, 64, () -> false);
      boolean turned = warmed.baseLosses.warm(champion, ORIGINALS, TURN, PRE, 64, () -> false);
      cachedFit(measured, model);

      // Then they hold what a fit of the model measures on those rows
      assertThat(identity).isTrue();
      assertThat(turned).isTrue();
      assertThat(BaseLossCache.basePathDigest(champion)).isEqualTo(basePath);
      for (InputSymmetry s : List.of(InputSymmetry.IDENTITY, TURN)) {
        var w = warmed.baseLosses.get(basePath, ORIGINALS, s).orElseThrow();
        var m = measured.baseLosses.get(basePath, ORIGINALS, s).orElseThrow();
        assertThat(w.correct()).as("%s", s).containsExactly(m.correct());
        for (int i = 0; i < ORIGINALS.count(); i++) {
          assertThat(w.loss()[i]).as("%s, image %d", s, i).isCloseTo(m.loss()[i], within(1e-4f));
        }
      }
      assertThat(warmed.baseLosses.get(basePath, ORIGINALS, TURN.inverse())).isEmpty();
    }
  }

  @Test
  void shouldKeepNothingOfAWarmUpThatWasStopped() {
    try (VitModel champion = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      Seeded.weights(champion, 3);
      var cache = new BaseLossCache();
      int[] polls = {0};

      // When a run asks the warm-up to stop after its first batch of 64
      boolean known = cache.warm(champion, ORIGINALS, TURN, PRE, 64, () -> polls[0]++ > 0);

      // Then the half-measured answers are not kept
      assertThat(known).isFalse();
      assertThat(polls[0]).isGreaterThan(1);
      assertThat(cache.get(BaseLossCache.basePathDigest(champion), ORIGINALS, TURN)).isEmpty();
    }
  }

  @Test
  void shouldMeasureAheadTheOtherFifteenSymmetriesAndKeepThoseDoneWhenStopped() {
    try (VitModel champion = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32)) {
      Seeded.weights(champion, 3);
      LabeledImages few = ORIGINALS.limit(20);
      int[] polls = {0};

      // When one recipe measures ahead to the end, and another is stopped after a few polls, then
      // goes on
      int all = recipe().warmAhead(champion, few, PRE, () -> false);
      AdapterRecipe stopped = recipe();
      int before = stopped.warmAhead(champion, few, PRE, () -> polls[0]++ >= 4);
      int after = stopped.warmAhead(champion, few, PRE, () -> false);

      // Then all fifteen are known in the end, some of them from before the stop
      assertThat(all).isEqualTo(15);
      assertThat(before).isBetween(1, 14);
      assertThat(after).isEqualTo(15);
    }
  }

  private static AdapterRecipe recipe() {
    var cancellation = new Cancellation();
    var trainer =
        new AdapterTrainer(TrainingConfig.fineTuning().build(), cancellation, InputSymmetry.all());
    return new AdapterRecipe(trainer, 4, 1, cancellation);
  }

  /** A fit that keeps the base answers on the originals of {@link #SEGMENTS} across fits. */
  private static RouterTrainer.Fitted cachedFit(RouterTrainer trainer, VitModel model) {
    return trainer.fit(
        model,
        EXAMPLES,
        PRE,
        3,
        Optional.empty(),
        30,
        150,
        new LossPass.Prior(SEGMENTS, List.of()));
  }

  /** A tiny ViT (base weights from {@code baseSeed}) with one adapter seeded {@code seed}. */
  static VitModel adapted(long baseSeed, long seed) {
    VitModel m =
        VitModel.create(TinyModels.TINY.withInputAdapters(1), Device.cpu(), Precision.FP32);
    try (VitModel base = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        VitModel adapter = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        NDManager tmp = m.newBatchManager()) {
      Seeded.weights(base, baseSeed);
      Seeded.weights(adapter, seed);
      var weights = AdapterTrainer.basePath(base);
      weights.putAll(
          PatchEmbeddingWeights.read(adapter.parameters(), "").arrays("adapters.1.", tmp));
      m.setWeights(weights);
    }
    return m;
  }
}
