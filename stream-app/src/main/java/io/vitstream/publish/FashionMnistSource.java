package io.vitstream.publish;

import io.vitstream.image.RawImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The Fashion-MNIST test set (t10k IDX files, gzipped) as raw 28 x 28 gray pixels, labelled with
 * the class index. A minimal reader, to be replaced by the project's data-set reader.
 *
 * @param dir the folder holding {@code t10k-images-idx3-ubyte.gz} and {@code
 *     t10k-labels-idx1-ubyte.gz}
 */
public record FashionMnistSource(Path dir) implements ImageSource {
  /** Where {@code apt-get install dataset-fashion-mnist} puts it. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  @Override
  public List<SourceImage> read(int limit) throws IOException {
    Path images = dir.resolve("t10k-images-idx3-ubyte.gz");
    Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
    if (!Files.exists(images) || !Files.exists(labels)) {
      throw new IOException(
          "Fashion-MNIST test set not found in "
              + dir
              + " (apt-get install dataset-fashion-mnist, or pass image files)");
    }
    try (var img = open(images);
        var lab = open(labels)) {
      int n = header(img, 2051, 3);
      int rows = img.readInt();
      int cols = img.readInt();
      if (header(lab, 2049, 1) != n) {
        throw new IOException("image and label counts differ in " + dir);
      }
      List<SourceImage> out = new ArrayList<>();
      for (int i = 0; i < Math.min(n, limit); i++) {
        byte[] px = new byte[rows * cols];
        img.readFully(px);
        String label = Integer.toString(lab.readUnsignedByte());
        out.add(
            SourceImage.pixels(
                "fmnist-test-" + i, new RawImage(rows, cols, 1, px), Optional.of(label)));
      }
      return out;
    }
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    return new DataInputStream(new GZIPInputStream(in, 1 << 16));
  }

  /** Checks the magic number and returns the item count. */
  private static int header(DataInputStream in, int magic, int dims) throws IOException {
    int m = in.readInt();
    if (m != magic) {
      throw new IOException("not an IDX file with " + dims + " dimensions (magic " + m + ")");
    }
    return in.readInt();
  }
}
