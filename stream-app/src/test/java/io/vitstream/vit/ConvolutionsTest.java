package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The convolution that keeps libtorch off its NNPACK probe gives PyTorch's own answer for every
 * shape it reroutes, and leaves nothing in the parameters' manager.
 */
class ConvolutionsTest {
  @ParameterizedTest(name = "batch {0}, {1} to {2} channels, kernel {3}, stride {4}, pad {5}")
  @CsvSource({
    "3, 8, 5, 1, 1, 0, true", // 1x1 as a matrix product, with a bias
    "3, 8, 5, 1, 1, 0, false", // and without one
    "1, 1, 6, 3, 2, 1, true", // a batch of one, run twice: the router's first layer
    "1, 4, 4, 1, 2, 0, false", // a strided 1x1 at a batch of one: a hybrid's downsample
    "4, 2, 3, 3, 1, 1, true" // untouched
  })
  void shouldMatchPyTorchsConvolution(
      int batch, int in, int out, int kernel, int stride, int pad, boolean withBias) {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      NDArray x = m.randomNormal(new Shape(batch, in, 9, 9));
      NDArray w = m.randomNormal(new Shape(out, in, kernel, kernel));
      NDArray b = withBias ? m.randomNormal(new Shape(out)) : null;

      NDArray ours = Convolutions.conv2d(x, w, b, stride, pad);
      NDArray torch =
          Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
              .singletonOrThrow();

      assertThat(ours.getShape()).isEqualTo(torch.getShape());
      assertThat(ours.sub(torch).abs().max().getFloat()).isLessThan(1e-4f);
    }
  }

  @Test
  void shouldLeaveTheParametersManagerAsItWas() {
    try (NDManager params = NDManager.newBaseManager();
        NDManager batch = NDManager.newBaseManager()) {
      NDArray pointwise = params.randomNormal(new Shape(5, 8, 1, 1));
      NDArray square = params.randomNormal(new Shape(5, 8, 3, 3));
      NDArray b = params.randomNormal(new Shape(5));
      int before = ((BaseNDManager) params).getManagedArrays().size();

      Convolutions.conv2d(batch.randomNormal(new Shape(2, 8, 4, 4)), pointwise, b, 1, 0);
      Convolutions.conv2d(batch.randomNormal(new Shape(1, 8, 4, 4)), square, b, 1, 1);

      assertThat(((BaseNDManager) params).getManagedArrays()).hasSize(before);
    }
  }
}
