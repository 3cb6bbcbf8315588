package io.vitstream.vit;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** The numeric precision a model is built in. */
public enum Precision {
  /** float32, on every device. */
  FP32(DataType.FLOAT32),
  /** float16, for inference on a GPU; the blocks are initialised directly in this type. */
  FP16(DataType.FLOAT16);

  private final DataType dataType;

  Precision(DataType dataType) {
    this.dataType = dataType;
  }

  /** The DJL data type of the parameters and activations. */
  public DataType dataType() {
    return dataType;
  }

  /**
   * Parses {@code fp32}, {@code fp16} (also {@code float32}, {@code float16}, {@code half}).
   *
   * @throws IllegalArgumentException for bf16 (DJL 0.36's bfloat16 cast aborts the JVM) and
   *     anything unknown, with a one-line reason
   */
  public static Precision parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "fp32", "float32", "f32" -> FP32;
      case "fp16", "float16", "f16", "half" -> FP16;
      case "bf16", "bfloat16" ->
          throw new IllegalArgumentException(
              "bf16 is not supported: DJL 0.36's bfloat16 cast aborts the JVM; use fp32, or fp16"
                  + " on a GPU");
      default -> throw new IllegalArgumentException("unknown precision '" + text + "'");
    };
  }

  /**
   * Checks that this precision can run on the device.
   *
   * @throws IllegalArgumentException for fp16 on a CPU, where half-precision kernels are slow or
   *     missing
   */
  public void checkSupportedOn(Device device) {
    if (this == FP16 && !device.isGpu()) {
      throw new IllegalArgumentException("fp16 needs a GPU device; use fp32 on the CPU");
    }
  }
}
