package io.vitstream.publish;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import io.vitstream.image.RawImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Fashion-MNIST test set as raw 28 x 28 gray pixels, labelled with the class index.
 *
 * @param dir the folder of the IDX files ({@link FashionMnist#DEFAULT_DIR} by default)
 */
public record FashionMnistSource(Path dir) implements ImageSource {
  /** Where {@code apt-get install dataset-fashion-mnist} puts it. */
  public static final Path DEFAULT_DIR = FashionMnist.DEFAULT_DIR;

  @Override
  public List<SourceImage> read(int limit) {
    return sourceImages(FashionMnist.load(dir, Split.TEST).limit(limit), "fmnist-test-");
  }

  /** Each image as a raw-pixel source image labelled with its class name, ids prefix + index. */
  public static List<SourceImage> sourceImages(LabeledImages data, String prefix) {
    int length = data.imageLength();
    List<SourceImage> out = new ArrayList<>(data.count());
    for (int i = 0; i < data.count(); i++) {
      byte[] px = Arrays.copyOfRange(data.pixels(), i * length, (i + 1) * length);
      out.add(
          SourceImage.pixels(
              prefix + i,
              new RawImage(data.rows(), data.cols(), 1, px),
              Optional.of(FashionMnist.LABELS.get(data.label(i)))));
    }
    return out;
  }
}
