package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.DatasetNotFoundException;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.image.Preprocessing;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.ShippedModel;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter's starting points scored in two rounds, against scoring every one on every image. */
class StartScreeningTest {
  private static final List<InputSymmetry> STARTS = InputSymmetry.all();

  @Test
  void shouldKeepTheIdentityAndTheBestOthersForTheSecondRound() {
    double[] firstRound = new double[STARTS.size()];
    for (int s = 0; s < firstRound.length; s++) {
      firstRound[s] = 10 - s; // the later a start is listed, the better it scored
    }
    int identity = STARTS.indexOf(InputSymmetry.IDENTITY);

    boolean[] finalists = StartScreening.finalists(STARTS, firstRound, true);

    int n = STARTS.size();
    assertThat(finalists[identity]).as("the identity always goes on").isTrue();
    assertThat(finalists[n - 1] && finalists[n - 2] && finalists[n - 3]).isTrue();
    int count = 0;
    for (boolean f : finalists) {
      count += f ? 1 : 0;
    }
    assertThat(count).isEqualTo(StartScreening.FINALISTS + 1);
    assertThat(StartScreening.finalists(STARTS, firstRound, false)).containsOnly(true);
  }

  @Test
  void shouldStopBetweenPassesWhenAskedTo() {
    // Given a screening whose pre-emption check asks to stop before the third start's pass
    LabeledImages screen = InputSymmetryTest.randomImages(100, 28, 3);
    int[] passes = {0};
    Runnable beforePass =
        () -> {
          if (++passes[0] == 3) {
            throw new CancellationException("pre-empted");
          }
        };
    try (VitModel work = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        NDManager tmp = work.newBatchManager()) {
      Seeded.weights(work, 5);
      PatchEmbeddingWeights base = PatchEmbeddingWeights.read(work.parameters(), "");
      double[] served = new double[screen.count()];
      StartScreening screening = new StartScreening(new Evaluator(64), 64, beforePass);

      // When it scores the sixteen starts, then it stops there, with none of the others run
      assertThatThrownBy(
              () ->
                  screening.score(
                      work, base, STARTS, screen, served, false, Preprocessing.fashionMnist(), tmp))
          .isInstanceOf(CancellationException.class);
      assertThat(passes[0]).isEqualTo(3);
    }
  }

  @Test
  void shouldChooseTheStartThatScoringEveryImageChooses(@TempDir Path dir) throws Exception {
    LabeledImages test;
    try {
      test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    } catch (DatasetNotFoundException e) {
      Assumptions.abort("Fashion-MNIST is not installed: " + e.getMessage());
      return;
    }
    ModelStore store = ShippedModel.copyInto(dir);
    for (InputSymmetry drift :
        List.of(
            new InputSymmetry(InputSymmetry.Turn.IDENTITY, true),
            new InputSymmetry(InputSymmetry.Turn.ROTATE_90, false))) {
      // Given a request as the first one after a drift: 250 original labels, then 134 drifted ones
      LabeledImages screen = test.slice(0, 250).concat(drift.apply(test.slice(250, 384)));
      try (LoadedModel champ =
              store.load(ShippedModel.NAME, OptionalInt.empty(), Device.cpu(), Precision.FP32);
          VitModel work = VitModel.create(champ.model().config(), Device.cpu(), Precision.FP32);
          NDManager tmp = work.newBatchManager()) {
        var pre = champ.manifest().preprocessing();
        Evaluator ev = new Evaluator(256);
        int k = champ.model().config().numClasses();
        double[] served =
            AdapterTrainer.losses(ev.probabilities(champ.model(), screen, pre), screen, k);
        work.setWeights(AdapterTrainer.basePath(champ.model()));
        PatchEmbeddingWeights base = PatchEmbeddingWeights.read(work.parameters(), "");

        // When the starts are scored in two rounds, and on every image
        StartScreening.Scores halved =
            new StartScreening(ev).score(work, base, STARTS, screen, served, false, pre, tmp);
        StartScreening.Scores full =
            new StartScreening(ev, Integer.MAX_VALUE, () -> {})
                .score(work, base, STARTS, screen, served, false, pre, tmp);
        StartScreening.Scores reused =
            new StartScreening(ev).score(work, base, STARTS, screen, served, true, pre, tmp);

        // Then both choose the drift's own symmetry, and a finalist's scores are the full ones
        int chosen = AdapterTrainer.simplest(halved.losses());
        assertThat(STARTS.get(chosen)).as(drift.toString()).isEqualTo(drift);
        assertThat(AdapterTrainer.simplest(full.losses())).isEqualTo(chosen);
        int finalists = 0;
        for (int s = 0; s < STARTS.size(); s++) {
          if (halved.each()[s] != null) {
            finalists++;
            assertThat(halved.losses()[s]).isCloseTo(full.losses()[s], within(1e-4));
          } else {
            assertThat(halved.losses()[s]).isInfinite();
          }
        }
        assertThat(finalists).isEqualTo(StartScreening.FINALISTS + 1);
        // and the served version (no adapters) standing in for the identity's pass changes nothing
        for (int s = 0; s < STARTS.size(); s++) {
          assertThat(reused.losses()[s]).isCloseTo(halved.losses()[s], within(1e-4));
        }
        int identity = STARTS.indexOf(InputSymmetry.IDENTITY);
        assertThat(reused.each()[identity]).containsExactly(served);
      }
    }
  }
}
