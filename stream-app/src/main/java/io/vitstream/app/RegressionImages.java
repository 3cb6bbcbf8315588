package io.vitstream.app;

import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.ImageDecoder;
import io.vitstream.image.ImagePreprocessor;
import io.vitstream.image.Preprocessing;
import io.vitstream.image.RawImage;
import io.vitstream.publish.FileImageSource;
import io.vitstream.publish.SourceImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a labelled folder, and brings labelled images to a model's input geometry. */
final class RegressionImages {
  private RegressionImages() {}

  /**
   * The images under {@code dir}, one sub-folder per class named as one of {@code labels}, at the
   * model's geometry.
   *
   * @throws IllegalArgumentException in one line for a missing folder, an unlabelled image or a
   *     sub-folder that names no label
   */
  static LabeledImages folder(Path dir, List<String> labels, Preprocessing preprocessing) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("regression set folder " + dir + " does not exist");
    }
    List<SourceImage> files;
    try {
      files = new FileImageSource(List.of(dir)).read(Integer.MAX_VALUE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the regression set in " + dir, e);
    }
    ImageDecoder decoder = ImageDecoder.withDefaultLimits();
    ImagePreprocessor resize = new ImagePreprocessor(preprocessing);
    int len = preprocessing.size() * preprocessing.size() * preprocessing.channels();
    byte[] pixels = new byte[files.size() * len];
    byte[] classes = new byte[files.size()];
    for (int i = 0; i < files.size(); i++) {
      SourceImage f = files.get(i);
      String label =
          f.label()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "regression set image "
                              + f.id()
                              + " is not in a class sub-folder of "
                              + dir));
      int index = labels.indexOf(label);
      if (index < 0) {
        throw new IllegalArgumentException(
            "regression set folder " + dir.resolve(label) + " names no label of the model");
      }
      RawImage raw = f.pixels().orElseGet(() -> decoder.decode(f.encoded().orElseThrow()));
      System.arraycopy(resize.resize(raw).pixels(), 0, pixels, i * len, len);
      classes[i] = (byte) index;
    }
    int s = preprocessing.size();
    return new LabeledImages(files.size(), s, s, preprocessing.channels(), pixels, classes);
  }

  /** The images at the model's geometry: as they are when they have it, else converted. */
  static LabeledImages fit(LabeledImages images, Preprocessing preprocessing) {
    int s = preprocessing.size();
    int c = preprocessing.channels();
    if (images.rows() == s && images.cols() == s && images.channels() == c) {
      return images;
    }
    ImagePreprocessor resize = new ImagePreprocessor(preprocessing);
    int in = images.imageLength();
    int len = s * s * c;
    byte[] pixels = new byte[images.count() * len];
    for (int i = 0; i < images.count(); i++) {
      byte[] one = new byte[in];
      System.arraycopy(images.pixels(), i * in, one, 0, in);
      var raw = new RawImage(images.rows(), images.cols(), images.channels(), one);
      System.arraycopy(resize.resize(raw).pixels(), 0, pixels, i * len, len);
    }
    return new LabeledImages(images.count(), s, s, c, pixels, images.labels());
  }
}
