package io.vitstream.experiments;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.demo.Drift;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.runtime.Djl;
import io.vitstream.store.ModelStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much each drift hurts a stored model: its accuracy on test images 5000..9999, clean and under
 * every drift with one seed. Not a test; run by hand:
 *
 * <pre>java -cp test-classes:classes:lib/* io.vitstream.experiments.DriftSeverity STORE VERSION
 * SEED [DRIFT...]</pre>
 */
public final class DriftSeverity {
  private DriftSeverity() {}

  public static void main(String[] args) {
    ModelStore store = ModelStore.open(Path.of(args[0]));
    int version = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    List<Drift> drifts =
        args.length > 3
            ? Arrays.stream(args, 3, args.length).map(Drift::fromName).toList()
            : List.of(Drift.values());
    Djl.setIntraOpThreads(Integer.parseInt(System.getProperty("threads", "1")));
    LabeledImages test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST).slice(5000, 10000);
    Evaluator evaluator = new Evaluator(256);
    System.out.printf(
        Locale.ROOT,
        "| clean | %.4f |%n",
        evaluator.evaluate(store, "fashion-mnist", version, Device.cpu(), test).accuracy());
    for (Drift d : drifts) {
      LabeledImages drifted = d.apply(test, seed, 5000);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.4f |%n",
          d.cliName(),
          evaluator.evaluate(store, "fashion-mnist", version, Device.cpu(), drifted).accuracy());
    }
  }
}
