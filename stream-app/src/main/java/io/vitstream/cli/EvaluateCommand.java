package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.evaluation.Evaluator;
import io.vitstream.runtime.Djl;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelManifest;
import io.vitstream.vit.Precision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitstream evaluate}: accuracy, per-class accuracy and confusion matrix of a model. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a stored model on a data set split.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;

  @Option(names = "--model", required = true, description = "NAME or NAME:VERSION")
  String model;

  @Option(names = "--dataset", required = true, description = "data set: fashion-mnist")
  String dataset;

  @Option(names = "--split", defaultValue = "test", description = "train or test (test)")
  String split;

  @Option(names = "--limit", description = "evaluate only the first N images")
  Integer limit;

  @Option(names = "--data-dir", description = "folder of the IDX files (Debian's by default)")
  Path dataDir = FashionMnist.DEFAULT_DIR;

  @Option(names = "--batch-size", defaultValue = "256", description = "images per batch (256)")
  int batchSize;

  @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (2)")
  int threads;

  @Override
  public Integer call() {
    if (!dataset.equals(FashionMnist.NAME)) {
      throw new IllegalArgumentException("unknown dataset '" + dataset + "': fashion-mnist");
    }
    ModelRef ref = ModelRef.parse(model);
    LabeledImages data = FashionMnist.load(dataDir, Split.parse(split));
    if (limit != null) {
      data = data.limit(limit);
    }
    Djl.setIntraOpThreads(threads);
    try (LoadedModel loaded =
        store.open().load(ref.name(), ref.version(), Device.cpu(), Precision.FP32)) {
      ModelManifest m = loaded.manifest();
      Evaluation e = new Evaluator(batchSize).evaluate(loaded.model(), data, m.preprocessing());
      print(spec.commandLine().getOut(), m, e);
    }
    return 0;
  }

  static void print(PrintWriter out, ModelManifest m, Evaluation e) {
    out.printf(Locale.ROOT, "model: %s:%d%n", m.name(), m.version());
    out.printf(Locale.ROOT, "images: %d%n", e.count());
    out.printf(Locale.ROOT, "accuracy: %.4f%n", e.accuracy());
    out.printf(Locale.ROOT, "throughput: %.0f img/s%n", e.imagesPerSecond());
    List<String> labels = m.labels();
    out.println("per-class accuracy:");
    for (int k = 0; k < labels.size(); k++) {
      out.printf(Locale.ROOT, "  %-12s %.4f%n", labels.get(k), e.perClassAccuracy().get(k));
    }
    out.println("confusion matrix (rows: true, columns: predicted):");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-12s", ""));
    for (int k = 0; k < labels.size(); k++) {
      header.append(String.format(Locale.ROOT, " %5d", k));
    }
    out.println(header);
    for (int t = 0; t < labels.size(); t++) {
      StringBuilder row =
          new StringBuilder(String.format(Locale.ROOT, "  %d %-10s", t, abbreviate(labels.get(t))));
      for (int count : e.confusion().get(t)) {
        row.append(String.format(Locale.ROOT, " %5d", count));
      }
      out.println(row);
    }
    out.flush();
  }

  private static String abbreviate(String label) {
    return label.length() <= 10 ? label : label.substring(0, 10);
  }
}
