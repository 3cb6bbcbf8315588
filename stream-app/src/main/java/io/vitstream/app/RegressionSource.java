package io.vitstream.app;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.IdxReader;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.image.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the fine-tuning gate's regression set (labelled images from the model's original data,
 * against forgetting) comes from, as {@code feedback.regression.source} names it:
 *
 * <ul>
 *   <li>{@code fashion-mnist[:DIR]}: the last {@value #FASHION_MNIST_SIZE} Fashion-MNIST test
 *       images (from {@code DIR}, else the default data folder); its training split is the
 *       rehearsal pool;
 *   <li>{@code idx:IMAGES,LABELS}: a gzip IDX pair, (N, H, W) or (N, H, W, 3) images and N class
 *       indices into the model's labels;
 *   <li>{@code folder:DIR}: image files in one sub-folder per class, the sub-folder named as the
 *       model's label.
 * </ul>
 *
 * Images of another size or channel count are converted as serving converts them.
 */
public sealed interface RegressionSource {
  /**
   * How many Fashion-MNIST test images, from the end of the split, form the regression set: test
   * images 5000..9999, which the drift demo never streams (see {@code
   * GatePolicy.RECOMMENDED_REGRESSION_SIZE}).
   */
  int FASHION_MNIST_SIZE = 5000;

  /** What the key accepts, for error lines. */
  String FORMS = "fashion-mnist[:DIR], idx:IMAGES,LABELS or folder:DIR";

  /** Accepts the key's value: empty (by the model) or one of the {@link #FORMS}. */
  Validator VALIDATOR =
      Validator.of(
          FORMS + ", or empty",
          v -> {
            try {
              return v.toString().isBlank() || parse(v.toString()) != null;
            } catch (IllegalArgumentException e) {
              return false;
            }
          });

  /** The Fashion-MNIST test split's last images. */
  record FashionMnistTest(Path dir) implements RegressionSource {}

  /** A gzip IDX pair. */
  record Idx(Path images, Path labels) implements RegressionSource {}

  /** A labelled folder: one sub-folder of images per class. */
  record Folder(Path dir) implements RegressionSource {}

  /**
   * Parses the key's value.
   *
   * @throws IllegalArgumentException in one line, naming the accepted forms
   */
  static RegressionSource parse(String text) {
    String s = text.strip();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    String arg = colon < 0 ? "" : s.substring(colon + 1).strip();
    switch (kind) {
      case "fashion-mnist":
        return new FashionMnistTest(arg.isEmpty() ? FashionMnist.DEFAULT_DIR : Path.of(arg));
      case "idx":
        String[] pair = arg.split(",", -1);
        if (pair.length == 2 && !pair[0].isBlank() && !pair[1].isBlank()) {
          return new Idx(Path.of(pair[0].strip()), Path.of(pair[1].strip()));
        }
        break;
      case "folder":
        if (!arg.isEmpty()) {
          return new Folder(Path.of(arg));
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(
        "feedback.regression.source=" + text + ": expected " + FORMS);
  }

  /**
   * The configured source, else Fashion-MNIST's test split for a model with Fashion-MNIST's labels.
   *
   * @throws IllegalArgumentException in one line when neither applies
   */
  static RegressionSource forModel(Optional<RegressionSource> configured, List<String> labels) {
    if (configured.isPresent()) {
      return configured.get();
    }
    if (labels.equals(FashionMnist.LABELS)) {
      return new FashionMnistTest(FashionMnist.DEFAULT_DIR);
    }
    throw new IllegalArgumentException(
        "feedback.enabled=true needs feedback.regression.source ("
            + FORMS
            + ") for a model whose labels are not Fashion-MNIST's");
  }

  /**
   * Loads the regression set for a model with these labels and input.
   *
   * @throws IllegalArgumentException in one line when it is missing, empty or does not fit
   */
  default LabeledImages load(List<String> labels, Preprocessing preprocessing) {
    LabeledImages images;
    if (this instanceof FashionMnistTest f) {
      images = fashionMnist(f.dir(), labels);
    } else if (this instanceof Idx i) {
      images = idx(i, labels);
    } else {
      images = RegressionImages.folder(((Folder) this).dir(), labels, preprocessing);
    }
    if (images.count() == 0) {
      throw new IllegalArgumentException("the regression set " + this + " holds no images");
    }
    return RegressionImages.fit(images, preprocessing);
  }

  /**
   * The model's original training images, to rehearse: Fashion-MNIST's training split for that
   * source; the other sources have none.
   */
  default Optional<Supplier<LabeledImages>> trainingImages() {
    return this instanceof FashionMnistTest f
        ? Optional.of(() -> FashionMnist.load(f.dir(), Split.TRAIN))
        : Optional.empty();
  }

  private static LabeledImages fashionMnist(Path dir, List<String> labels) {
    if (!labels.equals(FashionMnist.LABELS)) {
      throw new IllegalArgumentException(
          "feedback.regression.source=fashion-mnist does not fit a model labelled " + labels);
    }
    LabeledImages test = FashionMnist.load(dir, Split.TEST);
    return test.slice(Math.max(0, test.count() - FASHION_MNIST_SIZE), test.count());
  }

  private static LabeledImages idx(Idx source, List<String> labels) {
    LabeledImages images;
    try {
      images = IdxReader.readLabeled(source.images(), source.labels());
    } catch (IOException e) {
      throw new UncheckedIOException("regression set: " + e.getMessage(), e);
    }
    for (int i = 0; i < images.count(); i++) {
      if (images.label(i) >= labels.size()) {
        throw new IllegalArgumentException(
            source.labels()
                + " has label "
                + images.label(i)
                + "; the model has "
                + labels.size()
                + " classes");
      }
    }
    return images;
  }
}
