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
    LabeledImages test = FashionMnist.load(dir, Split.TEST).limit(limit);
    int length = test.imageLength();
    List<SourceImage> out = new ArrayList<>(test.count());
    for (int i = 0; i < test.count(); i++) {
      byte[] px = Arrays.copyOfRange(test.pixels(), i * length, (i + 1) * length);
      out.add(
          SourceImage.pixels(
              "fmnist-test-" + i,
              new RawImage(test.rows(), test.cols(), 1, px),
              Optional.of(FashionMnist.LABELS.get(test.label(i)))));
    }
    return out;
  }
}
