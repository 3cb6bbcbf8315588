package io.vitstream.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vitstream.dataset.BatchAssembler;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.image.Preprocessing;
import io.vitstream.testing.Seeded;
import io.vitstream.testing.Tensors;
import io.vitstream.testing.TinyModels;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InputSymmetryTest {
  private static final Preprocessing PRE = Preprocessing.fashionMnist();

  static Iterable<InputSymmetry> symmetries() {
    return InputSymmetry.all();
  }

  @ParameterizedTest
  @MethodSource("symmetries")
  void shouldSeeTransformedImagesExactlyAsTheBaseSeesTheOriginals(InputSymmetry s) {
    // Given a random tiny ViT, random images, and the same ViT with the transformed embedding
    LabeledImages images = randomImages(6, 28, 11);
    try (VitModel base = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        VitModel adapted = VitModel.create(TinyModels.TINY, Device.cpu(), Precision.FP32);
        NDManager m = base.newBatchManager()) {
      Seeded.weights(base, 3);
      adapted.setWeights(AdapterTrainer.basePath(base));
      PatchEmbeddingWeights embedding = PatchEmbeddingWeights.read(base.parameters(), "");
      adapted.setWeights(s.transform(embedding, PRE).arrays("", m));

      // When the adapted model reads the transformed images
      NDArray expected = base.forwardExpert(batch(images, m), -1);
      NDArray actual = adapted.forwardExpert(batch(s.apply(images), m), -1);

      // Then its logits are the base model's on the originals
      assertThat(Tensors.maxAbsDiff(expected, actual)).isLessThan(1e-4);
    }
  }

  @Test
  void shouldListTheIdentityFirstAndSixteenDistinctSymmetries() {
    assertThat(InputSymmetry.all()).hasSize(16).doesNotHaveDuplicates();
    assertThat(InputSymmetry.all().get(0)).isEqualTo(InputSymmetry.IDENTITY);
    assertThat(new InputSymmetry(InputSymmetry.Turn.ROTATE_90, true))
        .hasToString("rotate-90+invert");
  }

  @Test
  void shouldUndoAQuarterTurnWithThreeMore() {
    LabeledImages images = randomImages(2, 5, 4);
    LabeledImages turned = images;
    for (int i = 0; i < 4; i++) {
      turned = new InputSymmetry(InputSymmetry.Turn.ROTATE_90, false).apply(turned);
    }
    assertThat(turned.pixels()).isEqualTo(images.pixels());
    assertThat(new InputSymmetry(InputSymmetry.Turn.ROTATE_90, false).apply(images).pixels())
        .isNotEqualTo(images.pixels());
  }

  @ParameterizedTest
  @MethodSource("symmetries")
  void shouldBeUndoneByItsInverse(InputSymmetry s) {
    LabeledImages images = randomImages(2, 5, 4);

    LabeledImages back = s.inverse().apply(s.apply(images));

    assertThat(back.pixels()).isEqualTo(images.pixels());
    assertThat(s.inverse().equals(s)).isEqualTo(s.isInvolution());
  }

  @Test
  void shouldMeasureAheadTheFifteenOthersEachQuarterTurnNextToItsInverse() {
    var order = AdapterRecipe.aheadOrder();

    assertThat(order).hasSize(15).doesNotHaveDuplicates().doesNotContain(InputSymmetry.IDENTITY);
    for (int i = 0; i < order.size(); i++) {
      if (!order.get(i).isInvolution() && order.indexOf(order.get(i).inverse()) > i) {
        assertThat(order.get(i + 1)).as("after %s", order.get(i)).isEqualTo(order.get(i).inverse());
      }
    }
    assertThat(order.subList(0, 2))
        .extracting(InputSymmetry::turn)
        .containsExactly(InputSymmetry.Turn.ROTATE_90, InputSymmetry.Turn.ROTATE_270);
  }

  static LabeledImages randomImages(int count, int side, long seed) {
    byte[] pixels = new byte[count * side * side];
    new Random(seed).nextBytes(pixels);
    byte[] labels = new byte[count];
    return new LabeledImages(count, side, side, pixels, labels);
  }

  static NDArray batch(LabeledImages images, NDManager m) {
    BatchAssembler a = new BatchAssembler(images, PRE, 0, false);
    int[] order = new int[images.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    float[] out = new float[images.count() * images.imageLength()];
    a.images(order, 0, images.count(), null, out);
    return m.create(out, new Shape(images.count(), 1, images.rows(), images.cols()));
  }
}
