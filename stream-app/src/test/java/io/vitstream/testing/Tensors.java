package io.vitstream.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Comparisons of float arrays for assertions. */
public final class Tensors {
  private Tensors() {}

  /** The largest absolute difference, in float32; the shapes must be equal. */
  public static double maxAbsDiff(NDArray a, NDArray b) {
    if (!a.getShape().equals(b.getShape())) {
      throw new AssertionError("shapes differ: " + a.getShape() + " vs " + b.getShape());
    }
    NDArray x = a.toType(DataType.FLOAT32, false);
    NDArray y = b.toType(DataType.FLOAT32, false);
    return x.sub(y).abs().max().getFloat();
  }

  /** Whether every value is finite (no NaN, no infinity). */
  public static boolean allFinite(NDArray a) {
    return !a.isNaN().any().getBoolean() && !a.isInfinite().any().getBoolean();
  }
}
