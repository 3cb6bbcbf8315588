package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.vitstream.dataset.DatasetNotFoundException;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.testing.ShippedModel;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
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
            new StartScreening(ev).score(work, base, STARTS, screen, served, pre, tmp);
        StartScreening.Scores full =
            new StartScreening(ev, Integer.MAX_VALUE)
                .score(work, base, STARTS, screen, served, pre, tmp);

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
      }
    }
  }
}
