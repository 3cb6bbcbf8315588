package io.vitstream.experiments;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.demo.Drift;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.feedback.Rehearsal;
import io.vitstream.image.Preprocessing;
import io.vitstream.runtime.Djl;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelStore;
import io.vitstream.training.OptimizerKind;
import io.vitstream.training.SoftTargets;
import io.vitstream.training.TrainingConfig;
import io.vitstream.training.TrainingListener;
import io.vitstream.training.VitTrainer;
import io.vitstream.vit.Precision;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Offline upper bound of one fine-tuning run under drift: the champion fine-tuned once on {@code
 * labels} drifted training images plus distilled rehearsal, for many epochs, then scored on drifted
 * and original test images. Not a test; run by hand:
 *
 * <pre>java -cp test-classes:classes:lib/* io.vitstream.experiments.DriftFrontier STORE VERSION
 * invert LABELS REHEARSAL DISTILL EPOCHS LR</pre>
 */
public final class DriftFrontier {
  private DriftFrontier() {}

  public static void main(String[] args) {
    ModelStore store = ModelStore.open(Path.of(args[0]));
    int version = Integer.parseInt(args[1]);
    Drift drift = Drift.fromName(args[2]);
    int labels = Integer.parseInt(args[3]);
    int rehearsalCount = Integer.parseInt(args[4]);
    double distill = Double.parseDouble(args[5]);
    int epochs = Integer.parseInt(args[6]);
    float lr = Float.parseFloat(args[7]);
    Djl.setIntraOpThreads(Integer.parseInt(System.getProperty("threads", "1")));
    LabeledImages train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN);
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
    LabeledImages feedback = drift.apply(train.slice(0, labels));
    LabeledImages pool = train.slice(30_000, 60_000);
    LabeledImages driftedTest = drift.apply(test.slice(0, 2000));
    LabeledImages originalTest = test.slice(2000, 4000);
    Rehearsal rehearsal = new Rehearsal(pool, rehearsalCount, 7, distill);
    Evaluator evaluator = new Evaluator(256);
    try (LoadedModel champ =
            store.load("fashion-mnist", OptionalInt.of(version), Device.cpu(), Precision.FP32);
        LoadedModel cand =
            store.load("fashion-mnist", OptionalInt.of(version), Device.cpu(), Precision.FP32)) {
      Preprocessing pre = champ.manifest().preprocessing();
      String trainable = System.getProperty("trainable", "");
      if (!trainable.isEmpty()) {
        List<String> prefixes = List.of(trainable.split(","));
        cand.model()
            .parameters()
            .forEach((n, p) -> p.freeze(prefixes.stream().noneMatch(n::startsWith)));
      }
      LabeledImages drawn = rehearsal.draw(0);
      Optional<SoftTargets> targets =
          rehearsal.targets(
              feedback, drawn, 10, () -> evaluator.probabilities(champ.model(), drawn, pre));
      TrainingConfig config =
          TrainingConfig.fineTuning()
              .optimizer(OptimizerKind.ADAMW)
              .epochs(epochs)
              .batchSize(64)
              .learningRate(lr)
              .seed(11)
              .build();
      double d0 = evaluator.evaluate(champ.model(), driftedTest, pre).accuracy();
      double o0 = evaluator.evaluate(champ.model(), originalTest, pre).accuracy();
      long start = System.nanoTime();
      new VitTrainer(config, TrainingListener.NONE)
          .fit(
              cand.model(),
              feedback.concat(drawn),
              targets,
              driftedTest.limit(0),
              pre,
              Optional.empty());
      double seconds = (System.nanoTime() - start) / 1e9;
      double d1 = evaluator.evaluate(cand.model(), driftedTest, pre).accuracy();
      double o1 = evaluator.evaluate(cand.model(), originalTest, pre).accuracy();
      System.out.printf(
          Locale.ROOT,
          "%s trainable=["
              + trainable
              + "] labels=%d rehearsal=%d distill=%.2f epochs=%d lr=%.0e: drifted %.4f -> %.4f, original %.4f -> %.4f (%+.4f), %.0f s%n",
          drift,
          labels,
          rehearsalCount,
          distill,
          epochs,
          lr,
          d0,
          d1,
          o0,
          o1,
          o1 - o0,
          seconds);
    }
  }
}
