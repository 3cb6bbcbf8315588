package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.DatasetNotFoundException;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.evaluation.LogitModel;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelCandidate;
import io.vitstream.store.ModelManifest;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.ShippedModel;
import io.vitstream.testing.Tensors;
import io.vitstream.training.Cancellation;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingListener;
import io.vitstream.vit.Precision;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter recipe on the shipped model and real Fashion-MNIST images. */
class AdapterRecipeTest {
  private static LabeledImages test;
  private static LabeledImages train;

  @BeforeAll
  static void load() {
    try {
      test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
      train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN).limit(1500);
    } catch (DatasetNotFoundException e) {
      Assumptions.abort("Fashion-MNIST is not installed: " + e.getMessage());
    }
  }

  @Test
  void shouldRecoverQuarterTurnedImagesFromAFewHundredLabelsWithoutForgetting(@TempDir Path dir)
      throws Exception {
    // Given the shipped model and 300 labelled images turned a quarter clockwise
    InputSymmetry turn = new InputSymmetry(InputSymmetry.Turn.ROTATE_90, false);
    ModelStore store = ShippedModel.copyInto(dir);
    LabeledImages fresh = turn.apply(test.slice(0, 300));
    LabeledImages originals = test.slice(5000, 6000);
    LabeledImages turned = turn.apply(originals);
    var recipe =
        new AdapterRecipe(
            new AdapterTrainer(
                TrainingConfig.fineTuning().epochs(4).batchSize(32).learningRate(0.01f).build(),
                TrainingListener.NONE,
                InputSymmetry.all()),
            4,
            7,
            new Cancellation());
    Evaluator ev = new Evaluator(256);
    try (LoadedModel champ =
        store.load(ShippedModel.NAME, OptionalInt.empty(), Device.cpu(), Precision.FP32)) {
      var pre = champ.manifest().preprocessing();
      double champOriginal = ev.evaluate(champ.model(), originals, pre).accuracy();
      double champTurned = ev.evaluate(champ.model(), turned, pre).accuracy();

      // When a candidate is built: an adapter from the best symmetry and a refitted router
      AdapterRecipe.Candidate c = recipe.build(champ.model(), fresh, fresh.limit(0), train, pre);
      try (var cand = c.model()) {
        double candOriginal = ev.evaluate(cand, originals, pre).accuracy();
        double candTurned = ev.evaluate(cand, turned, pre).accuracy();

        // Then it starts from the quarter turn, serves the turned images and keeps the originals
        assertThat(c.adapted().start()).isEqualTo(turn);
        assertThat(cand.config().inputAdapters()).isEqualTo(1);
        assertThat(champTurned).isLessThan(0.3);
        assertThat(candTurned).isGreaterThan(0.8);
        assertThat(candOriginal).isGreaterThan(champOriginal - 0.02);
        assertThat(c.describe()).contains("from rotate-90");

        // And the version round-trips through the store with the same answers
        int version = store.publish(ShippedModel.NAME, cand, candidate(champ.manifest()));
        try (LoadedModel loaded =
                store.load(
                    ShippedModel.NAME, OptionalInt.of(version), Device.cpu(), Precision.FP32);
            NDManager m = cand.newBatchManager()) {
          assertThat(loaded.model().config().inputAdapters()).isEqualTo(1);
          var x = InputSymmetryTest.batch(turned.limit(64), m);
          assertThat(
                  Tensors.maxAbsDiff(
                      cand.forwardExpert(x, -1), loaded.model().forwardExpert(x, -1)))
              .isLessThan(1e-5);
          assertThat(ev.evaluate(LogitModel.of(loaded.model()), turned, pre).accuracy())
              .isEqualTo(candTurned);
        }
      }
    }
  }

  private static ModelCandidate candidate(ModelManifest m) {
    return new ModelCandidate(
        m.labels(),
        m.preprocessing(),
        m.metrics(),
        new ModelManifest.Provenance("fine-tuned", 1, 7, "test", 1.0, "adapter test"),
        m.version());
  }
}
