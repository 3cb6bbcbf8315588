package io.vitstream.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao et al., 2017): 60,000 training and 10,000 test 28 x 28 grayscale images of
 * ten clothing classes, as the Debian package {@code dataset-fashion-mnist} installs them.
 */
public final class FashionMnist {
  /** The data set's name in the CLI and in manifests. */
  public static final String NAME = "fashion-mnist";

  /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The class names, by label index. */
  public static final List<String> LABELS =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private FashionMnist() {}

  /**
   * Loads one split.
   *
   * @param dir the folder with the four {@code *-ubyte.gz} files
   * @throws DatasetNotFoundException when a file is missing, saying how to install it
   * @throws UncheckedIOException when a file is unreadable or malformed
   */
  public static LabeledImages load(Path dir, Split split) {
    String prefix = split == Split.TRAIN ? "train" : "t10k";
    Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    for (Path file : List.of(images, labels)) {
      if (!Files.isRegularFile(file)) {
        throw new DatasetNotFoundException(
            "Fashion-MNIST not found: missing "
                + file
                + "; install it with: apt-get install dataset-fashion-mnist (or pass --data-dir)");
      }
    }
    try {
      return IdxReader.readLabeled(images, labels);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
