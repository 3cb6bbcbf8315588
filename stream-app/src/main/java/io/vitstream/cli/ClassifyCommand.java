package io.vitstream.cli;

import ai.djl.Device;
import io.vitstream.inference.FileClassifier;
import io.vitstream.inference.ServingModel;
import io.vitstream.inference.StoreModelProvider;
import io.vitstream.runtime.Djl;
import io.vitstream.vit.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream classify}: the top-k labels of PNG or JPEG files. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = "Classify PNG or JPEG images with a stored model.")
final class ClassifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin StoreOption store;

  @Option(names = "--model", required = true, description = "NAME or NAME:VERSION")
  String model;

  @Option(names = "--top-k", defaultValue = "3", description = "labels per image (3)")
  int topK;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG files")
  List<Path> images;

  @Override
  public Integer call() throws IOException {
    if (topK < 1) {
      throw new IllegalArgumentException("--top-k must be >= 1, got " + topK);
    }
    ModelRef ref = ModelRef.parse(model);
    PrintWriter out = spec.commandLine().getOut();
    Djl.ensureConfigured();
    var provider =
        new StoreModelProvider(
            store.open(), ref.name(), ref.version(), Device.cpu(), Precision.FP32);
    try (ServingModel serving = provider.load()) {
      new FileClassifier(serving, topK)
          .classify(
              images,
              (image, top) ->
                  out.println(
                      image
                          + ": "
                          + top.stream()
                              .map(t -> String.format(Locale.ROOT, "%s %.4f", t.label(), t.score()))
                              .collect(Collectors.joining(", "))));
    } finally {
      out.flush();
    }
    return 0;
  }
}
