package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitstream.runtime.Djl;
import org.junit.jupiter.api.Test;

class TruncatedNormalTest {
  /** The standard deviation of N(0, 1) truncated to [-2, 2]. */
  private static final double TRUNCATED_STD = 0.8796;

  @Test
  void shouldDrawATwoSigmaTruncatedNormalInTheRequestedType() {
    // Given the initialiser at sigma 0.02
    Djl.ensureConfigured();
    TruncatedNormal init = new TruncatedNormal(0.02f);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // When a million float32 values and a few float16 ones are drawn
      NDArray x = init.initialize(manager, new Shape(1000, 1000), DataType.FLOAT32);
      NDArray half = init.initialize(manager, new Shape(8, 8), DataType.FLOAT16);

      // Then they stay within 2 sigma, with the truncated normal's mean and spread
      assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      assertThat(x.abs().max().getFloat()).isLessThanOrEqualTo(0.04f);
      assertThat(x.abs().max().getFloat()).isGreaterThan(0.039f);
      assertThat(x.mean().getFloat()).isCloseTo(0f, within(1e-4f));
      double std = Math.sqrt(x.square().mean().getFloat());
      assertThat(std).isCloseTo(0.02 * TRUNCATED_STD, within(1e-4));
    }
  }
}
