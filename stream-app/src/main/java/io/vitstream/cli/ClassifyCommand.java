package io.vitstream.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.image.BadImageException;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.inference.TopK;
import io.vitstream.runtime.Djl;
import io.vitstream.store.LoadedModel;
import io.vitstream.store.ModelManifest;
import io.vitstream.vit.ActivationSink;
import io.vitstream.vit.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    ImageDecoder decoder = ImageDecoder.withDefaultLimits();
    PrintWriter out = spec.commandLine().getOut();
    Djl.ensureConfigured();
    try (LoadedModel loaded =
        store.open().load(ref.name(), ref.version(), Device.cpu(), Precision.FP32)) {
      ModelManifest m = loaded.manifest();
      ImagePreprocessor preprocessor = new ImagePreprocessor(m.preprocessing());
      int size = m.preprocessing().size();
      for (Path image : images) {
        float[] input = new float[preprocessor.inputLength()];
        preprocessor.write(decoder.decode(read(image)), input, 0);
        try (NDManager batch = loaded.model().newBatchManager()) {
          NDArray x = batch.create(input, new Shape(1, m.preprocessing().channels(), size, size));
          float[] probs = loaded.model().forward(x, ActivationSink.NONE).softmax(-1).toFloatArray();
          out.println(
              image
                  + ": "
                  + TopK.of(probs, m.labels(), topK).stream()
                      .map(t -> String.format(Locale.ROOT, "%s %.4f", t.label(), t.score()))
                      .collect(Collectors.joining(", ")));
        }
      }
    }
    out.flush();
    return 0;
  }

  private static byte[] read(Path image) throws IOException {
    try {
      return Files.readAllBytes(image);
    } catch (NoSuchFileException e) {
      throw new BadImageException("no such file: " + image);
    }
  }
}
