package io.vitstream.inference;

import io.vitstream.image.BadImageException;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Classifies PNG or JPEG files with a {@link BatchClassifier}, a batch at a time, reporting each in
 * file order. A file that is missing or not an image stops the run with a {@link
 * BadImageException}, after the files before it have been reported.
 */
public final class FileClassifier {
  /** Files per forward pass. */
  static final int BATCH = 16;

  private final ServingModel model;
  private final BatchClassifier classifier;
  private final ImagePreprocessor preprocessor;
  private final ImageDecoder decoder = ImageDecoder.withDefaultLimits();

  /**
   * @param model the model, owned by the caller
   * @param topK classes reported per file, at least 1
   */
  public FileClassifier(ServingModel model, int topK) {
    this.model = model;
    this.classifier = new BatchClassifier(new BatchShapes(BATCH), topK);
    this.preprocessor = new ImagePreprocessor(model.preprocessing());
  }

  /**
   * Classifies {@code files}, handing each file and its best classes to {@code sink} in order.
   *
   * @throws BadImageException for a missing file or one that is not a PNG or JPEG
   */
  public void classify(List<Path> files, BiConsumer<Path, List<TopK>> sink) throws IOException {
    List<Path> pending = new ArrayList<>(BATCH);
    List<float[]> inputs = new ArrayList<>(BATCH);
    for (Path file : files) {
      float[] input = new float[preprocessor.inputLength()];
      try {
        preprocessor.write(decoder.decode(read(file)), input, 0);
      } catch (BadImageException e) {
        flush(pending, inputs, sink); // the files before it are reported
        throw e;
      }
      pending.add(file);
      inputs.add(input);
      if (inputs.size() == BATCH) {
        flush(pending, inputs, sink);
      }
    }
    flush(pending, inputs, sink);
  }

  private void flush(List<Path> files, List<float[]> inputs, BiConsumer<Path, List<TopK>> sink) {
    if (inputs.isEmpty()) {
      return;
    }
    List<List<TopK>> top = classifier.classify(model, inputs).topK();
    for (int i = 0; i < files.size(); i++) {
      sink.accept(files.get(i), top.get(i));
    }
    files.clear();
    inputs.clear();
  }

  private static byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new BadImageException("no such file: " + file);
    }
  }
}
