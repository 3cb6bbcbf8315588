package io.vitstream.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vitstream.testing.Seeded;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrecisionTest {
  private static final ViTConfig SMALL =
      ViTConfig.builder()
          .imageSize(16)
          .patchSize(4)
          .channels(3)
          .width(32)
          .depth(2)
          .heads(4)
          .numClasses(5)
          .build();

  @Test
  void shouldRefuseBf16WithTheReason() {
    // Given bfloat16, which DJL 0.36 cannot cast without aborting the JVM
    // When / Then
    assertThatThrownBy(() -> Precision.parse("bf16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bf16 is not supported")
        .hasMessageContaining("use fp32");
  }

  @Test
  void shouldParseTheUsualSpellings() {
    assertThat(Precision.parse("FP32")).isEqualTo(Precision.FP32);
    assertThat(Precision.parse("half")).isEqualTo(Precision.FP16);
    assertThatThrownBy(() -> Precision.parse("int8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown precision 'int8'");
  }

  @Test
  void shouldBuildEveryParameterOfAnFp16ModelInHalfPrecision() {
    // Given / When an fp16 model (DJL's truncated-normal initialiser alone would make float32)
    try (VitModel fp16 = VitModel.create(SMALL, Device.cpu(), Precision.FP16)) {
      // Then no parameter is left in float32
      fp16.parameters()
          .forEach(
              (name, p) ->
                  assertThat(p.getArray().getDataType()).as(name).isEqualTo(DataType.FLOAT16));
    }
  }

  @Test
  void shouldRunFp16OnTheCpuCloseToFp32WithTheSameWeights() {
    // Given an fp32 model and an fp16 model on the CPU with the same weights
    try (VitModel fp32 = VitModel.create(SMALL, Device.cpu(), Precision.FP32);
        VitModel fp16 = VitModel.create(SMALL, Device.cpu(), Precision.FP16);
        NDManager batch = fp32.newBatchManager()) {
      Seeded.weights(fp32, 7);
      Map<String, NDArray> weights = new LinkedHashMap<>();
      fp32.parameters().forEach((name, p) -> weights.put(name, p.getArray()));
      fp16.setWeights(weights);
      NDArray images = Seeded.normal(batch, new Shape(2, 3, 16, 16), 8);

      // When both run the same images
      NDArray expected = fp32.forward(images, ActivationSink.NONE);
      NDArray half = fp16.forward(images, ActivationSink.NONE);

      // Then the half-precision logits are half, finite, and within 1e-2 of fp32
      assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
      float diff = half.toType(DataType.FLOAT32, false).sub(expected).abs().max().getFloat();
      System.out.printf("fp16 vs fp32 on CPU: max |diff| %.3e%n", diff);
      assertThat(diff).isLessThanOrEqualTo(1e-2f);
    }
  }
}
