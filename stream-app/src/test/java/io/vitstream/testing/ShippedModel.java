package io.vitstream.testing;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.store.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The repository's shipped Fashion-MNIST model, copied into a test store, and data slices. */
public final class ShippedModel {
  public static final String NAME = FashionMnist.NAME;

  private ShippedModel() {}

  /**
   * A store in {@code root} holding a copy of the shipped version 1, promoted: the small patch-7
   * model (the promoted default, version 4, is about three times as costly), which keeps the tests
   * fast.
   */
  public static ModelStore copyInto(Path root) throws IOException {
    return copyInto(root, NAME, 1);
  }

  /** A store in {@code root} holding a copy of the shipped {@code name:version}, promoted. */
  public static ModelStore copyInto(Path root, String name, int version) throws IOException {
    Path shipped =
        Path.of(System.getProperty("vitstream.repo.dir", "."))
            .resolve("model-store")
            .resolve(name)
            .resolve(Integer.toString(version));
    Path target = Files.createDirectories(root.resolve(name).resolve(Integer.toString(version)));
    try (Stream<Path> files = Files.list(shipped)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    ModelStore store = ModelStore.open(root);
    store.promote(name, version);
    return store;
  }

  /** Images [from, to) of {@code data}, optionally inverted (255 - p). */
  public static LabeledImages slice(LabeledImages data, int from, int to, boolean invert) {
    int len = data.imageLength();
    byte[] pixels = new byte[(to - from) * len];
    System.arraycopy(data.pixels(), from * len, pixels, 0, pixels.length);
    if (invert) {
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (byte) (255 - (pixels[i] & 0xFF));
      }
    }
    byte[] labels = new byte[to - from];
    System.arraycopy(data.labels(), from, labels, 0, labels.length);
    return new LabeledImages(to - from, data.rows(), data.cols(), pixels, labels);
  }
}
