package io.vitstream.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Resizes the patch-grid part of the position embeddings (paper section 3.2), as PyTorch's {@code
 * interpolate(mode="bicubic", align_corners=False)} does in HF's {@code interpolate_pos_encoding}.
 * The [class] position is kept.
 *
 * <p>Bicubic interpolation is separable, so it is two matrix products with interpolation matrices
 * built here: the result is exact, differentiable, and runs on the array's device and data type.
 */
public final class PositionEmbeddings {
  /** The cubic convolution constant PyTorch uses. */
  private static final double A = -0.75;

  private PositionEmbeddings() {}

  /**
   * Resizes position embeddings from a square {@code grid x grid} to {@code rows x cols}.
   *
   * @param pos (1, 1 + grid^2, D): the [class] position, then the grid row by row
   * @param grid the side of the current grid
   * @param manager where the result and temporaries live (the caller's scope)
   * @return (1, 1 + rows * cols, D)
   */
  public static NDArray resize(NDArray pos, int grid, int rows, int cols, NDManager manager) {
    long d = pos.getShape().get(2);
    NDArray cls = pos.get(":, 0:1, :");
    cls.attach(manager);
    NDArray patches = pos.get(":, 1:, :").reshape(grid, grid * d); // (g, g*D)
    patches.attach(manager);
    NDArray ry = matrix(grid, rows, manager).toType(pos.getDataType(), false);
    NDArray rx = matrix(grid, cols, manager).toType(pos.getDataType(), false);
    // rows: (rows, g) x (g, g*D) -> (rows, g, D) -> (g, rows, D) -> (g, rows*D)
    NDArray t =
        ry.matMul(patches).reshape(rows, grid, d).transpose(1, 0, 2).reshape(grid, rows * d);
    // cols: (cols, g) x (g, rows*D) -> (cols, rows, D) -> (rows, cols, D)
    NDArray resized = rx.matMul(t).reshape(cols, rows, d).transpose(1, 0, 2);
    NDArray flat = resized.reshape(1, (long) rows * cols, d);
    return NDArrays.concat(new NDList(cls, flat), 1);
  }

  /** The (out, in) matrix of 1-D bicubic interpolation, align_corners=False, edges clamped. */
  static NDArray matrix(int in, int out, NDManager manager) {
    float[] w = new float[out * in];
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double src = scale * (o + 0.5) - 0.5;
      int base = (int) Math.floor(src);
      double t = src - base;
      double[] c = {far(t + 1), near(t), near(1 - t), far(2 - t)};
      for (int i = 0; i < 4; i++) {
        int idx = Math.min(Math.max(base - 1 + i, 0), in - 1);
        w[o * in + idx] += (float) c[i];
      }
    }
    return manager.create(w, new Shape(out, in));
  }

  private static double near(double x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  private static double far(double x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }
}
